import {
  type ArbitrageCostSettings,
  type OmniConfig,
  type OpenPosition,
  type PositionBook,
  positionRiskUsd,
  spotLossPerUnitUsd,
  type TradeDecision,
} from '@omni/core';
import type { SafetyState } from './safety-state.js';
import type { Approval, OrderLimit } from './safety-types.js';

/** What the per-order caps read: the day's counters, the open positions and the limits. */
export interface OrderCapsInput {
  readonly state: SafetyState;
  readonly book: PositionBook;
  readonly limits: OmniConfig['risk'];
  readonly arbitrageCost: ArbitrageCostSettings;
  readonly spotCostBps: number;
}

/**
 * The per-order caps of SafetyManager.approve, once trading is allowed at all: a positive balance,
 * no second position for one decision, the day's trade count, the open-position count, the daily
 * loss budget (realised loss plus open risk), the open positions of the same setup (symbol × engine
 * × `setupKey`, at most maxPositionsPerSetup), the stake cap (min(maxStakeUsd, fraction × balance);
 * clips, never raises), the exposure per market, and the correlated exposure per symbol (same
 * symbol and direction across engines: a CALL and a BUY are both long). Pure: reads `input`,
 * changes nothing.
 */
export function checkOrderCaps<D extends TradeDecision>(
  decision: D,
  ctx: { readonly balanceUsd: number },
  input: OrderCapsInput,
): Approval<D> {
  const market = decision.engine;
  const { state: s, limits: L, book } = input;
  if (!Number.isFinite(ctx.balanceUsd) || ctx.balanceUsd <= 0) {
    return reject('balance', `balance must be a positive number of USD, got ${ctx.balanceUsd}`);
  }
  if (book.get(decision.id) !== undefined) {
    return reject('duplicateDecision', `decision ${decision.id} is already open`);
  }
  if (s.dailyTrades >= L.maxDailyTrades) {
    return reject('maxDailyTrades', `${s.dailyTrades} trades today reach the cap of ${L.maxDailyTrades}`);
  }
  if (book.size >= L.maxOpenPositions) {
    return reject('maxOpenPositions', `${book.size} open positions reach the cap of ${L.maxOpenPositions}`);
  }
  const realisedLoss = Math.max(0, -s.dailyPnlUsd);
  const openRisk = book.riskUsd();
  if (realisedLoss + openRisk >= L.maxDailyLossUsd) {
    return reject(
      'dailyLossBudget',
      `today's loss ${fmt(realisedLoss)} USD plus open risk ${fmt(openRisk)} USD reach the daily loss cap of ${fmt(L.maxDailyLossUsd)} USD`,
    );
  }
  const stacked = sameSetupCount(decision, book);
  if (stacked >= L.maxPositionsPerSetup) {
    return reject(
      'maxPositionsPerSetup',
      `${stacked} open ${market} position${stacked === 1 ? '' : 's'} on ${symbolOf(decision)} already trade${stacked === 1 ? 's' : ''} setup ${decision.setupKey} (cap ${L.maxPositionsPerSetup} per setup)`,
    );
  }
  const cap = Math.min(L.maxStakeUsd, L.maxBalanceFractionPerTrade * ctx.balanceUsd);
  const sized = clipToCap(
    decision,
    positionRiskUsd(decision, input.arbitrageCost, input.spotCostBps),
    cap,
    input.spotCostBps,
  );
  if ('limit' in sized) return sized;
  const marketRisk = book.riskUsd(market);
  if (marketRisk + sized.riskUsd > L.maxExposurePerMarketUsd) {
    return reject(
      'maxExposurePerMarketUsd',
      `${market} exposure would be ${fmt(marketRisk + sized.riskUsd)} USD, above the cap of ${fmt(L.maxExposurePerMarketUsd)} USD`,
    );
  }
  const side = sideOf(decision);
  if (side !== undefined) {
    const symbolRisk = correlatedRiskUsd(book, symbolOf(decision), side);
    if (symbolRisk + sized.riskUsd > L.maxExposurePerSymbolUsd) {
      return reject(
        'maxExposurePerSymbolUsd',
        `${side} ${symbolOf(decision)} exposure across engines would be ${fmt(symbolRisk + sized.riskUsd)} USD, above the cap of ${fmt(L.maxExposurePerSymbolUsd)} USD`,
      );
    }
  }
  return { approved: true, ...sized };
}

