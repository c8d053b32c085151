/** Test support: the account, tick stream and contracts behind FakeDerivServer (no sockets, no timers). */
import { Rng } from '@omni/core';

/** One tick of the fake market (Deriv's `tick` body). */
export interface FakeTick {
  readonly symbol: string;
  readonly epoch: number;
  readonly quote: number;
}

/** A priced proposal, valid on the connection that asked for it. */
export interface FakeProposal {
  readonly id: string;
  readonly symbol: string;
  readonly contractType: 'CALL' | 'PUT';
  readonly askPrice: number;
  readonly payout: number;
  readonly duration: number;
  readonly durationUnit: 't' | 's' | 'm' | 'h' | 'd';
  readonly spot: number;
  readonly spotTime: number;
}

/** A bought contract, settled from the market's own ticks. */
export interface FakeContract {
  readonly contractId: number;
  readonly transactionId: number;
  readonly proposal: FakeProposal;
  readonly buyPrice: number;
  readonly purchaseTime: number;
  readonly clientId: string | undefined;
  entry: FakeTick | undefined;
  exit: FakeTick | undefined;
  ticksSinceEntry: number;
  sold: boolean;
  status: 'open' | 'won' | 'lost';
  sellPrice: number | undefined;
  profit: number | undefined;
  sellTime: number | undefined;
}

/** Options of a {@link FakeDerivMarket}. */
export interface FakeDerivMarketOptions {
  readonly seed?: number;
  /** Symbols and their first quote. Default `{ R_100: 1000 }`. */
  readonly symbols?: Readonly<Record<string, number>>;
  /** Epoch (s) of the first tick; each tick is one second later. Default 1 700 000 000. */
  readonly startEpochS?: number;
  readonly balance?: number;
  readonly currency?: string;
  /** Payout = stake × (1 + payoutRatio). Default 0.95. */
  readonly payoutRatio?: number;
  /** Smallest stake accepted. Default 0.35. */
  readonly minStake?: number;
}

const UNIT_SECONDS = { s: 1, m: 60, h: 3_600, d: 86_400 } as const;

/** Money to cents, as Deriv reports it. */
export const cents = (x: number): number => Math.round(x * 100) / 100;

/** A refusal as Deriv words it: `error: { code, message }`. */
export interface FakeRefusal {
  readonly code: string;
  readonly message: string;
}

/**
 * The market and account of the fake Deriv server: a seeded random walk per symbol (one tick per
 * call of {@link FakeDerivMarket.tick}, one second apart), proposals, purchases and settlement from
 * its own ticks: duration `t` — entry is the first tick after the purchase, exit the N-th tick after
 * the entry; `s`/`m`/`h`/`d` — exit is the first tick at or after purchase + duration. CALL wins when
 * exit > entry, PUT when exit < entry (a tie loses); profit = payout − buy price on a win, − buy
 * price on a loss.
 */
export class FakeDerivMarket {
  currency: string;
  balance: number;
  readonly minStake: number;
  readonly payoutRatio: number;
  readonly contracts = new Map<number, FakeContract>();
  /** While true, contracts that reached their exit stay open until {@link FakeDerivMarket.release}. */
  holdSettlement = false;
  readonly #rng: Rng;
  readonly #last = new Map<string, FakeTick>();
  #epoch: number;
  #nextContract = 250_000_001;
  #nextTransaction = 500_000_001;
  #nextProposal = 1;

  constructor(options: FakeDerivMarketOptions = {}) {
    this.#rng = new Rng(options.seed ?? 1).fork('fake-deriv/ticks');
    this.#epoch = options.startEpochS ?? 1_700_000_000;
    this.balance = options.balance ?? 10_000;
    this.currency = options.currency ?? 'USD';
    this.payoutRatio = options.payoutRatio ?? 0.95;
    this.minStake = options.minStake ?? 0.35;
    for (const [symbol, quote] of Object.entries(options.symbols ?? { R_100: 1000 })) {
      this.#last.set(symbol, { symbol, epoch: this.#epoch, quote });
    }
  }

