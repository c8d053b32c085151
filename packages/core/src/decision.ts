import { z } from 'zod';

/** Wei amounts are bigint in memory and decimal strings in JSON. */
export const WeiSchema = z.union([
  z.bigint().nonnegative(),
  z
    .string()
    .regex(/^\d+$/, 'expected a non-negative integer amount of wei as a decimal string')
    .transform((s) => BigInt(s)),
]);

const decisionBase = {
  /** Unique, deterministic id (e.g. `${runId}-${seq}`). */
  id: z.string().min(1),
  tsMs: z.number().int().nonnegative(),
  /** Calibrated probability that the trade works, in [0, 1]. */
  confidence: z.number().min(0).max(1),
  /** Human-readable reasons (levels, pattern, wave count, regime) for the audit trail. */
  reasons: z.array(z.string()),
  /**
   * Identity of the setup the trade comes from (for the governor: the fib pattern, swing leg,
   * level and direction). SafetyManager allows `risk.maxPositionsPerSetup` open positions per
   * symbol × engine × setupKey, so one setup is not stacked tick after tick. Optional: a decision
   * without one is not limited per setup.
   */
  setupKey: z.string().min(1).optional(),
};

/** A take-profit rung: close `fraction` of the position at `price`. */
export const TakeProfitSchema = z.object({
  price: z.number().finite().positive(),
  fraction: z.number().gt(0).max(1),
});
export type TakeProfit = Readonly<z.infer<typeof TakeProfitSchema>>;

/** Binary option: CALL/PUT with a stake and an expiry. */
export const BinaryDecisionSchema = z.object({
  engine: z.literal('binary'),
  ...decisionBase,
  symbol: z.string().min(1),
  direction: z.enum(['call', 'put']),
  stakeUsd: z.number().finite().positive(),
  expirySec: z.number().int().positive(),
});

/** Spot: BUY/SELL with size, entry, stop and a take-profit ladder. */
export const SpotDecisionSchema = z.object({
  engine: z.literal('spot'),
  ...decisionBase,
  symbol: z.string().min(1),
  side: z.enum(['buy', 'sell']),
  /** Position size in units of the base asset. */
  size: z.number().finite().positive(),
  entryPrice: z.number().finite().positive(),
  stopPrice: z.number().finite().positive(),
  takeProfits: z.array(TakeProfitSchema).min(1),
});

/** Arbitrage: a route (e.g. a two-pool flash swap) with the input amount and minimum profit in wei. */
export const ArbitrageDecisionSchema = z.object({
  engine: z.literal('arbitrage'),
  ...decisionBase,
  routeId: z.string().min(1),
  amountInWei: WeiSchema,
  minProfitWei: WeiSchema,
  /** Gas of the transaction in USD at the fee it will pay (all a reverted flash swap loses); absent: the configured gas cost. */
  gasCostUsd: z.number().finite().nonnegative().optional(),
});

/** Stand aside, with the reason. */
export const NoneDecisionSchema = z.object({
  engine: z.literal('none'),
  id: z.string().min(1),
  tsMs: z.number().int().nonnegative(),
  symbol: z.string().min(1).optional(),
  reason: z.string().min(1),
});

/** What the governor decided at one tick, discriminated by `engine`. */
export const DecisionSchema = z.discriminatedUnion('engine', [
  BinaryDecisionSchema,
  SpotDecisionSchema,
  ArbitrageDecisionSchema,
  NoneDecisionSchema,
]);
export type BinaryDecision = Readonly<z.infer<typeof BinaryDecisionSchema>>;
export type SpotDecision = Readonly<z.infer<typeof SpotDecisionSchema>>;
export type ArbitrageDecision = Readonly<z.infer<typeof ArbitrageDecisionSchema>>;
export type NoneDecision = Readonly<z.infer<typeof NoneDecisionSchema>>;
/** `BinaryDecision | SpotDecision | ArbitrageDecision | NoneDecision`. */
export type Decision = BinaryDecision | SpotDecision | ArbitrageDecision | NoneDecision;
/** A decision that trades. */
export type TradeDecision = BinaryDecision | SpotDecision | ArbitrageDecision;

/** True when the decision sends an order (anything but `none`). */
export function isTradeDecision(decision: Decision): decision is TradeDecision {
  return decision.engine !== 'none';
}