/** Long or short on its symbol: a binary CALL or a spot BUY is long; arbitrage routes have no side. */
function sideOf(decision: TradeDecision): 'long' | 'short' | undefined {
  switch (decision.engine) {
    case 'binary':
      return decision.direction === 'call' ? 'long' : 'short';
    case 'spot':
      return decision.side === 'buy' ? 'long' : 'short';
    case 'arbitrage':
      return undefined;
  }
}

function symbolOf(decision: TradeDecision): string {
  return decision.engine === 'arbitrage' ? decision.routeId : decision.symbol;
}

/** Open positions of the decision's engine and symbol that trade its setup (0 without a setupKey). */
function sameSetupCount(decision: TradeDecision, book: PositionBook): number {
  const key = decision.setupKey;
  if (key === undefined) return 0;
  let n = 0;
  for (const p of book.positions()) {
    if (p.market === decision.engine && p.symbol === symbolOf(decision) && p.decision?.setupKey === key) n++;
  }
  return n;
}

/**
 * USD at risk of the open binary and spot positions on `symbol` on `side`. A position whose side is
 * unknown (migrated from old state without its decision) counts on both sides.
 */
function correlatedRiskUsd(book: PositionBook, symbol: string, side: 'long' | 'short'): number {
  let sum = 0;
  for (const p of book.positions()) {
    if (p.market === 'arbitrage' || p.symbol !== symbol) continue;
    const s = positionSide(p);
    if (s === undefined || s === side) sum += p.riskUsd;
  }
  return sum;
}

function positionSide(p: OpenPosition): 'long' | 'short' | undefined {
  return p.decision === undefined ? undefined : sideOf(p.decision);
}

function reject(limit: OrderLimit, reason: string): Approval<never> {
  return { approved: false, code: 'SAFETY_LIMIT_BREACHED', limit, reason };
}

type Sized<D extends TradeDecision> = { decision: D; riskUsd: number; clipped: boolean };

function clipToCap<D extends TradeDecision>(
  decision: D,
  riskUsd: number,
  cap: number,
  spotCostBps: number,
): Sized<D> | { approved: false; code: 'SAFETY_LIMIT_BREACHED'; limit: OrderLimit; reason: string } {
  if (decision.engine === 'spot' && !(Math.abs(decision.entryPrice - decision.stopPrice) > 0)) {
    return {
      approved: false,
      code: 'SAFETY_LIMIT_BREACHED',
      limit: 'stopDistance',
      reason: 'a spot order needs a stop price different from its entry price',
    };
  }
  if (riskUsd <= cap) return { decision, riskUsd, clipped: false };
  const note = `safety: risk clipped from ${fmt(riskUsd)} to ${fmt(cap)} USD (maxStakeUsd / maxBalanceFractionPerTrade)`;
  switch (decision.engine) {
    case 'binary':
      return {
        decision: { ...decision, stakeUsd: cap, reasons: [...decision.reasons, note] },
        riskUsd: cap,
        clipped: true,
      };
    case 'spot': {
      const lossPerUnit = spotLossPerUnitUsd(decision, spotCostBps);
      // The factor keeps size × loss per unit strictly at or under the cap despite rounding.
      const size = (cap / lossPerUnit) * (1 - 1e-12);
      return {
        decision: { ...decision, size, reasons: [...decision.reasons, note] },
        riskUsd: size * lossPerUnit,
        clipped: true,
      };
    }
    case 'arbitrage':
      return {
        approved: false,
        code: 'SAFETY_LIMIT_BREACHED',
        limit: 'maxStakeUsd',
        reason: `the arbitrage gas cost ${fmt(riskUsd)} USD is above the per-trade cap of ${fmt(cap)} USD`,
      };
  }
}

/** A USD figure for a message. */
export function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}
