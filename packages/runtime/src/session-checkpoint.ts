import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Alert,
  JOURNAL_FILES,
  type JournalPosition,
  type OmniConfig,
  type OmniLogger,
  RuntimeError,
  readJsonFile,
  type StateSaveOptions,
  saveStateFile,
  toJsonLine,
  truncateJournal,
  writeJsonAtomic,
} from '@omni/core';
import { SafetyStateSchema } from '@omni/safety';
import { z } from 'zod';
import type { DecisionJournal } from './decision-journal.js';
import type { CheckpointPoint } from './omni-runtime.js';

/** The checkpoint file inside a run folder. */
export const CHECKPOINT_FILE = 'checkpoint.json';
/** Folder inside a run folder holding the learner and safety state the run started from. */
export const ORIGIN_DIR = 'origin';

const JournalPositionSchema = z.object({
  rotation: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
});

/**
 * One consistent point of a resumable run: how many ticks it processed, the decision counter,
 * the last tick (to check a resume replays the same feed) and where every journal stood. It is
 * written atomically after the learner and safety state of the same moment.
 */
export const SessionCheckpointSchema = z.object({
  kind: z.literal('omni-session-checkpoint'),
  version: z.literal(1),
  runId: z.string().min(1),
  /** sha256 of the run's configuration (secrets redacted): a resume needs the same settings. */
  configDigest: z.string().length(64),
  /** Sessions that have worked on this run, this one included. */
  sessions: z.number().int().positive(),
  ticks: z.number().int().nonnegative(),
  decisions: z.number().int().nonnegative(),
  lastTick: z.object({ tsMs: z.number(), price: z.number() }).nullable(),
  journals: z.record(z.string(), JournalPositionSchema),
});
/** See {@link SessionCheckpointSchema}. */
export type SessionCheckpoint = z.infer<typeof SessionCheckpointSchema>;

/** The digest a checkpoint records of a configuration (its journal form, so secrets are redacted). */
export function configDigest(config: OmniConfig): string {
  return createHash('sha256').update(toJsonLine(config)).digest('hex');
}

/** The checkpoint of the run in `runDir`, or undefined when it has none (a new run). */
export function readCheckpoint(runDir: string): SessionCheckpoint | undefined {
  return readJsonFile(join(runDir, CHECKPOINT_FILE), SessionCheckpointSchema);
}

const RunCounterSchema = z.object({ runs: z.number().int().nonnegative() });

/**
 * A run id that no earlier run on the same state folder used: `<prefix>-<n>`, with `n` counted
 * in `<stateDir>/runs.json`. Decision ids (`<runId>-<seq>`) are then unique across runs.
 */
export function nextRunId(stateDir: string, prefix: string): string {
  const path = join(stateDir, 'runs.json');
  const runs = (readJsonFile(path, RunCounterSchema)?.runs ?? 0) + 1;
  writeJsonAtomic(path, { runs });
  return `${prefix}-${runs}`;
}

/**
 * Puts every journal of a run folder back where `checkpoint` says it stood. What was written
 * after the checkpoint is cut: the silent replay of the resumed run writes it again, identically.
 */
export function rewindJournals(runDir: string, checkpoint: SessionCheckpoint): void {
  for (const [name, position] of Object.entries(checkpoint.journals)) {
    truncateJournal(join(runDir, name), position);
  }
}

/**
 * What a {@link SessionCheckpointer} saves together. `writeState` and `onSaveFailure` (of
 * `StateSaveOptions`) say how checkpoint.json is written and who hears of a save that failed.
 */
export interface SessionCheckpointerOptions extends StateSaveOptions {
  readonly runDir: string;
  readonly runId: string;
  readonly configDigest: string;
  readonly sessions: number;
  readonly logger: OmniLogger;
  /** decisions.jsonl: flushed, and its size taken as its position (it never writes on flush). */
  readonly audit: Pick<DecisionJournal, 'path' | 'flush'>;
  /** The safety manager of the run; its `statePath` is where its state is saved. */
  readonly safety: {
    readonly statePath: string | undefined;
    toState(): z.infer<typeof SafetyStateSchema>;
    /** False when the file could not be written (the failure went to its `onSaveFailure`). */
    save(): boolean;
    load(): boolean;
  };
  /** Saves the learners (the governor snapshot) atomically; false when it could not. */
  readonly saveLearners?: () => boolean;
  /** Saves the position ledger atomically; false when it could not. */
  readonly saveLedger?: () => boolean;
  readonly onAlert?: (alert: Alert) => void;
}

