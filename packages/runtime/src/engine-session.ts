import { join } from 'node:path';
import { type OmniConfig, RuntimeError } from '@omni/core';
import type { ExecutionHub } from '@omni/execution';
import {
  assertSameConfig,
  configDigest,
  nextRunId,
  ORIGIN_DIR,
  readCheckpoint,
  rewindJournals,
  type SessionCheckpoint,
} from './session-checkpoint.js';

/** The resume bookkeeping of a resumable run (see `OmniEngineOptions.resumable`). */
export interface EngineSession {
  readonly runId: string;
  readonly origin: string;
  readonly configDigest: string;
  readonly sessions: number;
  readonly resumed: SessionCheckpoint | undefined;
}

/** What {@link openSession} reads of `OmniEngineOptions`. */
export interface EngineSessionOptions {
  readonly config: OmniConfig;
  readonly runDir: string;
  readonly stateDir?: string;
  readonly resumable?: boolean;
  readonly runIdPrefix?: string;
  readonly hub?: ExecutionHub | ((...args: never[]) => ExecutionHub);
}

/**
 * Opens the session of a resumable run (undefined for any other): checks it can be resumed, and
 * when `runDir` holds a checkpoint puts its journals back where the checkpoint says; otherwise
 * takes a new run id from `stateDir`.
 */
export function openSession(options: EngineSessionOptions): EngineSession | undefined {
  if (!options.resumable) return undefined;
  const stateDir = options.stateDir;
  if (stateDir === undefined) {
    throw new RuntimeError('RUNTIME_BAD_INPUT', 'a resumable run needs a stateDir', {
      runDir: options.runDir,
    });
  }
  if (options.hub && (typeof options.hub === 'function' || options.hub.name !== 'shadow')) {
    throw new RuntimeError(
      'RUNTIME_BAD_INPUT',
      'only a run whose hub places no real orders can be resumed by a silent replay',
      { hub: typeof options.hub === 'function' ? 'factory' : options.hub.name },
    );
  }
  const digest = configDigest(options.config);
  const resumed = readCheckpoint(options.runDir);
  if (resumed) {
    assertSameConfig(options.runDir, resumed, digest);
    rewindJournals(options.runDir, resumed);
  }
  return {
    runId: resumed?.runId ?? nextRunId(stateDir, options.runIdPrefix ?? 'run'),
    origin: join(options.runDir, ORIGIN_DIR),
    configDigest: digest,
    sessions: (resumed?.sessions ?? 0) + 1,
    resumed,
  };
}
