import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type WorkerEntry, workerEntry } from '../worker-entry.js';

// Node built-ins only: the `omni` executable calls this before it loads the engine (cli.ts), so
// the worker threads of a local sweep load their modules on the second core while this thread
// loads its own. Measured in docs/sweeps.md ("Workers").

/** The worker entry of the sweep's threads: `sweep-worker` beside this module (built: `dist/sweep-worker.js`). */
export function sweepWorkerEntry(moduleUrl: string = import.meta.url): WorkerEntry {
  return workerEntry(moduleUrl, './sweep-worker');
}

/** The `workerData` of a thread started before its jobs are known: it waits for one message, its `SharedQueueData` (sweep-worker.ts). */
export interface PrestartData {
  readonly kind: 'omni-sweep-prestart';
}

/** Whether `data` is the `workerData` of a prestarted thread. */
export function isPrestartData(data: unknown): data is PrestartData {
  return (
    typeof data === 'object' && data !== null && (data as { kind?: unknown }).kind === 'omni-sweep-prestart'
  );
}

interface Prestarted {
  readonly worker: Worker;
  readonly filename: string;
  /** Set once the thread ended or failed before it was taken: it is not handed out. */
  ended: boolean;
}

const waiting: Prestarted[] = [];

/** Starts a worker thread on `entry` (a `data:` bootstrap is passed as a URL). */
export function startWorker(entry: WorkerEntry, workerData: unknown): Worker {
  const filename = entry.filename.startsWith('data:') ? new URL(entry.filename) : entry.filename;
  return new Worker(filename, { workerData, ...(entry.execArgv ? { execArgv: entry.execArgv } : {}) });
}

/**
 * Starts `count` sweep threads now, before their jobs exist: each loads the engine and waits for
 * its jobs ({@link takePrestartedThreads}). They do not keep the process alive, and a thread that
 * fails before it is taken is dropped (the sweep then starts a thread of its own, which reports).
 * Returns the threads (to wait on; {@link takePrestartedThreads} hands them out).
 */
export function prestartSweepThreads(
  count: number,
  entry: WorkerEntry = sweepWorkerEntry(),
): readonly Worker[] {
  const started: Worker[] = [];
  for (let i = 0; i < count; i++) {
    const data: PrestartData = { kind: 'omni-sweep-prestart' };
    const worker = startWorker(entry, data);
    const slot: Prestarted = { worker, filename: entry.filename, ended: false };
    worker.on('error', () => {
      slot.ended = true;
    });
    worker.on('exit', () => {
      slot.ended = true;
    });
    worker.unref();
    waiting.push(slot);
    started.push(worker);
  }
  return started;
}

/**
 * Up to `count` prestarted threads of `entry` that are still alive, removed from the waiting list
 * and holding the process open again; the caller posts their jobs and listens to them.
 */
export function takePrestartedThreads(count: number, entry: WorkerEntry): Worker[] {
  const taken: Worker[] = [];
  for (let i = 0; i < waiting.length && taken.length < count; ) {
    const slot = waiting[i] as Prestarted;
    if (slot.ended || slot.filename !== entry.filename) {
      if (slot.ended) waiting.splice(i, 1);
      else i++;
      continue;
    }
    waiting.splice(i, 1);
    slot.worker.removeAllListeners();
    slot.worker.ref();
    taken.push(slot.worker);
  }
  return taken;
}

/** Terminates the prestarted threads nobody took (a sweep that failed its checks, or needed fewer). */
export async function releasePrestartedThreads(): Promise<void> {
  const left = waiting.splice(0);
  await Promise.all(left.map((slot) => slot.worker.terminate()));
}

/**
 * How many threads to prestart for the command line `argv` (without `node` and the script): for
 * `omni sweep` on local threads, `--workers` (default: the available cores) less this thread;
 * 0 for anything else (another command, `--queue`, `--help`, a `--workers` that is not a whole
 * number ≥ 2, which the command itself then refuses).
 */
export function sweepThreadsToPrestart(
  argv: readonly string[],
  cores: number = availableParallelism(),
): number {
  if (argv[0] !== 'sweep') return 0;
  let workers = cores;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--queue' || arg.startsWith('--queue=') || arg === '--help' || arg === '-h') return 0;
    if (arg === '--') break;
    const value =
      arg === '--workers' ? argv[i + 1] : arg.startsWith('--workers=') ? arg.slice(10) : undefined;
    if (value === undefined) continue;
    if (!/^\d+$/.test(value)) return 0;
    workers = Number(value);
  }
  return Math.max(0, workers - 1);
}
