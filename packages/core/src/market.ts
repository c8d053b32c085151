import { z } from 'zod';

/** The three markets the engine trades. */
export const MarketSchema = z.enum(['binary', 'spot', 'arbitrage']);
/** `'binary' | 'spot' | 'arbitrage'`. */
export type Market = z.infer<typeof MarketSchema>;
/** Every market, in a stable order. */
export const MARKETS: readonly Market[] = MarketSchema.options;

/** The engines a decision can name: the three markets, or `none` (stand aside). */
export const EngineSchema = z.enum(['binary', 'spot', 'arbitrage', 'none']);
/** `Market | 'none'`. */
export type Engine = z.infer<typeof EngineSchema>;

/** Run modes. Backtest, shadow, micro-live and scaled-live share one code path. */
export const ModeSchema = z.enum(['backtest', 'shadow', 'micro-live', 'scaled-live']);
/** `'backtest' | 'shadow' | 'micro-live' | 'scaled-live'`. */
export type Mode = z.infer<typeof ModeSchema>;

/** True for the modes that send real orders. */
export function isLiveMode(mode: Mode): boolean {
  return mode === 'micro-live' || mode === 'scaled-live';
}
