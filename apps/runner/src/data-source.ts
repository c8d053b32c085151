import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { type Alert, parseTimestampMs, RuntimeError, type Tick } from '@omni/core';
import { bundledFxPairs, bundledFxPath, ReplayFeed } from '@omni/feeds';

/** Where a run's prices come from: a user file, or a bundled real FX pair. */
export interface DataSelection {
  readonly path: string;
  readonly symbol: string;
  readonly bundled: boolean;
}

/**
 * Resolves `--data` / `--symbol`: without `--data`, the bundled daily series of `symbol`
 * (default: `defaultSymbol`, the first of `config.symbols` / `OMNI_SYMBOLS`, else EURUSD); with it,
 * that file, whose symbol is `--symbol` or the file name. Unknown bundled symbols and missing
 * files are clear RuntimeErrors.
 */
export function selectData(options: {
  data?: string;
  symbol?: string;
  cwd?: string;
  defaultSymbol?: string;
}): DataSelection {
  if (options.data === undefined) {
    const symbol = (options.symbol ?? options.defaultSymbol ?? 'EURUSD').toUpperCase();
    if (!bundledFxPairs().includes(symbol)) {
      throw new RuntimeError(
        'RUNTIME_BAD_INPUT',
        `unknown symbol ${symbol}: no bundled data for it`,
        {
          symbol,
        },
        { details: [`bundled symbols: ${bundledFxPairs().join(', ')}`, 'or pass --data FILE'] },
      );
    }
    return { path: bundledFxPath(symbol), symbol, bundled: true };
  }
  const path = resolve(options.cwd ?? process.cwd(), options.data);
  if (!existsSync(path)) {
    throw new RuntimeError('RUNTIME_BAD_INPUT', 'the data file does not exist', { file: path });
  }
  const symbol = (options.symbol ?? basename(path).replace(/\.[^.]+$/, '')).toUpperCase();
  return { path, symbol, bundled: false };
}

/** Parses `--from`/`--to` (ISO 8601 date or datetime, no zone = UTC, or epoch ms) into epoch ms. */
export function parseTimeBound(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseTimestampMs(text.trim(), 'ms');
  if (ms === undefined) {
    throw new RuntimeError('RUNTIME_BAD_INPUT', `${flag} must be an ISO 8601 date or epoch milliseconds`, {
      [flag]: text,
    });
  }
  return ms;
}

/** A replay feed over the selection, rejecting bad rows with file/line/column errors. */
export function replayFeed(
  selection: DataSelection,
  onAlert?: (alert: Alert) => void,
  speed = 0,
): ReplayFeed {
  return new ReplayFeed({
    path: selection.path,
    symbol: selection.symbol,
    policy: 'reject',
    speed,
    ...(onAlert ? { onAlert } : {}),
  });
}

/** Reads a whole (small) series into memory, within optional time bounds. */
export async function readSeries(
  selection: DataSelection,
  bounds: { fromMs?: number; toMs?: number } = {},
): Promise<Tick[]> {
  const feed = replayFeed(selection);
  const ticks: Tick[] = [];
  await feed.start();
  try {
    for await (const tick of feed) {
      if (bounds.fromMs !== undefined && tick.tsMs < bounds.fromMs) continue;
      if (bounds.toMs !== undefined && tick.tsMs > bounds.toMs) break;
      ticks.push(tick);
    }
  } finally {
    await feed.stop();
  }
  if (ticks.length === 0) {
    throw new RuntimeError(
      'RUNTIME_BAD_INPUT',
      'no ticks in the data (file empty, or the --from/--to range holds none)',
      {
        file: selection.path,
      },
    );
  }
  return ticks;
}
