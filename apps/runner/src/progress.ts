import { SingleBar } from 'cli-progress';
import type { CliIo } from './cli-io.js';
import { isoDate } from './table.js';

/** Progress of a run: a bar on a TTY, a plain line now and then otherwise. */
export interface ProgressReporter {
  update(ticks: number, tsMs: number, decisions: number): void;
  stop(): void;
}

/** The market time a run is expected to cover, when it is known before the run. */
export interface ProgressSpan {
  readonly fromMs: number;
  readonly toMs: number;
}

/** No output (for --quiet and tests). */
export const SILENT_PROGRESS: ProgressReporter = { update: () => undefined, stop: () => undefined };

/**
 * A progress reporter. With a known `span` (first → last timestamp the run will cover) it shows
 * the share of that span done: a cli-progress bar on stderr on a TTY, else one plain line per 10%.
 * Without one (the end of the data is not known before the run) it shows the ticks done and the
 * date reached: a live line on a TTY, else one plain line at 10k, 20k, 50k, 100k, 200k, … ticks.
 */
export function createProgress(io: CliIo, label: string, span?: ProgressSpan): ProgressReporter {
  if (io.isTty) return ttyProgress(label, span);
  return span ? spanLines(io, label, span) : tickLines(io, label);
}

function ttyProgress(label: string, span: ProgressSpan | undefined): ProgressReporter {
  const counts = '{date} | {ticks} ticks | {decisions} decisions';
  const bar = new SingleBar({
    format: span ? `${label} [{bar}] {percentage}% | ${counts}` : `${label} | ${counts}`,
    stream: process.stderr,
    hideCursor: true,
  });
  bar.start(100, 0, { date: span ? isoDate(span.fromMs) : '…', ticks: 0, decisions: 0 });
  return {
    update: (ticks, tsMs, decisions) =>
      bar.update(span ? Math.round(shareDone(span, tsMs) * 100) : 0, {
        date: isoDate(tsMs),
        ticks,
        decisions,
      }),
    stop: () => bar.stop(),
  };
}

function spanLines(io: CliIo, label: string, span: ProgressSpan): ProgressReporter {
  let nextDecile = 1;
  return {
    update(ticks, tsMs, decisions) {
      const done = shareDone(span, tsMs);
      if (done * 10 >= nextDecile) {
        nextDecile = Math.floor(done * 10) + 1;
        io.err(
          `${label}: ${Math.round(done * 100)}% (${isoDate(tsMs)}, ${ticks} ticks, ${decisions} decisions)`,
        );
      }
    },
    stop: () => undefined,
  };
}

function tickLines(io: CliIo, label: string): ProgressReporter {
  let next = 10_000;
  return {
    update(ticks, tsMs, decisions) {
      if (ticks < next) return;
      while (next <= ticks) next = nextStep(next);
      io.err(`${label}: ${isoDate(tsMs)}, ${ticks} ticks, ${decisions} decisions`);
    },
    stop: () => undefined,
  };
}

/** 10k → 20k → 50k → 100k → …: a line per step keeps a long run's log short. */
export function nextStep(n: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(n));
  const lead = Math.round(n / magnitude);
  return (lead < 2 ? 2 : lead < 5 ? 5 : 10) * magnitude;
}

function shareDone(span: ProgressSpan, tsMs: number): number {
  return Math.min(1, Math.max(0, (tsMs - span.fromMs) / Math.max(1, span.toMs - span.fromMs)));
}
