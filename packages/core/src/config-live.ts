import { z } from 'zod';

/** Settings of micro-live and scaled-live (docs/modes/micro-live.md, scaled-live.md). */
export const LiveSettingsSchema = z.strictObject({
  /** The explicit opt-in to send real orders (`OMNI_CONFIRM_LIVE=1`, or `omni live --confirm-live`). */
  confirm: z.boolean().default(false),
  /** Micro-live's conservative caps (the runbook's 3.3), applied over `risk` when they are tighter. */
  micro: z
    .strictObject({
      maxDailyLossUsd: z.number().positive().default(10),
      maxDailyTrades: z.number().int().positive().default(20),
      maxLossStreak: z.number().int().positive().default(3),
    })
    .prefault({}),
  /** Scaled-live: the record it needs (backtest, shadow, micro-live of this configuration) and how fast sizes grow. */
  scaled: z
    .strictObject({
      /** Settled trades the passing shadow record must have. */
      minShadowTrades: z.number().int().nonnegative().default(20),
      /** Settled trades the passing micro-live record must have. */
      minMicroTrades: z.number().int().nonnegative().default(20),
      /** Largest drawdown (%) a passing micro-live record may show ("controlled drawdown"). */
      maxMicroDrawdownPct: z.number().positive().max(100).default(10),
      /** Settled scaled-live trades, at a profit overall, per doubling of the stake cap (from the venue minimum to risk.maxStakeUsd). */
      stepTrades: z.number().int().positive().default(20),
    })
    .prefault({}),
});
