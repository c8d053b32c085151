import type { ScheduledTimer } from '@omni/connection';
import {
  type OpenPosition,
  quoteUsdRate,
  type SpotDecision,
  type SpotExit,
  type TakeProfit,
  type TradeOutcome,
} from '@omni/core';
import type { BrokerOrder, BrokerOrderState, PendingPosition } from '@omni/execution';
import { Mt5Error } from './mt5-error.js';
import type { BridgeMessage, EaClosed } from './protocol.js';

/** How decision sizes become MT5 volumes (lots). */
export interface Mt5LotSettings {
  /** Base units per lot (`SYMBOL_TRADE_CONTRACT_SIZE`). Default 100 000 (FX majors). */
  readonly contractSize: number;
  /** Volume step (`SYMBOL_VOLUME_STEP`). Default 0.01. */
  readonly lotStep: number;
  /** Smallest volume (`SYMBOL_VOLUME_MIN`). Default 0.01. */
  readonly minLots: number;
}

/** The usual FX lot: 100 000 units, step 0.01, minimum 0.01. */
export const DEFAULT_LOT_SETTINGS: Mt5LotSettings = { contractSize: 100_000, lotStep: 0.01, minLots: 0.01 };

/** `lots` rounded down to whole steps (float dust removed: 0.3 / 0.01 is 29.999…). */
export function floorToLotStep(lots: number, lotStep: number): number {
  const steps = Math.floor(lots / lotStep + 1e-9);
  return Number((steps * lotStep).toFixed(8));
}

/**
 * Lots for a decision: size ÷ contract size, rounded down to the lot step, at least the minimum.
 * Formula: max(minLots, floor(size / contractSize / lotStep) × lotStep).
 *
 * @example
 * lotsForSize(23_456, DEFAULT_LOT_SETTINGS); // 0.23
 */
export function lotsForSize(size: number, settings: Mt5LotSettings = DEFAULT_LOT_SETTINGS): number {
  return Math.max(settings.minLots, floorToLotStep(size / settings.contractSize, settings.lotStep));
}

/** Checks lot settings (positive, the minimum a whole number of steps is not required). */
export function checkLotSettings(settings: Mt5LotSettings): void {
  if (!(settings.contractSize > 0 && settings.lotStep > 0 && settings.minLots > 0)) {
    throw new Mt5Error('MT5_BAD_OPTION', 'contractSize, lotStep and minLots must be positive', {
      ...settings,
    });
  }
}

/** One decision's order as the executor follows it (the book holds the persisted part). */
export interface Mt5Order {
  readonly decision: SpotDecision;
  /** Take-profits nearest the entry first; the last rung is the TP at the broker. */
  readonly ladder: readonly TakeProfit[];
  readonly requestedLots: number;
  state: BrokerOrderState;
  /** The EA session the order line went out in (undefined: adopted from an earlier run). */
  session: string | undefined;
  /** The last `positions?` request id sent before the order line (a later snapshot proves its absence). */
  reqBefore: number;
  timer: ScheduledTimer | undefined;
  ticket: string | undefined;
  filledLots: number;
  remainingLots: number;
  entryTs: number;
  entryPrice: number;
  entryCommission: number;
  /** The stop at the broker now (moves to the entry after rung 1). */
  sl: number;
  /** Rungs handled so far (a partial close sent, or skipped when too small to split). */
  nextTp: number;
  /** Rung levels whose partial close is waiting for its deal. */
  readonly rungCloses: number[];
  /** Exit legs so far (take-profit rungs). */
  readonly legs: SpotExit[];
  exitLots: number;
  exitNotional: number;
  profit: number;
  commission: number;
  swap: number;
  lastExitTs: number;
  /** Why we asked the EA to close it (cancelAll), if we did. */
  closeReason: string | undefined;
}

/** What the ledger keeps of an open MT5 position so a restart follows it exactly. */
export interface Mt5ResumeState {
  readonly ticket: string;
  readonly filledLots: number;
  readonly remainingLots: number;
  readonly entryCommission: number;
  readonly sl: number;
  readonly nextTp: number;
  readonly legs: readonly SpotExit[];
  readonly exitLots: number;
  readonly exitNotional: number;
  readonly profit: number;
  readonly commission: number;
  readonly swap: number;
}

