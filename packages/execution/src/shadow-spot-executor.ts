import {
  EngineSettingsSchema,
  MID_ONLY_SPREAD_BPS,
  type OmniConfig,
  type OpenPosition,
  quoteUsdRate,
  type SpotDecision,
  type SpotExit,
  spotRoundTripCostBps,
  type Tick,
  type TradeOutcome,
} from '@omni/core';
import {
  type ExecutionReport,
  NO_OUTCOMES,
  type PendingPosition,
  type PositionStateSink,
  rejectedReport,
  type SpotExecutor,
} from './executor.js';
import {
  commissionQuote,
  entryFillPrice,
  exitQuote,
  fillBracketProblem,
  spotExitCrossings,
  stopFillPrice,
} from './spot-fill.js';

/**
 * The spot settings the shadow executor needs (from `config.engines.spot`); `fillRiskTolerance`
 * defaults to the configuration default (0.25).
 */
export type ShadowSpotSettings = Pick<OmniConfig['engines']['spot'], 'commissionBps' | 'slippageBps'> &
  Partial<Pick<OmniConfig['engines']['spot'], 'fillRiskTolerance'>>;

/** Options of a {@link ShadowSpotExecutor}. */
export interface ShadowSpotOptions {
  /**
   * Spread assumed when a tick has only a mid price (e.g. daily FX closes). Default
   * `MID_ONLY_SPREAD_BPS` of @omni/core (1 bp), the spread sizing and safety count in a round trip.
   */
  readonly midOnlySpreadBps?: number;
  /** Where fills and partial exits are recorded so a restart resumes the position exactly (the ledger). */
  readonly onPositionState?: PositionStateSink;
}

/** What a spot position needs besides its decision to resume exactly (kept in the ledger). */
interface SpotResumeState {
  readonly state: 'awaiting-fill' | 'open';
  readonly decidedTs: number;
  readonly entryTs: number;
  readonly entryPrice: number;
  readonly remaining: number;
  readonly nextTp: number;
  readonly exitNotional: number;
  readonly fees: number;
  readonly legs: readonly string[];
}

interface SpotPosition {
  readonly decision: SpotDecision;
  readonly decidedTs: number;
  /** Take-profits ordered nearest first. */
  readonly ladder: readonly { readonly price: number; readonly fraction: number }[];
  state: 'awaiting-fill' | 'open';
  entryTs: number;
  entryPrice: number;
  remaining: number;
  nextTp: number;
  exitNotional: number;
  fees: number;
  legs: string[];
}

const VENUE = 'shadow';
/** Remaining size below this fraction of the original counts as closed (float dust). */
const DUST = 1e-12;

/**
 * Simulated spot orders settled from real later prices. Entry: a market order filled at the
 * first later tick of the symbol (timestamp > the decision tick) at its ask (buy) or bid (sell)
 * — mid ± half `midOnlySpreadBps` when the tick has only a mid — plus slippage, with commission.
 * The bracket is checked again at that fill (`fillBracketProblem`): a buy filled at or below its
 * stop (a sell at or above), or a fill whose risk exceeds the approved risk by more than
 * `fillRiskTolerance`, is cancelled — never opened — and settles at once as a record with a
 * `cancelled` exit, size 0, no fees and no PnL, so the ledger closes it and the journal shows why.
 * Exits are checked on every tick after the fill tick against the exit-side quote: the stop is a
 * market order (gaps fill at the tick's quote, plus slippage); take-profits are limit orders
 * filled at their price; rung k closes `fraction` of the original size and the last rung closes
 * the rest; when a step crosses both the stop and a take-profit, the stop is taken first. One
 * TradeOutcome per decision when fully closed: `settlePrice` is the size-weighted average exit
 * and pnl = sign × (settlePrice − entryPrice) × size × quoteUsd − fees (sign +1 buy, −1 sell), where
 * quoteUsd converts the quote currency to USD at the settle price (1 for EURUSD, 1/price for USDJPY).
 * Its `legs` list the exits in order (take-profit level k of n, then a stop saying whether it
 * gapped and whether a take-profit was crossed in the same step) and `exit` is the last of them;
 * `rule` spells the same for people (`spot-tp-1+stop`). Every record carries its bracket (`stop`,
 * `takeProfits` nearest first).
 *
 * @example
 * const spot = new ShadowSpotExecutor(config.engines.spot, { midOnlySpreadBps: 1 });
 * await spot.execute(decision, tick);
 * for (const t of laterTicks) for (const outcome of spot.onTick(t)) console.log(outcome.exit, outcome.pnl);
 */
