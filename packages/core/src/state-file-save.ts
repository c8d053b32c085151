import { writeJsonAtomic } from './atomic-file.js';
import { isOmniError, StateError } from './errors.js';

/**
 * Writes one state file atomically: {@link writeJsonAtomic} by default. It is the seam where the
 * disk-fault tests inject a disk that refuses writes (running as root, `chmod` stops nothing).
 */
export type StateFileWrite = (path: string, value: unknown) => void;

/**
 * How a component that persists a state file (SafetyManager, PositionLedger, LearnerStateStore,
 * the session checkpoint) saves it: through which writer, and who hears of a save that failed.
 */
export interface StateSaveOptions {
  /** The writer (default {@link writeJsonAtomic}). */
  readonly writeState?: StateFileWrite;
  /**
   * Called with the `STATE_WRITE_FAILED` error instead of throwing it: a running shadow or live
   * engine stops trading on it (the runtime's `WriteFaultGuard`) rather than end the run. Without
   * it a save that fails throws.
   */
  readonly onSaveFailure?: (error: StateError) => void;
}

/**
 * Saves `value` to `path` with `options.writeState`. Returns true when it was written; when it
 * could not be (disk full, read-only, gone), the old file stays as it was (the write is atomic) and
 * the `STATE_WRITE_FAILED` StateError — naming the file and the system's `errno` — goes to
 * `options.onSaveFailure` (then false is returned) or is thrown.
 *
 * @example
 * if (!saveStateFile('state/safety.json', state, { onSaveFailure: guard.onSaveFailure })) return;
 */
export function saveStateFile(path: string, value: unknown, options: StateSaveOptions = {}): boolean {
  try {
    (options.writeState ?? writeJsonAtomic)(path, value);
    return true;
  } catch (err) {
    const error = stateWriteError(path, err);
    if (options.onSaveFailure === undefined) throw error;
    options.onSaveFailure(error);
    return false;
  }
}

/** `err` as a `STATE_WRITE_FAILED` StateError naming `path` and the system's errno, when it has one. */
function stateWriteError(path: string, err: unknown): StateError {
  if (err instanceof StateError && err.code === 'STATE_WRITE_FAILED' && err.context['file'] === path)
    return err;
  const errno = errnoOf(err);
  return new StateError(
    'STATE_WRITE_FAILED',
    'cannot write the state file; check the disk space and permissions of its folder (the previous file is kept)',
    { file: path, ...(errno !== undefined ? { errno } : {}) },
    { cause: err },
  );
}

function errnoOf(err: unknown): string | undefined {
  if (isOmniError(err)) {
    const errno = err.context['errno'];
    return typeof errno === 'string' ? errno : errnoOf(err.cause);
  }
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}