/** A new order record for `decision`. */
export function newOrder(decision: SpotDecision, lots: number): Mt5Order {
  const sign = decision.side === 'buy' ? 1 : -1;
  return {
    decision,
    ladder: [...decision.takeProfits].sort((a, b) => sign * (a.price - b.price)),
    requestedLots: lots,
    state: 'sending',
    session: undefined,
    reqBefore: 0,
    timer: undefined,
    ticket: undefined,
    filledLots: 0,
    remainingLots: 0,
    entryTs: 0,
    entryPrice: 0,
    entryCommission: 0,
    sl: decision.stopPrice,
    nextTp: 0,
    rungCloses: [],
    legs: [],
    exitLots: 0,
    exitNotional: 0,
    profit: 0,
    commission: 0,
    swap: 0,
    lastExitTs: 0,
    closeReason: undefined,
  };
}

/** The resume state of an open order (for `onPositionState`). */
export function resumeState(o: Mt5Order): Mt5ResumeState {
  return {
    ticket: o.ticket ?? '',
    filledLots: o.filledLots,
    remainingLots: o.remainingLots,
    entryCommission: o.entryCommission,
    sl: o.sl,
    nextTp: o.nextTp,
    legs: [...o.legs],
    exitLots: o.exitLots,
    exitNotional: o.exitNotional,
    profit: o.profit,
    commission: o.commission,
    swap: o.swap,
  };
}

/** Restores an order's fill and exits from its resume state. */
export function applyResumeState(o: Mt5Order, s: Partial<Mt5ResumeState>): void {
  if (s.ticket) o.ticket = s.ticket;
  o.filledLots = s.filledLots ?? o.filledLots;
  o.remainingLots = s.remainingLots ?? o.remainingLots;
  o.entryCommission = s.entryCommission ?? 0;
  o.sl = s.sl ?? o.sl;
  o.nextTp = s.nextTp ?? 0;
  o.legs.push(...(s.legs ?? []));
  o.exitLots = s.exitLots ?? 0;
  o.exitNotional = s.exitNotional ?? 0;
  o.profit = s.profit ?? 0;
  o.commission = s.commission ?? 0;
  o.swap = s.swap ?? 0;
}

/** Adds one exit deal's numbers to the order. */
export function addExitDeal(o: Mt5Order, deal: EaClosed): void {
  o.exitLots += deal.volume;
  o.exitNotional += deal.volume * deal.price;
  o.profit += deal.profit;
  o.commission += deal.commission;
  o.swap += deal.swap;
  o.remainingLots = deal.remaining;
  o.lastExitTs = deal.time_msc;
}

/** The final leg of a position closed by `deal` (reason sl / tp / close / stop-out). */
export function finalLegs(o: Mt5Order, deal: EaClosed): SpotExit[] {
  const legs = [...o.legs];
  const n = o.ladder.length;
  if (deal.reason === 'tp') {
    // The broker's TP is the last rung: every rung from the next one on was reached.
    const done = legs.length;
    for (let level = done + 1; level <= n; level++) legs.push({ kind: 'take-profit', level, of: n });
    return legs;
  }
  if (deal.reason === 'sl') {
    const gap = o.decision.side === 'buy' ? deal.price < o.sl - 1e-12 : deal.price > o.sl + 1e-12;
    legs.push({ kind: 'stop', gap, bothCrossed: false });
    return legs;
  }
  const reason =
    deal.reason === 'stopout'
      ? 'stop-out by the broker (margin level)'
      : (o.closeReason ?? 'closed at the broker outside the bridge (terminal or another program)');
  legs.push({ kind: 'cancelled', reason });
  return legs;
}

const round8 = (x: number): number => Math.round(x * 1e8) / 1e8;

/**
 * The settled trade from the broker's numbers: size = filled lots × contract size, settlePrice =
 * the volume-weighted average of the exit deals, pnl = Σ profit + Σ commission + Σ swap of the exit
 * deals + the entry deal's commission (the account currency, USD; rounded to 1e-8), fees = the
 * commissions charged (MT5 reports them negative). `legs` ends with `exit`.
 */
