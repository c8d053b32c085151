import { join } from 'node:path';
import { type Clock, readJsonFile, StateError, writeJsonAtomic } from '@omni/core';
import { z } from 'zod';

/** The envelope every state file has: which learner, which schema version, when it was saved. */
export const RLStateEnvelopeSchema = z.object({
  format: z.literal('omni-rl-state'),
  name: z.string().min(1),
  version: z.number().int().positive(),
  savedAtMs: z.number().int().nonnegative(),
  state: z.unknown(),
});
/** A parsed state envelope. */
export type RLStateEnvelope = z.infer<typeof RLStateEnvelopeSchema>;

/** How one learner's state is stored. */
export interface RLStateSlotSpec<T> {
  /** File stem and identity check, e.g. `regime-switching-rl`. */
  readonly name: string;
  /** Current schema version; files with a higher version are refused (STATE_NEWER_VERSION). */
  readonly version: number;
  readonly schema: z.ZodType<T>;
  /** Upgrades the `state` of an older version; without it older files are refused (STATE_INVALID). */
  readonly migrate?: (fromVersion: number, state: unknown) => unknown;
}

/** The q-table of RegimeSwitchingRL: regime key → engine → value. */
export const RegimeQTableSchema = z.record(
  z.string(),
  z.object({
    binary: z.number().finite(),
    spot: z.number().finite(),
    arbitrage: z.number().finite(),
    none: z.number().finite().optional(),
  }),
);
/** The route scores of ArbitrageRLAgent: route id → score. */
export const RouteScoresSchema = z.record(z.string(), z.number().finite());
/** PatternMemory: pattern name → occurrences (recent history). */
export const PatternCountsSchema = z.record(z.string(), z.number().int().nonnegative());

/** Slot specs for the spec's three persisted learners (version 1). */
export const RL_STATE_SLOTS = {
  regimeSwitchingRl: { name: 'regime-switching-rl', version: 1, schema: RegimeQTableSchema },
  arbitrageRlAgent: { name: 'arbitrage-rl-agent', version: 1, schema: RouteScoresSchema },
  patternMemory: { name: 'pattern-memory', version: 1, schema: PatternCountsSchema },
} as const satisfies Record<string, RLStateSlotSpec<unknown>>;

/**
 * Versioned, atomically written JSON state for named learners (spec 2.9 RLJSONStore), one file per
 * learner: `<dir>/<name>.json` = `{ format, name, version, savedAtMs, state }`.
 * Why: RL knowledge must survive restarts and crashes (temp file + fsync + rename via core
 * `writeJsonAtomic`), and a corrupt, foreign or newer-version file must stop with a StateError that
 * names the file, never be half-read.
 *
 * @example
 * const store = new RLJSONStore('state', clock);
 * store.save(RL_STATE_SLOTS.arbitrageRlAgent, { 'uni-sushi-weth': 0.4 });
 * store.load(RL_STATE_SLOTS.arbitrageRlAgent); // { 'uni-sushi-weth': 0.4 }
 */
export class RLJSONStore {
  readonly dir: string;
  readonly #clock: Clock;

  constructor(dir: string, clock: Clock) {
    this.dir = dir;
    this.#clock = clock;
  }

  /** The file a slot lives in. */
  pathOf(slot: Pick<RLStateSlotSpec<unknown>, 'name'>): string {
    if (!/^[a-z0-9][a-z0-9._-]*$/i.test(slot.name)) {
      throw new StateError('STATE_INVALID', 'a state slot name must be a plain file stem', {
        name: slot.name,
      });
    }
    return join(this.dir, `${slot.name}.json`);
  }

  /** Validates `state` and writes it atomically. Throws STATE_INVALID (bad state) or STATE_WRITE_FAILED. */
  save<T>(slot: RLStateSlotSpec<T>, state: T): void {
    const file = this.pathOf(slot);
    const checked = slot.schema.safeParse(state);
    if (!checked.success) {
      throw new StateError(
        'STATE_INVALID',
        'refusing to save a state that does not match its schema',
        { file },
        {
          details: issues(checked.error),
        },
      );
    }
    writeJsonAtomic(file, {
      format: 'omni-rl-state',
      name: slot.name,
      version: slot.version,
      savedAtMs: this.#clock.nowMs(),
      state: checked.data,
    } satisfies RLStateEnvelope);
  }

  /**
   * The saved state, or undefined when there is none yet. Throws StateError: STATE_UNREADABLE,
   * STATE_INVALID (not JSON, wrong envelope/name, schema failure, older version without migration) or
   * STATE_NEWER_VERSION (written by a newer release: upgrade instead of overwriting it).
   */
  load<T>(slot: RLStateSlotSpec<T>): T | undefined {
    const file = this.pathOf(slot);
    const envelope = readJsonFile(file, RLStateEnvelopeSchema);
    if (envelope === undefined) return undefined;
    if (envelope.name !== slot.name) {
      throw new StateError(
        'STATE_INVALID',
        `the state file belongs to "${envelope.name}", not "${slot.name}"`,
        { file },
      );
    }
    if (envelope.version > slot.version) {
      throw new StateError(
        'STATE_NEWER_VERSION',
        `the state file has version ${envelope.version}, this release reads up to ${slot.version}; upgrade @omni/learning (the file was left untouched)`,
        { file, version: envelope.version, supported: slot.version },
      );
    }
    let state = envelope.state;
    if (envelope.version < slot.version) {
      if (!slot.migrate) {
        throw new StateError(
          'STATE_INVALID',
          `the state file has old version ${envelope.version} and no migration exists`,
          {
            file,
            version: envelope.version,
          },
        );
      }
      state = slot.migrate(envelope.version, state);
    }
    const parsed = slot.schema.safeParse(state);
    if (!parsed.success) {
      throw new StateError(
        'STATE_INVALID',
        'the saved state does not match its schema; restore a backup or delete the file',
        { file },
        {
          details: issues(parsed.error),
        },
      );
    }
    return parsed.data;
  }
}

function issues(error: z.ZodError): string[] {
  return error.issues.map((i) => `state.${i.path.join('.') || '(root)'}: ${i.message}`);
}