export class ShadowSpotExecutor implements SpotExecutor {
  readonly engine = 'spot' as const;
  readonly venue = VENUE;
  readonly #settings: ShadowSpotSettings;
  readonly #spreadBps: number;
  /** Round-trip cost in bp, counted in the risk compared at the fill (as SafetyManager counts it). */
  readonly #costBps: number;
  readonly #riskTolerance: number;
  readonly #positions: SpotPosition[] = [];
  readonly #onState: PositionStateSink | undefined;

  constructor(settings: ShadowSpotSettings, options: ShadowSpotOptions = {}) {
    this.#settings = settings;
    this.#spreadBps = options.midOnlySpreadBps ?? MID_ONLY_SPREAD_BPS;
    this.#costBps = spotRoundTripCostBps({ engines: { spot: settings } }, this.#spreadBps);
    this.#riskTolerance = settings.fillRiskTolerance ?? EngineSettingsSchema.parse({}).spot.fillRiskTolerance;
    this.#onState = options.onPositionState;
  }

  /**
   * Takes back a spot position an earlier session opened, from its ledger record: with the
   * executor state recorded at its fill and exits it resumes exactly; without a fill it waits for
   * the next tick's fill as a new order would.
   */
  adopt(position: OpenPosition): boolean {
    const decision = position.decision;
    if (decision?.engine !== 'spot') return false;
    if (this.#positions.some((p) => p.decision.id === decision.id)) return true;
    const saved = position.executorState as SpotResumeState | undefined;
    const sign = decision.side === 'buy' ? 1 : -1;
    this.#positions.push({
      decision,
      decidedTs: saved?.decidedTs ?? position.openedTs,
      ladder: [...decision.takeProfits].sort((a, b) => sign * (a.price - b.price)),
      state: saved?.state ?? 'awaiting-fill',
      entryTs: saved?.entryTs ?? 0,
      entryPrice: saved?.entryPrice ?? 0,
      remaining: saved?.remaining ?? decision.size,
      nextTp: saved?.nextTp ?? 0,
      exitNotional: saved?.exitNotional ?? 0,
      fees: saved?.fees ?? 0,
      legs: [...(saved?.legs ?? [])],
    });
    return true;
  }

  #recordState(p: SpotPosition): void {
    if (this.#onState === undefined) return;
    const state: SpotResumeState = {
      state: p.state,
      decidedTs: p.decidedTs,
      entryTs: p.entryTs,
      entryPrice: p.entryPrice,
      remaining: p.remaining,
      nextTp: p.nextTp,
      exitNotional: p.exitNotional,
      fees: p.fees,
      legs: [...p.legs],
    };
    this.#onState(p.decision.id, {
      entryTs: p.entryTs,
      entryPrice: p.entryPrice,
      executorState: { ...state },
    });
  }

  async execute(decision: SpotDecision, tick: Tick): Promise<ExecutionReport> {
    const problem = bracketProblem(decision, tick);
    if (problem !== undefined)
      return rejectedReport(decision, VENUE, tick.tsMs, 'EXECUTION_REJECTED', problem);
    const sign = decision.side === 'buy' ? 1 : -1;
    const ladder = [...decision.takeProfits].sort((a, b) => sign * (a.price - b.price));
    this.#positions.push({
      decision,
      decidedTs: tick.tsMs,
      ladder,
      state: 'awaiting-fill',
      entryTs: 0,
      entryPrice: 0,
      remaining: decision.size,
      nextTp: 0,
      exitNotional: 0,
      fees: 0,
      legs: [],
    });
    return { status: 'accepted', decisionId: decision.id, engine: 'spot', venue: VENUE, tsMs: tick.tsMs };
  }

  onTick(tick: Tick): readonly TradeOutcome[] {
    let settled: TradeOutcome[] | undefined;
    for (let i = 0; i < this.#positions.length; ) {
      const p = this.#positions[i] as SpotPosition;
      if (p.decision.symbol !== tick.symbol) {
        i++;
        continue;
      }
      if (p.state === 'awaiting-fill') {
        if (tick.tsMs <= p.decidedTs) {
          i++;
          continue;
        }
        const cancelled = this.#fill(p, tick);
        if (cancelled === undefined) {
          this.#recordState(p);
          i++;
          continue;
        }
        this.#positions.splice(i, 1);
        settled ??= [];
        settled.push(cancelled);
        continue;
      }
      if (tick.tsMs <= p.entryTs) {
        i++;
        continue;
      }
      const exitsBefore = p.legs.length;
      const closedBy = this.#step(p, tick);
      if (closedBy === undefined) {
        if (p.legs.length !== exitsBefore) this.#recordState(p);
        i++;
        continue;
      }
      this.#positions.splice(i, 1);
      settled ??= [];
      settled.push(this.#outcome(p, tick.tsMs, closedBy));
    }
    return settled ?? NO_OUTCOMES;
  }

  pending(): readonly PendingPosition[] {
    return this.#positions.map((p) =>
      p.state === 'open'
        ? {
            decisionId: p.decision.id,
            engine: 'spot' as const,
            symbol: p.decision.symbol,
            venue: VENUE,
            state: 'open' as const,
            entryTs: p.entryTs,
            entryPrice: p.entryPrice,
          }
        : {
            decisionId: p.decision.id,
            engine: 'spot' as const,
            symbol: p.decision.symbol,
            venue: VENUE,
            state: 'awaiting-fill' as const,
          },
    );
  }

  /** Cancels entry orders not filled yet; filled positions stay and settle by stop/take-profit. */
  async cancelAll(): Promise<number> {
    let cancelled = 0;
    for (let i = this.#positions.length - 1; i >= 0; i--) {
      if ((this.#positions[i] as SpotPosition).state === 'awaiting-fill') {
        this.#positions.splice(i, 1);
        cancelled++;
      }
    }
    return cancelled;
  }

  /** Fills the entry at `tick`, or returns the cancellation record when the fill breaks the bracket. */
  #fill(p: SpotPosition, tick: Tick): TradeOutcome | undefined {
    const { slippageBps, commissionBps } = this.#settings;
    const fillPrice = entryFillPrice(p.decision.side, tick, slippageBps, this.#spreadBps);
    const problem = fillBracketProblem(p.decision, fillPrice, this.#costBps, this.#riskTolerance);
    if (problem !== undefined) return this.#cancelledAtFill(p, tick.tsMs, fillPrice, problem);
    p.state = 'open';
    p.entryTs = tick.tsMs;
    p.entryPrice = fillPrice;
    p.fees += commissionQuote(p.decision.size, p.entryPrice, commissionBps);
    return undefined;
  }

  /** The record of an order cancelled at its fill: it never opened (size 0, no fees, no PnL). */
  #cancelledAtFill(p: SpotPosition, tsMs: number, fillPrice: number, reason: string): TradeOutcome {
    const { decision } = p;
    const exit: SpotExit = { kind: 'cancelled', reason: `cancelled at the fill: ${reason}` };
    return {
      decisionId: decision.id,
      engine: 'spot',
      symbol: decision.symbol,
      direction: decision.side,
      entryTs: tsMs,
      entryPrice: fillPrice,
      settleTs: tsMs,
      settlePrice: fillPrice,
      size: 0,
      fees: 0,
      pnl: 0,
      quoteUsd: quoteUsdRate(decision.symbol, fillPrice),
      rule: 'spot-cancelled-at-fill',
      exit,
      legs: [exit],
      stop: decision.stopPrice,
      takeProfits: [...p.ladder],
    };
  }

  /** Applies the exits this tick crosses; the exit that closed the position, or undefined while it stays open. */
  #step(p: SpotPosition, tick: Tick): SpotExit | undefined {
    const { side, stopPrice, size } = p.decision;
    const { slippageBps, commissionBps } = this.#settings;
    const q = exitQuote(side, tick, this.#spreadBps);
    const crossed = spotExitCrossings(side, stopPrice, p.ladder, p.nextTp, q, q);
    if (crossed.stop) {
      const price = stopFillPrice(side, stopPrice, q, q, slippageBps);
      this.#exit(p, p.remaining, price, commissionBps);
      p.legs.push(crossed.bothCrossed ? 'stop-first-both-crossed' : 'stop');
      // A gap: the exit quote was already beyond the stop, so the market order filled there.
      const gap = side === 'buy' ? q < stopPrice : q > stopPrice;
      return { kind: 'stop', gap, bothCrossed: crossed.bothCrossed };
    }
    for (let h = 0; h < crossed.tpHits; h++) {
      const rung = p.ladder[p.nextTp] as { price: number; fraction: number };
      const last = p.nextTp === p.ladder.length - 1;
      const legSize = last ? p.remaining : Math.min(p.remaining, rung.fraction * size);
      this.#exit(p, legSize, rung.price, commissionBps);
      p.nextTp++;
      p.legs.push(`tp-${p.nextTp}`);
      if (p.remaining <= size * DUST) return { kind: 'take-profit', level: p.nextTp, of: p.ladder.length };
    }
    return undefined;
  }

  #exit(p: SpotPosition, legSize: number, price: number, commissionBps: number): void {
    p.exitNotional += legSize * price;
    p.fees += commissionQuote(legSize, price, commissionBps);
    p.remaining -= legSize;
  }

  /** The settled trade; `closedBy` is the exit that closed it (rungs 1…nextTp filled before it). */
  #outcome(p: SpotPosition, settleTs: number, closedBy: SpotExit): TradeOutcome {
    const { decision } = p;
    const sign = decision.side === 'buy' ? 1 : -1;
    const size = decision.size;
    const settlePrice = p.exitNotional / size;
    // Fills and fees accrue in the quote currency; book them in USD at the settlement rate.
    const quoteUsd = quoteUsdRate(decision.symbol, settlePrice);
    const fees = p.fees * quoteUsd;
    const legs: SpotExit[] = [];
    for (let level = 1; level <= p.nextTp; level++) {
      legs.push({ kind: 'take-profit', level, of: p.ladder.length });
    }
    if (closedBy.kind !== 'take-profit') legs.push(closedBy);
    return {
      decisionId: decision.id,
      engine: 'spot',
      symbol: decision.symbol,
      direction: decision.side,
      entryTs: p.entryTs,
      entryPrice: p.entryPrice,
      settleTs,
      settlePrice,
      size,
      fees,
      pnl: sign * (settlePrice - p.entryPrice) * size * quoteUsd - fees,
      quoteUsd,
      rule: `spot-${p.legs.join('+')}`,
      exit: closedBy,
      legs,
      stop: decision.stopPrice,
      takeProfits: [...p.ladder],
    };
  }
}

/** Why a spot bracket cannot be placed, or undefined when it is consistent. */
function bracketProblem(d: SpotDecision, tick: Tick): string | undefined {
  if (tick.symbol !== d.symbol) return `decision is for ${d.symbol} but the tick is ${tick.symbol}`;
  const long = d.side === 'buy';
  if (long ? d.stopPrice >= d.entryPrice : d.stopPrice <= d.entryPrice) {
    return `a ${d.side} needs its stop ${long ? 'below' : 'above'} the entry (stop ${d.stopPrice}, entry ${d.entryPrice})`;
  }
  for (const tp of d.takeProfits) {
    if (long ? tp.price <= d.entryPrice : tp.price >= d.entryPrice) {
      return `a ${d.side} needs its take-profits ${long ? 'above' : 'below'} the entry (take-profit ${tp.price}, entry ${d.entryPrice})`;
    }
  }
  return undefined;
}
