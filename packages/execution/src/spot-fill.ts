import type { Tick } from '@omni/core';

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
