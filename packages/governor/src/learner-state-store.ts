import { readFileSync } from 'node:fs';
import { StateError, type StateSaveOptions, saveStateFile } from '@omni/core';
import type { z } from 'zod';
import {
  GOVERNOR_SNAPSHOT_KIND,
  GOVERNOR_SNAPSHOT_VERSION,
  type GovernorSnapshot,
  GovernorSnapshotSchema,
} from './governor-snapshot.js';

/**
 * Turns a snapshot of version N (the key it is stored under) into the shape of version N + 1.
 * It receives the parsed JSON object as it was on disk; the store sets `version` to N + 1 afterwards.
 */
export type LearnerStateMigration = (
  state: Readonly<Record<string, unknown>>,
) => Readonly<Record<string, unknown>>;

/** Migrations by the version they upgrade from: `{ 1: v1ToV2, 2: v2ToV3 }`. */
export type LearnerStateMigrations = Readonly<Partial<Record<number, LearnerStateMigration>>>;

/**
 * The migrations this release knows. Empty: version 1 (today's `governor.json`, the plain
 * {@link GovernorSnapshot}) is the first version. When the snapshot changes, bump
 * `GOVERNOR_SNAPSHOT_VERSION` and add `{ [oldVersion]: upgrade }` here so existing files keep loading.
 */
export const LEARNER_STATE_MIGRATIONS: LearnerStateMigrations = Object.freeze({});

/**
 * Options of a {@link LearnerStateStore}. `writeState` and `onSaveFailure` (of `StateSaveOptions`)
 * say how the file is written and who hears of a save that failed (an engine stops trading on it).
 */
export interface LearnerStateStoreOptions extends StateSaveOptions {
  /** Migrations to apply to older files. Default {@link LEARNER_STATE_MIGRATIONS}. */
  readonly migrations?: LearnerStateMigrations;
}

/**
 * The one store of the governor's learner state: a single versioned JSON file (the
 * {@link GovernorSnapshot} of `MasterGovernorX100`, e.g. `state/governor.json`). Why one file: the
 * learners are restored together or not at all, and an atomic write (temp file, fsync, rename) after
 * every settled trade means a crash loses no learning and never leaves half a file.
 *
 * `load` never writes: a file from a newer release is refused and left untouched, an older one is
 * upgraded in memory through the migration table and written in the current version by the next `save`.
 *
 * @example
 * const store = new LearnerStateStore('state/governor.json');
 * const saved = store.load(); // undefined on a first run
 * const governor = saved ? MasterGovernorX100.restore(saved, deps) : new MasterGovernorX100(deps);
 * // ... after each settled trade:
 * governor.learn(outcome, audit, { riskUsd });
 * store.save(governor.snapshot());
 */
export class LearnerStateStore {
  /** The state file. */
  readonly path: string;
  readonly #migrations: LearnerStateMigrations;
  readonly #saving: StateSaveOptions;

  constructor(path: string, options: LearnerStateStoreOptions = {}) {
    this.path = path;
    this.#migrations = options.migrations ?? LEARNER_STATE_MIGRATIONS;
    this.#saving = options;
  }

  /**
   * The saved snapshot, migrated to the current version and validated, or undefined when the file
   * does not exist yet. Throws StateError: `STATE_UNREADABLE` (cannot read the file),
   * `STATE_INVALID` (not JSON, not a governor snapshot, no migration from its version, or a schema
   * failure listing every issue; each names the file) or `STATE_NEWER_VERSION` (written by a newer
   * release; the file is left untouched).
   *
   * @returns the snapshot to pass to `MasterGovernorX100.restore`, or undefined for a fresh start.
   */
  load(): GovernorSnapshot | undefined {
    const file = this.path;
    const data = this.#readJson();
    if (data === undefined) return undefined;
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw new StateError(
        'STATE_INVALID',
        'the learner state file does not hold a JSON object; restore it from a backup or delete it to start fresh',
        { file },
      );
    }
    let state = data as Readonly<Record<string, unknown>>;
    if (state['kind'] !== GOVERNOR_SNAPSHOT_KIND) {
      throw new StateError(
        'STATE_INVALID',
        `the file is not a ${GOVERNOR_SNAPSHOT_KIND} snapshot; point the state path at governor.json`,
        { file, kind: String(state['kind']), expectedKind: GOVERNOR_SNAPSHOT_KIND },
      );
    }
    const version = state['version'];
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
      throw new StateError(
        'STATE_INVALID',
        'the learner state file has no valid version; restore it from a backup or delete it to start fresh',
        { file, version: String(version) },
      );
    }
    if (version > GOVERNOR_SNAPSHOT_VERSION) {
      throw new StateError(
        'STATE_NEWER_VERSION',
        `the learner state has version ${version}, this release reads up to ${GOVERNOR_SNAPSHOT_VERSION}; upgrade @omni/governor (the file was left untouched)`,
        { file, version, supportedVersion: GOVERNOR_SNAPSHOT_VERSION },
      );
    }
    for (let from = version; from < GOVERNOR_SNAPSHOT_VERSION; from++) {
      state = this.#migrate(state, from);
    }
    const parsed = GovernorSnapshotSchema.safeParse(state);
    if (!parsed.success) {
      throw new StateError(
        'STATE_INVALID',
        'the learner state does not match the governor snapshot schema; restore it from a backup or delete it to start fresh',
        { file, version },
        { details: issues(parsed.error) },
      );
    }
    return parsed.data;
  }

  /**
   * Validates `snapshot` and writes it atomically (temp file, fsync, rename), so the file always
   * holds either the previous or this snapshot. Throws StateError `STATE_INVALID` (the snapshot does
   * not match its schema, e.g. a non-finite number; the previous file is kept) or `STATE_WRITE_FAILED`
   * — the latter goes to `onSaveFailure` instead when one is given, and false is returned.
   *
   * @param snapshot `MasterGovernorX100.snapshot()`.
   * @returns true when the file was written.
   */
  save(snapshot: GovernorSnapshot): boolean {
    const checked = GovernorSnapshotSchema.safeParse(snapshot);
    if (!checked.success) {
      throw new StateError(
        'STATE_INVALID',
        'refusing to save a governor snapshot that does not match its schema; the previous state file was kept',
        { file: this.path },
        { details: issues(checked.error) },
      );
    }
    return saveStateFile(this.path, checked.data, this.#saving);
  }

  #readJson(): unknown {
    const file = this.path;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new StateError(
        'STATE_UNREADABLE',
        'cannot read the learner state file',
        { file },
        { cause: err },
      );
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw new StateError(
        'STATE_INVALID',
        'the learner state file is not valid JSON; restore it from a backup or delete it to start fresh',
        { file },
        { cause: err },
      );
    }
  }

  #migrate(state: Readonly<Record<string, unknown>>, from: number): Readonly<Record<string, unknown>> {
    const file = this.path;
    const migration = this.#migrations[from];
    if (migration === undefined) {
      throw new StateError(
        'STATE_INVALID',
        `the learner state has old version ${from} and no migration from it exists; delete the file to start fresh`,
        { file, version: from, supportedVersion: GOVERNOR_SNAPSHOT_VERSION },
      );
    }
    let next: Readonly<Record<string, unknown>>;
    try {
      next = migration(state);
    } catch (err) {
      throw new StateError(
        'STATE_INVALID',
        `the learner state could not be migrated from version ${from}; restore it from a backup or delete it to start fresh`,
        { file, version: from },
        { cause: err },
      );
    }
    return { ...next, version: from + 1 };
  }
}

function issues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
}
