import { ExecutionError } from '@omni/core';
import type {
  BinaryBrokerPort,
  BinaryContract,
  BinaryOrderRequest,
  BrokerAccount,
  BrokerLinkState,
  Unsubscribe,
} from '@omni/execution';
import type { DerivClient } from './deriv-client.js';
import { DerivError, protocolError, toExecutionError } from './deriv-error.js';
import {
  BuyBodySchema,
  type DerivFrame,
  type OpenContractBody,
  OpenContractBodySchema,
  PortfolioBodySchema,
  ProfitTableBodySchema,
  ProposalBodySchema,
  readBody,
} from './deriv-protocol.js';

/** Deriv's usual smallest stake (USD accounts). */
export const DERIV_DEFAULT_MIN_STAKE = 0.35;

/** A priced proposal: what `buy` will cost and pay. */
export interface DerivProposal {
  readonly id: string;
  readonly askPrice: number;
  readonly payout: number;
  /** The spot when priced, and its time (epoch ms). */
  readonly spot: number;
  readonly spotTsMs: number;
}

/** Options of a {@link DerivBinaryBroker}. */
export interface DerivBinaryBrokerOptions {
  /** Smallest stake accepted. Default {@link DERIV_DEFAULT_MIN_STAKE}. */
  readonly minStake?: number;
}

/**
 * Deriv binary options as a `BinaryBrokerPort`, over one {@link DerivClient}: `connect` authorizes;
 * `buy` prices a `proposal` (CALL/PUT, stake basis) and buys its id with `price` = the order's
 * `maxPrice`, the decision id in `passthrough.clientId`, never retried; `follow` subscribes to
 * `proposal_open_contract` until `is_sold`; `contractsSince` merges `portfolio` (open) and
 * `profit_table` (settled) by contract id — how an unanswered buy is resolved. Failures follow the
 * port's rules ({@link toExecutionError}), the DerivError kept as `cause`.
 *
 * @example
 * const broker = new DerivBinaryBroker(new DerivClient({ appId, token, onAlert }));
 * const account = await broker.connect();
 * const contract = await broker.buy({ clientId: 'd-42', symbol: 'R_100', direction: 'call', stake: 1,
 *   currency: account.currency, duration: 5, durationUnit: 't', maxPrice: 1 });
 */
export class DerivBinaryBroker implements BinaryBrokerPort {
  readonly venue = 'deriv';
  readonly minStake: number;
  readonly client: DerivClient;

  constructor(client: DerivClient, options: DerivBinaryBrokerOptions = {}) {
    this.client = client;
    this.minStake = options.minStake ?? DERIV_DEFAULT_MIN_STAKE;
  }

  async connect(): Promise<BrokerAccount> {
    const account = await this.client.connect();
    return { currency: account.currency, balance: account.balance, accountId: account.loginid };
  }

  close(): Promise<void> {
    return this.client.close();
  }

  onLinkState(listener: (state: BrokerLinkState) => void): Unsubscribe {
    return this.client.onLinkState(listener);
  }

  /** Prices `order` (a read: retried after RateLimit). Rejects with the DerivError. */
  async price(order: BinaryOrderRequest): Promise<DerivProposal> {
    const frame = await this.client.request('proposal', {
      proposal: 1,
      amount: order.stake,
      basis: 'stake',
      contract_type: order.direction === 'call' ? 'CALL' : 'PUT',
      currency: order.currency,
      duration: order.duration,
      duration_unit: order.durationUnit,
      symbol: order.symbol,
      passthrough: { clientId: order.clientId },
    });
    const body = readBody(frame, 'proposal', ProposalBodySchema);
    if (body === undefined) throw protocolError(frame.req_id, 'proposal');
    return {
      id: body.id,
      askPrice: body.ask_price,
      payout: body.payout,
      spot: body.spot,
      spotTsMs: body.spot_time * 1000,
    };
  }

  /** Buys a priced proposal at most at `order.maxPrice` (sent once, never retried). Rejects with the DerivError. */
  async buyProposal(proposal: DerivProposal, order: BinaryOrderRequest): Promise<BinaryContract> {
    const frame = await this.client.request('buy', {
      buy: proposal.id,
      price: order.maxPrice,
      passthrough: { clientId: order.clientId },
    });
    const body = readBody(frame, 'buy', BuyBodySchema);
    if (body === undefined) throw protocolError(frame.req_id, 'buy');
    const echoed = (frame.echo_req['passthrough'] as Record<string, unknown> | undefined)?.['clientId'];
    return {
      contractId: String(body.contract_id),
      symbol: order.symbol,
      direction: order.direction,
      buyPrice: body.buy_price,
      payout: body.payout,
      purchaseTsMs: body.purchase_time * 1000,
      status: 'open',
      clientId: typeof echoed === 'string' ? echoed : order.clientId,
    };
  }

  async buy(order: BinaryOrderRequest): Promise<BinaryContract> {
    checkOrder(order, this.minStake);
    let proposal: DerivProposal;
    try {
      proposal = await this.price(order);
    } catch (err) {
      throw toExecutionError(err, `pricing ${order.symbol} ${order.direction}`);
    }
    try {
      return await this.buyProposal(proposal, order);
    } catch (err) {
      if (err instanceof DerivError && err.code === 'DERIV_PROTOCOL') {
        // An answer we cannot read may still be a purchase: unanswered, resolved from the account.
        throw new ExecutionError(
          'EXECUTION_TIMEOUT',
          `buying ${order.symbol} ${order.direction}: Deriv's answer was unreadable (unanswered: check the account)`,
          { venue: 'deriv', derivCode: err.code, unanswered: true },
          { cause: err },
        );
      }
      throw toExecutionError(err, `buying ${order.symbol} ${order.direction}`);
    }
  }