/**
 * Saves one consistent point of a run: journals flushed, learner state and safety state written
 * atomically, then the checkpoint (journal positions, tick count, decision counter) — in that
 * order, so the checkpoint never names a point whose state is not on disk: when a state file could
 * not be written (its failure reported to `onSaveFailure`, which stops trading), the checkpoint is
 * not moved either, and a resume replays from the last complete one. A run resumes from the
 * last checkpoint by replaying its feed silently up to it (see `OmniRuntime.replaySilently`).
 *
 * Operator actions on the safety state file (`omni safety reset`) made while the run was stopped
 * or running are adopted at the next checkpoint: a file whose operator history is longer than the
 * engine's is loaded, never overwritten.
 */
export class SessionCheckpointer {
  readonly #o: SessionCheckpointerOptions;
  #saved = 0;

  constructor(options: SessionCheckpointerOptions) {
    this.#o = options;
  }

  /** Checkpoints written by this session. */
  get saved(): number {
    return this.#saved;
  }

  /** Adopts the safety state file when an operator acted on it since the engine last saved it. */
  adoptOperatorActions(nowMs: number): boolean {
    const path = this.#o.safety.statePath;
    if (path === undefined || !existsSync(path)) return false;
    const onDisk = readJsonFile(path, SafetyStateSchema);
    if (onDisk === undefined || onDisk.history.length <= this.#o.safety.toState().history.length)
      return false;
    this.#o.safety.load();
    const last = onDisk.history[onDisk.history.length - 1];
    this.#o.onAlert?.({
      tsMs: Math.max(0, Math.floor(nowMs)),
      level: 'info',
      code: 'SAFETY_OPERATOR_ACTION_ADOPTED',
      message: `adopted the operator's ${last?.action ?? 'action'} from ${path}`,
      source: 'SessionCheckpointer',
      context: { file: path, operator: last?.operator ?? null, reason: last?.reason ?? null },
    });
    return true;
  }

  /**
   * Writes the checkpoint for `point` (see the class comment for the order). Returns false when a
   * file could not be written and its failure went to an `onSaveFailure` (without one it throws).
   */
  save(point: CheckpointPoint): boolean {
    const o = this.#o;
    this.adoptOperatorActions(point.lastTick?.tsMs ?? 0);
    o.audit.flush();
    const journals: Record<string, JournalPosition> = o.logger.positions();
    journals[JOURNAL_FILES.decisions] = { rotation: 0, bytes: fileSize(o.audit.path) };
    // Every state file is attempted (each failure is reported on its own), the checkpoint only after all.
    const learners = o.saveLearners?.() ?? true;
    const ledger = o.saveLedger?.() ?? true;
    const safety = o.safety.statePath === undefined || o.safety.save();
    if (!(learners && ledger && safety)) return false;
    const checkpoint: SessionCheckpoint = {
      kind: 'omni-session-checkpoint',
      version: 1,
      runId: o.runId,
      configDigest: o.configDigest,
      sessions: o.sessions,
      ticks: point.ticks,
      decisions: point.decisions,
      lastTick: point.lastTick,
      journals,
    };
    if (!saveStateFile(join(o.runDir, CHECKPOINT_FILE), checkpoint, o)) return false;
    this.#saved++;
    return true;
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Refuses to resume a run whose configuration changed since its checkpoint. */
export function assertSameConfig(runDir: string, checkpoint: SessionCheckpoint, digest: string): void {
  if (checkpoint.configDigest !== digest) {
    throw new RuntimeError(
      'RUNTIME_BAD_INPUT',
      'the run in this folder was made with another configuration; resume it with the same settings or choose a new output folder',
      { runDir, runId: checkpoint.runId },
    );
  }
}
