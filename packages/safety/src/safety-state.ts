import { MarketSchema, readJsonFile, SafetyError, StateError, StateVersionProbeSchema } from '@omni/core';
import type { PositionLedger } from '@omni/execution';
import { z } from 'zod';

/** Version of the persisted safety state written by this release. */
export const SAFETY_STATE_VERSION = 2;

/** One UTC day in milliseconds: daily counters roll over at UTC midnight of the injected clock. */
export const DAY_MS = 86_400_000;

/**
 * The caps that trip a cooldown when breached (daily loss, daily trade count, loss streak).
 * Why: these are the specification's `max_daily_loss`, `max_daily_trades`, `max_loss_streak`.
 */
export const TripLimitSchema = z.enum(['maxDailyLossUsd', 'maxDailyTrades', 'maxLossStreak']);
/** `'maxDailyLossUsd' | 'maxDailyTrades' | 'maxLossStreak'`. */
export type TripLimit = z.infer<typeof TripLimitSchema>;

/**
 * An open position as version 1 of the state held it. Since version 2 open positions live in the
 * position ledger of @omni/execution; a version 1 file's positions are moved there on load.
 */
export const LegacyOpenPositionSchema = z.object({
  decisionId: z.string().min(1),
  market: MarketSchema,
  riskUsd: z.number().finite().nonnegative(),
  openedTs: z.number().int().nonnegative(),
});

/** Why and when a cap tripped the cooldown. */
export const CooldownSchema = z.object({
  tsMs: z.number().int().nonnegative(),
  limit: TripLimitSchema,
  /** The value that breached the cap (e.g. the day's loss in USD). */
  value: z.number().finite(),
  threshold: z.number().finite(),
  reason: z.string().min(1),
});
/** A tripped cap: trading stays reduce-only until an operator reset. */
export type Cooldown = Readonly<z.infer<typeof CooldownSchema>>;

/** A flag set by someone (an operator or the emergency controller) with the reason. */
export const FlagSchema = z.object({
  tsMs: z.number().int().nonnegative(),
  reason: z.string().min(1),
  by: z.string().min(1),
});
/** Who set a reduce-only or frozen flag, when and why. */
export type SafetyFlag = Readonly<z.infer<typeof FlagSchema>>;

/** One operator action (reset or unfreeze), kept forever in the state file as an audit trail. */
export const OperatorActionSchema = z.object({
  tsMs: z.number().int().nonnegative(),
  action: z.enum(['reset', 'unfreeze', 'reduce-only']),
  reason: z.string().min(1),
  operator: z.string().min(1),
  /** What the action cleared or set, e.g. `['cooldown:maxLossStreak', 'counters']`. */
  cleared: z.array(z.string()),
});
/** A journaled operator action. */
export type OperatorAction = Readonly<z.infer<typeof OperatorActionSchema>>;

const safetyStateFields = {
  /**
   * The session the daily counters belong to: `floor((tsMs − session start) / DAY_MS)`, i.e. the UTC
   * day index when the session starts at 00:00 (the default; `risk.sessionStartUtc`).
   */
  utcDay: z.number().int(),
  dailyPnlUsd: z.number().finite(),
  dailyTrades: z.number().int().nonnegative(),
  lossStreak: z.number().int().nonnegative(),
  cooldown: CooldownSchema.nullable(),
  reduceOnly: FlagSchema.nullable(),
  frozen: FlagSchema.nullable(),
  history: z.array(OperatorActionSchema),
};
/**
 * The persisted SafetyManager state (version 2). Written with `writeJsonAtomic`, read with
 * `readJsonFile` + this schema. Transient guards (newest tick time, broker health) are not
 * persisted: after a restart the stale-data guard blocks until a fresh tick arrives. Open positions
 * are not here: the position ledger of @omni/execution owns them.
 */
export const SafetyStateSchema = z.object({ version: z.literal(SAFETY_STATE_VERSION), ...safetyStateFields });
/** The persisted safety state. */
export type SafetyState = z.infer<typeof SafetyStateSchema>;

/** Version 1 of the state: the same fields plus the open positions (now in the ledger). */
export const SafetyStateV1Schema = z.object({
  version: z.literal(1),
  ...safetyStateFields,
  open: z.array(LegacyOpenPositionSchema),
});
/** A version 1 state file. */
export type SafetyStateV1 = z.infer<typeof SafetyStateV1Schema>;

/** A fresh state for the UTC day of `nowMs`: no counters, no flags. */
export function initialSafetyState(nowMs: number): SafetyState {
  return {
    version: SAFETY_STATE_VERSION,
    utcDay: Math.floor(nowMs / DAY_MS),
    dailyPnlUsd: 0,
    dailyTrades: 0,
    lossStreak: 0,
    cooldown: null,
    reduceOnly: null,
    frozen: null,
    history: [],
  };
}

/**
 * Reads a safety state file: a version 2 file as it is; a version 1 file migrated (its open
 * positions move into `ledger`, with venue and symbol unknown). Returns undefined when the file does
 * not exist. A file that is unreadable, invalid or from a newer version is a SafetyError
 * `SAFETY_STATE_INVALID`: the engine must not trade on a state it cannot read.
 */
export function readSafetyStateFile(path: string, ledger: PositionLedger): SafetyState | undefined {
  try {
    const probe = readJsonFile(path, StateVersionProbeSchema);
    if (probe === undefined) return undefined;
    if (probe.version > SAFETY_STATE_VERSION) {
      throw new StateError('STATE_NEWER_VERSION', 'the safety state was written by a newer version', {
        file: path,
        version: probe.version,
        supported: SAFETY_STATE_VERSION,
      });
    }
    if (probe.version !== 1) return readJsonFile(path, SafetyStateSchema);
    const v1 = readJsonFile(path, SafetyStateV1Schema);
    return v1 === undefined ? undefined : migrateV1(v1, ledger);
  } catch (err) {
    throw new SafetyError(
      'SAFETY_STATE_INVALID',
      'the persisted safety state cannot be used; restore it from a backup (the engine will not trade without it)',
      { file: path },
      { cause: err, details: err instanceof StateError ? err.details : [] },
    );
  }
}

/** Version 1 kept open positions in the state: they move to the ledger (venue and symbol unknown). */
function migrateV1(v1: SafetyStateV1, ledger: PositionLedger): SafetyState {
  const { open, version: _version, ...rest } = v1;
  for (const p of open) {
    if (ledger.get(p.decisionId) === undefined) ledger.record({ ...p, symbol: 'unknown', venue: 'unknown' });
  }
  return { version: SAFETY_STATE_VERSION, ...rest };
}

/** `HH:MM` (UTC) → milliseconds after UTC midnight; undefined or malformed → 0, the UTC day. */
export function sessionOffsetMs(start: string | undefined): number {
  const m = /^(\d{2}):(\d{2})$/.exec(start ?? '');
  return m ? (Number(m[1]) * 60 + Number(m[2])) * 60_000 : 0;
}
