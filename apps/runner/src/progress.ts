import { SingleBar } from 'cli-progress';
import type { CliIo } from './cli-io.js';
import { isoDate } from './table.js';

/** Progress of a run: a bar on a TTY, a plain line every few seconds of data otherwise. */
export interface ProgressReporter {
  update(ticks: number, tsMs: number, decisions: number): void;
  stop(): void;
}

/** No output (for --quiet and tests). */
export const SILENT_PROGRESS: ProgressReporter = { update: () => undefined, stop: () => undefined };

/**
 * A progress reporter over a known time span (first → last timestamp of the data). On a TTY it
 * draws a cli-progress bar on stderr; otherwise it prints one plain line per 10% of the span.
 */
export function createProgress(io: CliIo, label: string, fromMs: number, toMs: number): ProgressReporter {
  const span = Math.max(1, toMs - fromMs);
  if (io.isTty) {
    const bar = new SingleBar({
      format: `${label} [{bar}] {percentage}% | {date} | {ticks} ticks | {decisions} decisions`,
      stream: process.stderr,
      hideCursor: true,
    });
    bar.start(100, 0, { date: isoDate(fromMs), ticks: 0, decisions: 0 });
    return {
      update: (ticks, tsMs, decisions) =>
        bar.update(Math.min(100, Math.round(((tsMs - fromMs) / span) * 100)), {
          date: isoDate(tsMs),
          ticks,
          decisions,
        }),
      stop: () => bar.stop(),
    };
  }
  let nextDecile = 1;
  return {
    update(ticks, tsMs, decisions) {
      const done = (tsMs - fromMs) / span;
      if (done * 10 >= nextDecile) {
        nextDecile = Math.floor(done * 10) + 1;
        io.err(
          `${label}: ${Math.min(100, Math.round(done * 100))}% (${isoDate(tsMs)}, ${ticks} ticks, ${decisions} decisions)`,
        );
      }
    },
    stop: () => undefined,
  };
}