export function brokerOutcome(
  o: Mt5Order,
  legs: readonly SpotExit[],
  settleTs: number,
  contractSize: number,
): TradeOutcome {
  const { decision } = o;
  const exit = legs[legs.length - 1] as SpotExit;
  // An adopted position without a recorded fill: the decision's entry stands in for it.
  const entryPrice = o.entryPrice > 0 ? o.entryPrice : decision.entryPrice;
  const settlePrice = o.exitLots > 0 ? o.exitNotional / o.exitLots : entryPrice;
  const commissions = o.commission + o.entryCommission;
  return {
    decisionId: decision.id,
    engine: 'spot',
    symbol: decision.symbol,
    direction: decision.side,
    entryTs: Math.max(0, Math.floor(o.entryTs)),
    entryPrice,
    settleTs: Math.max(0, Math.floor(settleTs)),
    settlePrice,
    size: round8(o.filledLots * contractSize),
    fees: Math.max(0, round8(-commissions)),
    pnl: round8(o.profit + o.swap + commissions),
    quoteUsd: quoteUsdRate(decision.symbol, settlePrice),
    rule: `mt5-${legs.map(legName).join('+')}`,
    exit,
    legs: [...legs],
    stop: decision.stopPrice,
    takeProfits: [...o.ladder],
  };
}

/** The record of an order that never opened (refused, or not at the broker): size 0, no fees, no PnL. */
export function neverOpenedOutcome(o: Mt5Order, tsMs: number, reason: string): TradeOutcome {
  const { decision } = o;
  const exit: SpotExit = { kind: 'cancelled', reason };
  const ts = Math.max(0, Math.floor(tsMs));
  return {
    decisionId: decision.id,
    engine: 'spot',
    symbol: decision.symbol,
    direction: decision.side,
    entryTs: ts,
    entryPrice: decision.entryPrice,
    settleTs: ts,
    settlePrice: decision.entryPrice,
    size: 0,
    fees: 0,
    pnl: 0,
    quoteUsd: quoteUsdRate(decision.symbol, decision.entryPrice),
    rule: 'mt5-never-opened',
    exit,
    legs: [exit],
    stop: decision.stopPrice,
    takeProfits: [...o.ladder],
  };
}

function legName(leg: SpotExit): string {
  if (leg.kind === 'take-profit') return `tp-${leg.level}`;
  return leg.kind === 'stop' ? 'sl' : leg.kind;
}

/**
 * Advances `o` over the intermediate take-profit rungs its exit-side quote (a long's bid, a short's
 * ask) has crossed, and returns the requests for the EA: per rung a partial `close` of
 * floor(fraction × filled lots, lot step) — none when that rounds to 0 or would close everything —
 * and, at rung 1, a `modify` of the SL to the entry (break-even; the TP stays the last rung). The
 * last rung is the broker's own TP, never split here.
 */
export function crossRungs(o: Mt5Order, quote: number, lotStep: number): BridgeMessage[] {
  const requests: BridgeMessage[] = [];
  const buy = o.decision.side === 'buy';
  while (o.nextTp < o.ladder.length - 1) {
    const rung = o.ladder[o.nextTp] as TakeProfit;
    if (buy ? quote < rung.price : quote > rung.price) break;
    o.nextTp++;
    const lots = floorToLotStep(rung.fraction * o.filledLots, lotStep);
    if (lots > 0 && lots < o.remainingLots - 1e-9) {
      requests.push({ type: 'close', client_id: o.decision.id, volume: lots });
      o.rungCloses.push(o.nextTp);
    }
    if (o.nextTp === 1) {
      o.sl = o.entryPrice;
      const tp = (o.ladder[o.ladder.length - 1] as TakeProfit).price;
      requests.push({ type: 'modify', client_id: o.decision.id, sl: o.sl, tp });
    }
  }
  return requests;
}

/**
 * The order of a position the ledger kept from an earlier run: its fill from the ledger, its lots
 * from the book's request (or the resume state), its exits so far from the resume state.
 */
export function orderFromLedger(
  position: OpenPosition,
  decision: SpotDecision,
  booked?: BrokerOrder,
): Mt5Order {
  const saved = (position.executorState ?? {}) as Partial<Mt5ResumeState>;
  const requested = booked?.request['volume'];
  const lots = typeof requested === 'number' ? requested : (saved.filledLots ?? 0);
  const o = newOrder(decision, lots);
  o.state = booked?.state ?? 'open';
  o.ticket = booked?.brokerRef ?? position.brokerRef;
  o.entryTs = position.entryTs ?? 0;
  o.entryPrice = position.entryPrice ?? 0;
  o.filledLots = lots;
  o.remainingLots = lots;
  applyResumeState(o, saved);
  return o;
}

/** The order as the executor port lists it. */
export function pendingOf(o: Mt5Order, venue: string): PendingPosition {
  const base = { decisionId: o.decision.id, engine: 'spot' as const, symbol: o.decision.symbol, venue };
  if (o.state !== 'open') return { ...base, state: 'awaiting-fill' };
  return { ...base, state: 'open', entryTs: o.entryTs, entryPrice: o.entryPrice };
}
