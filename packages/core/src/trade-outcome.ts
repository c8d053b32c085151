import { z } from 'zod';
import { MarketSchema } from './market.js';
import { DirectionSchema } from './order.js';

/**
 * A settled trade, with everything a reader needs to re-check it from market data.
 * Timestamps are epoch milliseconds; money is USD.
 */
export const TradeOutcomeSchema = z.object({
  decisionId: z.string().min(1),
  engine: MarketSchema,
  symbol: z.string().min(1),
  direction: DirectionSchema,
  entryTs: z.number().int().nonnegative(),
  entryPrice: z.number().finite().positive(),
  settleTs: z.number().int().nonnegative(),
  settlePrice: z.number().finite().positive(),
  /** Binary and arbitrage: USD at risk. */
  stake: z.number().finite().nonnegative().optional(),
  /** Spot: position size in base units. */
  size: z.number().finite().nonnegative().optional(),
  /** Binary: payout ratio paid on a win (0.8 = 80%). */
  payout: z.number().finite().nonnegative().optional(),
  /** USD fees: commission, spread cost or gas. */
  fees: z.number().finite().nonnegative(),
  /** USD result, net of fees. */
  pnl: z.number().finite(),
  /**
   * Spot: USD per unit of the symbol's quote currency at settlement (`quoteUsdRate`): 1 for
   * USD-quoted symbols, 1 / settlePrice for USDXXX. pnl = sign × (settle − entry) × size × quoteUsd − fees.
   */
  quoteUsd: z.number().finite().positive().optional(),
  /** How it settled, e.g. `binary-expiry`, `spot-stop`, `spot-tp-2`, `spot-stop-first-both-crossed`. */
  rule: z.string().min(1),
});
export type TradeOutcome = Readonly<z.infer<typeof TradeOutcomeSchema>>;
