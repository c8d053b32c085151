import { ExecutionError } from '@omni/core';
import type { BinaryOrderRequest } from '@omni/execution';
import type { JsonWsProtocol } from './protocol-schema.js';
import type { TemplateValues } from './template.js';

/**
 * The placeholder values of a buy, in the platform's words (`direction` and `durationUnit` through
 * their tables). An order the platform cannot take — a stake under `minStake`, a price cap under the
 * stake, a duration unit it has no word for — is refused here, unsent (`EXECUTION_REJECTED`).
 */
export function buyValues(p: JsonWsProtocol, order: BinaryOrderRequest): TemplateValues {
  const refuse = (why: string): ExecutionError =>
    new ExecutionError('EXECUTION_REJECTED', `${p.venue}: ${why} (not sent)`, {
      venue: p.venue,
      op: 'buy',
      clientId: order.clientId,
    });
  if (!(order.stake >= p.minStake)) throw refuse(`stake ${order.stake} is below the minimum ${p.minStake}`);
  if (!(order.maxPrice >= order.stake))
    throw refuse(`maxPrice ${order.maxPrice} is below the stake ${order.stake}`);
  const units = p.durationUnit;
  const unit = Object.keys(units).length === 0 ? order.durationUnit : units[order.durationUnit];
  if (unit === undefined) throw refuse(`the platform takes no duration unit "${order.durationUnit}"`);
  return {
    clientId: order.clientId,
    symbol: order.symbol,
    direction: p.direction[order.direction],
    stake: order.stake,
    currency: order.currency,
    duration: order.duration,
    durationUnit: unit,
    maxPrice: order.maxPrice,
  };
}
