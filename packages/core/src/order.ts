import { z } from 'zod';
import { MarketSchema } from './market.js';

/** Direction words shared by orders and trade records. */
export const DirectionSchema = z.enum(['call', 'put', 'buy', 'sell']);
export type Direction = z.infer<typeof DirectionSchema>;

/** An order sent to an execution hub, derived from a trade decision. */
export const OrderSchema = z.object({
  id: z.string().min(1),
  decisionId: z.string().min(1),
  engine: MarketSchema,
  symbol: z.string().min(1),
  direction: DirectionSchema,
  type: z.enum(['market', 'limit']),
  /** Stake in USD (binary), size in base units (spot), or notional in USD (arbitrage; wei amounts stay on the decision). */
  quantity: z.number().finite().positive(),
  limitPrice: z.number().finite().positive().optional(),
  tsMs: z.number().int().nonnegative(),
});
export type Order = Readonly<z.infer<typeof OrderSchema>>;

/** A confirmed (or simulated, in shadow) execution of an order. */
export const FillSchema = z.object({
  orderId: z.string().min(1),
  decisionId: z.string().min(1),
  engine: MarketSchema,
  symbol: z.string().min(1),
  direction: DirectionSchema,
  tsMs: z.number().int().nonnegative(),
  price: z.number().finite().positive(),
  quantity: z.number().finite().positive(),
  /** Commission, spread cost or gas, in USD. */
  fees: z.number().finite().nonnegative(),
  /** Which venue filled it, e.g. `shadow`, `deriv`, `mt5`, `uniswap-v2`. */
  venue: z.string().min(1),
});
export type Fill = Readonly<z.infer<typeof FillSchema>>;
