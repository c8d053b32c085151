import type { Command } from 'commander';
import { integer } from '../cli-args.js';
import { type CliIo, EXIT } from '../cli-io.js';
import { DEFAULT_WORKER_OUT, formatWorkerSummary, runWorkerCommand, type WorkerFlags } from './worker.js';

/** Registers `omni worker` (docs/sweeps.md, "Across machines") on the program. */
export function registerWorkerCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('worker')
    .description(
      'execute the runs of `omni sweep --queue` from a BullMQ/Redis queue until Ctrl-C (any number of workers, on any machine with the project)',
    )
    .requiredOption(
      '--queue <url>',
      'the Redis of the queue: redis://HOST:PORT (redis://:PASSWORD@HOST:PORT/DB)',
    )
    .option(
      '--concurrency <n>',
      'runs at once, each on its own thread (default: the available cores)',
      integer,
    )
    .option(
      '--out <dir>',
      `where this machine writes run folders (<dir>/<sweep id>/runs/…); default: the sweep's own --out when this machine sees it, else ${DEFAULT_WORKER_OUT}`,
    )
    .option(
      '--lock-duration <ms>',
      'job lock lifetime: a dead worker’s run restarts elsewhere after about this plus --stalled-interval (default 30000)',
      integer,
    )
    .option(
      '--stalled-interval <ms>',
      'how often this worker looks for runs of dead workers (default 15000)',
      integer,
    )
    .option('--quiet', 'print only failures')
    .action(async (flags: WorkerFlags) => {
      const summary = await runWorkerCommand(flags, io);
      io.out(formatWorkerSummary(summary));
      setExit(EXIT.ok);
    });
}
