import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataDownloadError } from './data-download-error.js';
import type { Chunk } from './history-source.js';

let tempCounter = 0;

/**
 * The finished chunks of one series, one file each under `<out>/.chunks/<series>/`, named by the
 * chunk's range (`20240102T000000000Z_20240103T000000000Z.csv`). A chunk file exists only complete:
 * it is written to a temp file, fsynced and renamed; an interrupted download leaves at most a temp
 * file, which the next run deletes. Why: a rerun skips what exists and the joined file is the same
 * bytes as a download in one go.
 */
export class ChunkStore {
  readonly dir: string;

  constructor(outDir: string, seriesKey: string) {
    this.dir = join(outDir, '.chunks', seriesKey);
  }

  /** Creates the folder and deletes temp files an interrupted run left behind. */
  open(): void {
    try {
      mkdirSync(this.dir, { recursive: true });
      for (const name of readdirSync(this.dir)) {
        if (name.endsWith('.tmp')) rmSync(join(this.dir, name), { force: true });
      }
    } catch (cause) {
      throw writeFailed(this.dir, cause);
    }
  }

  /** The file of `chunk`. */
  path(chunk: Chunk): string {
    return join(this.dir, `${stamp(chunk.startMs)}_${stamp(chunk.endMs)}.csv`);
  }

  /** The rows of a finished chunk, or `undefined` when it has not been downloaded. */
  read(chunk: Chunk): string | undefined {
    try {
      return readFileSync(this.path(chunk), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw writeFailed(this.path(chunk), err);
    }
  }

  /** Writes a finished chunk atomically (an empty one too: a weekend is done once known empty). */
  write(chunk: Chunk, rows: string): void {
    writeFileAtomic(this.path(chunk), [rows]);
  }
}

/**
 * Writes `parts` one after another to `path` atomically: temp file beside it, fsync, rename. Parts are
 * written one at a time, so a joined file never needs all its chunks in memory at once.
 */
export function writeFileAtomic(
  path: string,
  parts: Iterable<string>,
  options: { gzip?: boolean } = {},
): void {
  const temp = `${path}.${process.pid}.${++tempCounter}.tmp`;
  try {
    const fd = openSync(temp, 'w');
    try {
      // gzip: one member per part (concatenated members are one gzip text to every reader, ReplayFeed's too).
      for (const part of parts) {
        if (part.length === 0) continue;
        if (options.gzip) writeSync(fd, gzipSync(part));
        else writeSync(fd, part);
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (cause) {
    rmSync(temp, { force: true });
    if (cause instanceof DataDownloadError) throw cause;
    throw writeFailed(path, cause);
  }
}

/** `2024-01-02T00:00:00.000Z` → `20240102T000000000Z` (no `:` for file systems that refuse it). */
function stamp(tsMs: number): string {
  return new Date(tsMs).toISOString().replace(/[-:.]/g, '');
}

function writeFailed(path: string, cause: unknown): DataDownloadError {
  return new DataDownloadError(
    'DATA_DOWNLOAD_WRITE_FAILED',
    'cannot write the download; check the --out folder is writable and the disk has room',
    { file: path },
    { cause },
  );
}