  async follow(contractId: string, onUpdate: (contract: BinaryContract) => void): Promise<Unsubscribe> {
    let done = false;
    let frames = 0;
    let unreadable = 0;
    let forget: (() => Promise<void>) | undefined;
    const onFrame = (frame: DerivFrame): void => {
      frames++;
      if (done) return;
      const body = readBody(frame, 'proposal_open_contract', OpenContractBodySchema);
      if (body === undefined) {
        unreadable++;
        return;
      }
      const contract = fromOpenContract(body);
      if (contract.status !== 'open') done = true;
      onUpdate(contract);
      if (done && forget !== undefined) void forget();
    };
    let subscription: Awaited<ReturnType<DerivClient['subscribe']>>;
    try {
      subscription = await this.client.subscribe(
        'proposal_open_contract',
        { proposal_open_contract: 1, contract_id: Number(contractId), subscribe: 1 },
        onFrame,
      );
    } catch (err) {
      throw toExecutionError(err, `following contract ${contractId}`);
    }
    forget = () => subscription.forget();
    if (frames > 0 && unreadable === frames) {
      // Deriv answers an unknown contract id with an empty body: following it would wait forever.
      void forget();
      throw new ExecutionError('EXECUTION_BROKER_ERROR', `Deriv reports no contract ${contractId}`, {
        venue: 'deriv',
        contractId,
      });
    }
    if (done) void forget();
    return () => {
      if (done) return;
      done = true;
      void forget?.();
    };
  }

  async contractsSince(sinceMs: number): Promise<readonly BinaryContract[]> {
    try {
      const [portfolio, table] = await Promise.all([
        this.client.request('portfolio', { portfolio: 1 }),
        this.client.request('profit_table', {
          profit_table: 1,
          description: 1,
          date_from: String(Math.floor(sinceMs / 1000)),
          sort: 'ASC',
          limit: 500,
        }),
      ]);
      const open = readBody(portfolio, 'portfolio', PortfolioBodySchema);
      if (open === undefined) throw protocolError(portfolio.req_id, 'portfolio');
      const settled = readBody(table, 'profit_table', ProfitTableBodySchema);
      if (settled === undefined) throw protocolError(table.req_id, 'profit_table');
      const byId = new Map<string, BinaryContract>();
      for (const c of open.contracts) {
        byId.set(String(c.contract_id), {
          contractId: String(c.contract_id),
          symbol: c.symbol,
          direction: directionOf(c.contract_type),
          buyPrice: c.buy_price,
          payout: c.payout,
          purchaseTsMs: c.purchase_time * 1000,
          status: 'open',
        });
      }
      for (const t of settled.transactions) {
        const profit = round2(t.sell_price - t.buy_price);
        byId.set(String(t.contract_id), {
          contractId: String(t.contract_id),
          symbol: t.underlying_symbol,
          direction: directionOf(t.contract_type),
          buyPrice: t.buy_price,
          payout: t.payout,
          purchaseTsMs: t.purchase_time * 1000,
          status: t.sell_price === t.payout ? 'won' : t.sell_price === 0 ? 'lost' : 'sold',
          profit,
          sellPrice: t.sell_price,
        });
      }
      return [...byId.values()]
        .filter((c) => c.purchaseTsMs >= sinceMs)
        .sort((a, b) => a.purchaseTsMs - b.purchaseTsMs || Number(a.contractId) - Number(b.contractId));
    } catch (err) {
      throw toExecutionError(err, 'reading the account (portfolio, profit_table)');
    }
  }
}

/** A `proposal_open_contract` body as the port's contract (times in ms). */
export function fromOpenContract(body: OpenContractBody): BinaryContract {
  const sold = body.is_sold === 1;
  const status = !sold ? 'open' : body.status === 'won' || body.status === 'lost' ? body.status : 'sold';
  return {
    contractId: String(body.contract_id),
    symbol: body.underlying,
    direction: directionOf(body.contract_type),
    buyPrice: body.buy_price,
    payout: body.payout,
    purchaseTsMs: body.purchase_time * 1000,
    status,
    ...(body.entry_tick !== undefined ? { entrySpot: body.entry_tick } : {}),
    ...(body.entry_tick_time !== undefined ? { entryTsMs: body.entry_tick_time * 1000 } : {}),
    ...(body.exit_tick !== undefined ? { exitSpot: body.exit_tick } : {}),
    ...(body.exit_tick_time !== undefined ? { exitTsMs: body.exit_tick_time * 1000 } : {}),
    ...(sold && body.profit !== undefined ? { profit: body.profit } : {}),
    ...(sold && body.sell_price !== undefined ? { sellPrice: body.sell_price } : {}),
  };
}

function directionOf(contractType: string): 'call' | 'put' {
  return contractType.startsWith('PUT') ? 'put' : 'call';
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function checkOrder(order: BinaryOrderRequest, minStake: number): void {
  const problems: string[] = [];
  if (!(order.stake >= minStake)) problems.push(`stake ${order.stake} is below the minimum ${minStake}`);
  if (!(order.maxPrice >= order.stake)) problems.push(`maxPrice ${order.maxPrice} is below the stake`);
  if (!(Number.isInteger(order.duration) && order.duration > 0))
    problems.push(`duration ${order.duration} is not a positive integer`);
  if (order.clientId.length === 0) problems.push('clientId is empty');
  if (problems.length > 0) {
    // Refused before sending: certainly not bought, so a refusal (EXECUTION_REJECTED) by the port's rules.
    throw new ExecutionError(
      'EXECUTION_REJECTED',
      'the binary order cannot be sent to Deriv',
      { venue: 'deriv', clientId: order.clientId },
      { details: problems },
    );
  }
}
