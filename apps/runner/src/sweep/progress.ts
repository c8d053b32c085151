import { SingleBar } from 'cli-progress';
import type { CliIo } from '../cli-io.js';

/** Progress of a sweep in finished runs. */
export interface SweepProgress {
  update(done: number): void;
  stop(): void;
}

/** A cli-progress bar on stderr on a TTY, else one plain line per 10% of the runs. */
export function sweepProgress(io: CliIo, total: number): SweepProgress {
  if (io.isTty) {
    const bar = new SingleBar({
      format: 'sweep [{bar}] {value}/{total} runs | {percentage}%',
      stream: process.stderr,
      hideCursor: true,
    });
    bar.start(total, 0);
    return { update: (done) => bar.update(done), stop: () => bar.stop() };
  }
  let nextDecile = 1;
  return {
    update(done) {
      if (done * 10 < nextDecile * total) return;
      nextDecile = Math.floor((done * 10) / total) + 1;
      io.err(`sweep: ${done}/${total} runs (${Math.round((done / total) * 100)}%)`);
    },
    stop: () => undefined,
  };
}
