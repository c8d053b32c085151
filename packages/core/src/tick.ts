import { z } from 'zod';

const positiveFinite = z.number().finite().positive();

/**
 * One price observation. `price` is the trade price or, for quotes, the mid; `bid`/`ask` are
 * present when the source quotes both sides. Timestamps are epoch milliseconds.
 */
export const TickSchema = z.object({
  symbol: z.string().min(1),
  tsMs: z.number().int().nonnegative(),
  price: positiveFinite,
  bid: positiveFinite.optional(),
  ask: positiveFinite.optional(),
  volume: z.number().finite().nonnegative().optional(),
  /** Where the tick came from, e.g. `replay:data/fx/EURUSD.csv` or `binance:btcusdt@trade`. */
  source: z.string().min(1),
});
/** A validated tick. */
export type Tick = Readonly<z.infer<typeof TickSchema>>;

/** An OHLCV bar. `startMs` is inclusive, `endMs` exclusive; `ticks` counts the ticks inside. */
export const BarSchema = z.object({
  symbol: z.string().min(1),
  startMs: z.number().int().nonnegative(),
  endMs: z.number().int().nonnegative(),
  open: positiveFinite,
  high: positiveFinite,
  low: positiveFinite,
  close: positiveFinite,
  volume: z.number().finite().nonnegative(),
  ticks: z.number().int().positive(),
});
/** A validated bar. */
export type Bar = Readonly<z.infer<typeof BarSchema>>;
