import { spotRiskUsd, type Tick } from '@omni/core';

/** Basis points to a fraction: 1 bp = 0.0001. */
const BPS = 1e-4;

/**
 * Bid and ask of a tick: its own when quoted, otherwise mid ± half the assumed spread.
 * Formula: bid = mid × (1 − s/2), ask = mid × (1 + s/2), s = midOnlySpreadBps × 1e-4.
 */
export function quoteOf(tick: Tick, midOnlySpreadBps: number): { bid: number; ask: number } {
  if (tick.bid !== undefined && tick.ask !== undefined) return { bid: tick.bid, ask: tick.ask };
  const half = (midOnlySpreadBps * BPS) / 2;
  return { bid: tick.price * (1 - half), ask: tick.price * (1 + half) };
}

/** The side of the book a spot position exits on: a long sells at the bid, a short buys at the ask. */
export function exitQuote(side: 'buy' | 'sell', tick: Tick, midOnlySpreadBps: number): number {
  if (side === 'buy') return tick.bid ?? tick.price * (1 - (midOnlySpreadBps * BPS) / 2);
  return tick.ask ?? tick.price * (1 + (midOnlySpreadBps * BPS) / 2);
}

/**
 * Market entry fill at a tick: a buy pays the ask, a sell gets the bid, each moved against the
 * trader by the configured slippage. Formula: buy = ask × (1 + slip), sell = bid × (1 − slip).
 */
export function entryFillPrice(
  side: 'buy' | 'sell',
  tick: Tick,
  slippageBps: number,
  midOnlySpreadBps: number,
): number {
  const { bid, ask } = quoteOf(tick, midOnlySpreadBps);
  return side === 'buy' ? ask * (1 + slippageBps * BPS) : bid * (1 - slippageBps * BPS);
}

/**
 * Commission on a fill, in the symbol's quote currency: notional × commissionBps × 1e-4 (charged
 * on entry and on every exit leg; converted to USD with the trade's `quoteUsd` at settlement).
 */
export function commissionQuote(size: number, price: number, commissionBps: number): number {
  return size * price * commissionBps * BPS;
}

/** Which exits a price range crosses. */
export interface SpotCrossings {
  /** The stop is hit (and, under the conservative rule, taken). */
  readonly stop: boolean;
  /** How many take-profit rungs from `nextTp` on are hit (0 when the stop is taken). */
  readonly tpHits: number;
  /** Both the stop and at least one take-profit lay inside the range: the stop was taken first. */
  readonly bothCrossed: boolean;
}

/**
 * Exits crossed while the exit-side price moved within [low, high] (one tick: low = high = its
 * quote; a bar: its range). Conservative rule: when the range holds both the stop and a
 * take-profit, the path between them is unknown, so the stop is assumed to come first.
 * `ladder` is ordered nearest first (a long's rungs ascending, a short's descending).
 */
export function spotExitCrossings(
  side: 'buy' | 'sell',
  stopPrice: number,
  ladder: readonly { readonly price: number }[],
  nextTp: number,
  low: number,
  high: number,
): SpotCrossings {
  const stop = side === 'buy' ? low <= stopPrice : high >= stopPrice;
  let tpHits = 0;
  for (let k = nextTp; k < ladder.length; k++) {
    const tp = (ladder[k] as { price: number }).price;
    if (side === 'buy' ? high >= tp : low <= tp) tpHits++;
    else break;
  }
  if (stop) return { stop: true, tpHits: 0, bothCrossed: tpHits > 0 };
  return { stop: false, tpHits, bothCrossed: false };
}

/**
 * Fill of a triggered stop (a market order): at the stop when the range reached it from the
 * right side, otherwise (a gap through the stop) at the worst price of the range; then
 * slippage against the trader. For a single tick this is the tick's exit quote.
 */
export function stopFillPrice(
  side: 'buy' | 'sell',
  stopPrice: number,
  low: number,
  high: number,
  slippageBps: number,
): number {
  if (side === 'buy') return (high >= stopPrice ? stopPrice : low) * (1 - slippageBps * BPS);
  return (low <= stopPrice ? stopPrice : high) * (1 + slippageBps * BPS);
}

/** A spot order as the fill check reads it: the approved size, entry and stop of its decision. */
export interface SpotBracketOrder {
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly size: number;
  readonly entryPrice: number;
  readonly stopPrice: number;
}

/**
 * Why a spot order must be cancelled at its actual fill, or undefined when its bracket still holds.
 * The decision was checked against the decision tick's price, but the order fills at a later tick:
 * a buy filled at or below its stop (a sell at or above) would open already stopped out, and a fill
 * that moved away from the stop makes the trade risk more than was approved. Risk is
 * `spotRiskUsd` of @omni/core (size × |entry − stop| plus the round-trip cost, in USD), at the
 * decision's entry (approved) and at the fill; the fill may exceed the approved risk by at most
 * `riskTolerance` (0.25 = 25 %).
 *
 * @param order - the approved decision's symbol, side, size, entry and stop.
 * @param fillPrice - the entry fill (spread and slippage included).
 * @param roundTripCostBps - `spotRoundTripCostBps` of @omni/core, as SafetyManager counts it.
 * @param riskTolerance - `engines.spot.fillRiskTolerance`.
 * @returns the reason to cancel, for the record, or undefined.
 * @example
 * fillBracketProblem({ symbol: 'EURUSD', side: 'buy', size: 10_000, entryPrice: 1.1, stopPrice: 1.095 }, 1.094, 4, 0.25);
 * // 'filled at 1.09400 at or below its stop 1.09500: it would open already stopped out'
 */
export function fillBracketProblem(
  order: SpotBracketOrder,
  fillPrice: number,
  roundTripCostBps: number,
  riskTolerance: number,
): string | undefined {
  const long = order.side === 'buy';
  if (long ? fillPrice <= order.stopPrice : fillPrice >= order.stopPrice) {
    return `filled at ${price(fillPrice)} at or ${long ? 'below' : 'above'} its stop ${price(order.stopPrice)}: it would open already stopped out`;
  }
  const approvedUsd = spotRiskUsd(order, roundTripCostBps);
  const atFillUsd = spotRiskUsd({ ...order, entryPrice: fillPrice }, roundTripCostBps);
  if (atFillUsd > approvedUsd * (1 + riskTolerance)) {
    return `risk at the fill ${atFillUsd.toFixed(2)} USD exceeds the approved ${approvedUsd.toFixed(2)} USD by more than ${riskTolerance * 100}% (fill ${price(fillPrice)}, decided at ${price(order.entryPrice)}, stop ${price(order.stopPrice)})`;
  }
  return undefined;
}

/** A price for a message: six significant digits. */
function price(x: number): string {
  return x.toPrecision(6);
}