  /** The symbols it quotes. */
  get symbols(): readonly string[] {
    return [...this.#last.keys()];
  }

  /** The market's time: the epoch (s) of the latest tick. */
  get epochS(): number {
    return this.#epoch;
  }

  last(symbol: string): FakeTick | undefined {
    return this.#last.get(symbol);
  }

  /** The next tick of `symbol` (one second after the previous tick of any symbol) and the contracts it changed. */
  tick(symbol: string): { tick: FakeTick; changed: FakeContract[] } {
    const previous = this.#last.get(symbol);
    if (previous === undefined) throw new Error(`fake Deriv market has no symbol ${symbol}`);
    this.#epoch += 1;
    const step = cents((this.#rng.float() - 0.5) * 2);
    const quote = cents(Math.max(0.01, previous.quote + (step === 0 ? 0.01 : step)));
    const tick: FakeTick = { symbol, epoch: this.#epoch, quote };
    this.#last.set(symbol, tick);
    const changed: FakeContract[] = [];
    for (const c of this.contracts.values()) {
      if (c.sold || c.proposal.symbol !== symbol || c.exit !== undefined) continue;
      if (c.entry === undefined) {
        c.entry = tick;
        changed.push(c);
        continue;
      }
      c.ticksSinceEntry += 1;
      const { duration, durationUnit } = c.proposal;
      const due =
        durationUnit === 't'
          ? c.ticksSinceEntry >= duration
          : tick.epoch >= c.purchaseTime + duration * UNIT_SECONDS[durationUnit];
      if (!due) continue;
      c.exit = tick;
      if (!this.holdSettlement) this.#settle(c);
      changed.push(c);
    }
    return { tick, changed };
  }

  /** Settles every contract held at its exit; returns them. */
  release(): FakeContract[] {
    this.holdSettlement = false;
    const settled: FakeContract[] = [];
    for (const c of this.contracts.values()) {
      if (!c.sold && c.exit !== undefined) {
        this.#settle(c);
        settled.push(c);
      }
    }
    return settled;
  }

  /** Prices a stake-based CALL/PUT, or says why not (Deriv's codes and wording). */
  propose(request: Readonly<Record<string, unknown>>): FakeProposal | FakeRefusal {
    const symbol = String(request['symbol'] ?? '');
    const last = this.#last.get(symbol);
    if (last === undefined) return { code: 'InvalidSymbol', message: `Symbol ${symbol} is invalid.` };
    const type = request['contract_type'];
    if (type !== 'CALL' && type !== 'PUT')
      return { code: 'OfferingsValidationError', message: 'Trading is not offered for this contract type.' };
    if (request['basis'] !== 'stake')
      return {
        code: 'ContractBuyValidationError',
        message: 'This fake server prices stake-based contracts.',
      };
    if (request['currency'] !== this.currency)
      return {
        code: 'ContractBuyValidationError',
        message: `Invalid currency ${String(request['currency'])}.`,
      };
    const amount = Number(request['amount']);
    if (!(amount >= this.minStake))
      return {
        code: 'ContractBuyValidationError',
        message: `Please enter a stake amount that's at least ${this.minStake}.`,
      };
    const unit = request['duration_unit'];
    const duration = Number(request['duration']);
    if (!(unit === 't' || unit === 's' || unit === 'm' || unit === 'h' || unit === 'd'))
      return { code: 'OfferingsValidationError', message: 'Invalid duration unit.' };
    if (!Number.isInteger(duration) || duration < 1 || (unit === 't' && duration > 10))
      return { code: 'OfferingsValidationError', message: 'Trading is not offered for this duration.' };
    return {
      id: `fake-proposal-${String(this.#nextProposal++).padStart(6, '0')}`,
      symbol,
      contractType: type,
      askPrice: cents(amount),
      payout: cents(amount * (1 + this.payoutRatio)),
      duration,
      durationUnit: unit,
      spot: last.quote,
      spotTime: last.epoch,
    };
  }

  /** Buys `proposal` at most at `price`, or says why not. */
  buy(proposal: FakeProposal, price: number, clientId: string | undefined): FakeContract | FakeRefusal {
    if (!(price >= proposal.askPrice))
      return {
        code: 'PriceMoved',
        message: 'The underlying market has moved too much since you priced the contract.',
      };
    if (this.balance < proposal.askPrice)
      return {
        code: 'InsufficientBalance',
        message: 'Your account balance is insufficient for this purchase.',
      };
    this.balance = cents(this.balance - proposal.askPrice);
    const contract: FakeContract = {
      contractId: this.#nextContract++,
      transactionId: this.#nextTransaction,
      proposal,
      buyPrice: proposal.askPrice,
      purchaseTime: this.#epoch,
      clientId,
      entry: undefined,
      exit: undefined,
      ticksSinceEntry: 0,
      sold: false,
      status: 'open',
      sellPrice: undefined,
      profit: undefined,
      sellTime: undefined,
    };
    this.#nextTransaction += 2;
    this.contracts.set(contract.contractId, contract);
    return contract;
  }

  #settle(c: FakeContract): void {
    const entry = c.entry as FakeTick;
    const exit = c.exit as FakeTick;
    const won = c.proposal.contractType === 'CALL' ? exit.quote > entry.quote : exit.quote < entry.quote;
    c.sold = true;
    c.status = won ? 'won' : 'lost';
    c.sellPrice = won ? c.proposal.payout : 0;
    c.profit = cents(c.sellPrice - c.buyPrice);
    c.sellTime = exit.epoch;
    this.balance = cents(this.balance + c.sellPrice);
  }
}
