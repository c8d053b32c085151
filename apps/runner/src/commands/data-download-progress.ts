import type { DownloadProgress, HttpWait } from '@omni/data-download';
import { SingleBar } from 'cli-progress';
import type { CliIo } from '../cli-io.js';

/** Progress of `omni data download`, on stderr. */
export interface DownloadReporter {
  chunk(progress: DownloadProgress): void;
  wait(wait: HttpWait): void;
  stop(): void;
}

/** No output (--quiet, --json). */
export const SILENT_DOWNLOAD: DownloadReporter = {
  chunk: () => undefined,
  wait: () => undefined,
  stop: () => undefined,
};

/**
 * The share of chunks done: a cli-progress bar on a TTY (as `createProgress` of the runs), else one
 * plain line per 10 %. Waits for a rate limit or after a failure are always a line of their own, so
 * a download that pauses says why. Kept apart from `progress.ts`, whose counters are ticks and decisions.
 */
export function createDownloadProgress(io: CliIo, label: string): DownloadReporter {
  const waitLine = (w: HttpWait) =>
    `${label}: ${w.reason}${w.status > 0 ? ` (HTTP ${w.status})` : ''}, waiting ${Math.ceil(w.waitMs / 1000)} s`;
  if (io.isTty) {
    const bar = new SingleBar({
      format: `${label} [{bar}] {percentage}% | {symbol} {date} | {rows} rows | chunk {value}/{total}`,
      stream: process.stderr,
      hideCursor: true,
    });
    let started = false;
    return {
      chunk(p) {
        const payload = {
          symbol: p.symbol,
          date: new Date(p.chunk.startMs).toISOString().slice(0, 10),
          rows: p.rows,
        };
        if (!started) {
          bar.start(p.chunksTotal, 0, payload);
          started = true;
        }
        bar.update(p.chunksDone, payload);
      },
      wait: (w) => io.err(waitLine(w)),
      stop: () => {
        if (started) bar.stop();
      },
    };
  }
  let nextDecile = 1;
  return {
    chunk(p) {
      const done = p.chunksDone / p.chunksTotal;
      if (done * 10 < nextDecile) return;
      nextDecile = Math.floor(done * 10) + 1;
      io.err(
        `${label}: ${Math.round(done * 100)}% (${p.symbol} ${new Date(p.chunk.startMs).toISOString().slice(0, 10)}, chunk ${p.chunksDone}/${p.chunksTotal}, ${p.rows} rows)`,
      );
    },
    wait: (w) => io.err(waitLine(w)),
    stop: () => undefined,
  };
}
