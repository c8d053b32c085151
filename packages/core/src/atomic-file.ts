import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { z } from 'zod';
import { StateError } from './errors.js';
import { toJsonLine } from './journal.js';

let tempCounter = 0;
/** Folders whose stale temp files this process has removed (once each, at its first write there). */
const sweptDirs = new Set<string>();

/**
 * Writes `value` as JSON so that a crash at any moment leaves either the old file or the new
 * one, never a mix: write a temp file beside it, fsync it, rename it over the target, fsync the
 * directory. Secret values are redacted and bigints become decimal strings, as in journals. The
 * first write of a process into a folder removes the temp files a killed writer left there
 * ({@link removeStaleTempFiles}). A failure is a StateError `STATE_WRITE_FAILED` naming the file and,
 * when the system gave one, its `errno` (`ENOSPC`, `EROFS`, `EIO`, ...).
 *
 * @example
 * writeJsonAtomic('state/safety.json', { version: 1, cooldown: true });
 */
export function writeJsonAtomic(path: string, value: unknown): void {
  const dir = dirname(path);
  const temp = `${path}.${process.pid}.${++tempCounter}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    if (!sweptDirs.has(dir)) {
      sweptDirs.add(dir);
      removeStaleTempFiles(dir);
    }
    const fd = openSync(temp, 'w');
    try {
      writeSync(fd, `${toJsonLine(value)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
    fsyncDirectory(dir);
  } catch (err) {
    try {
      unlinkSync(temp);
    } catch {
      // the temp file may not exist; nothing to clean up
    }
    const errno = (err as NodeJS.ErrnoException).code;
    throw new StateError(
      'STATE_WRITE_FAILED',
      'cannot write the state file; check the disk space and permissions of its folder (the previous file is kept)',
      { file: path, ...(errno !== undefined ? { errno } : {}) },
      { cause: err },
    );
  }
}

/** `<file>.<pid>.<n>.tmp`: the temp file {@link writeJsonAtomic} writes before its rename. */
const TEMP_FILE = /^.+\.(\d+)\.\d+\.tmp$/;

/**
 * Removes the temp files {@link writeJsonAtomic} left in `dir` when its process was killed between
 * the write and the rename (a SIGKILL during the fsync): each names the pid that wrote it, and is
 * removed only when that process is gone, so a writer still running (an operator's `omni safety
 * reset` beside a running engine) keeps its own. Without this, every such kill would leave one
 * more file behind. Returns the names removed; a missing `dir` removes nothing.
 */
export function removeStaleTempFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = Number(TEMP_FILE.exec(name)?.[1] ?? Number.NaN);
    if (!Number.isSafeInteger(pid) || pid === process.pid || isRunning(pid)) continue;
    try {
      unlinkSync(join(dir, name));
      removed.push(name);
    } catch {
      // removed by another process meanwhile, or not ours to remove: left alone
    }
  }
  return removed;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists (another user's); only ESRCH says it is gone.
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function fsyncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Reads and validates a JSON state file. Returns `undefined` when the file does not exist;
 * throws a {@link StateError} naming the file for unreadable, non-JSON or invalid content.
 */
export function readJsonFile<T>(path: string, schema: z.ZodType<T>): T | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateError('STATE_UNREADABLE', 'cannot read the state file', { file: path }, { cause: err });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new StateError(
      'STATE_INVALID',
      'the state file is not valid JSON; restore it from a backup or delete it to start fresh',
      { file: path },
      { cause: err },
    );
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    throw new StateError(
      'STATE_INVALID',
      'the state file does not match its schema',
      { file: path },
      {
        details: result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
      },
    );
  }
  return result.data;
}
