import type { OmniConfig } from '@omni/core';
import { parseSymbols, symbolDataFiles } from '../commands/backtest-symbols.js';
import {
  type DataSelection,
  noTicksError,
  parseTimeBound,
  peekSeries,
  replayFeed,
  selectData,
} from '../data-source.js';
import type { SweepSymbol } from './plan.js';
import { SweepError } from './sweep-error.js';

/** The data flags of `omni sweep`. */
export interface SweepDataFlags {
  readonly data?: string;
  readonly symbol?: string;
  readonly symbols?: string;
  readonly from?: string;
  readonly to?: string;
}

/** The time of the last tick, read through the whole file (when its tail cannot be read on its own, e.g. gzip). */
async function lastTickMs(selection: DataSelection): Promise<number | undefined> {
  const feed = replayFeed(selection);
  let last: number | undefined;
  await feed.start();
  try {
    for await (const tick of feed) last = tick.tsMs;
  } finally {
    await feed.stop();
  }
  return last;
}

/**
 * The symbols of a sweep with their data and range: `--symbols A,B` (bundled pairs, or with
 * `--data DIR` its `<SYMBOL>.csv` files), else one symbol (`--data FILE` and/or `--symbol`, as
 * `omni backtest` takes them). Each range is the data's first → last tick within `--from`/`--to`;
 * `startOf` turns `--from` into the effective start (the bundled model's out-of-sample default).
 */
export async function resolveSweepSymbols(
  flags: SweepDataFlags,
  config: OmniConfig,
  startOf: (bundled: boolean, fromMs: number | undefined) => number | undefined,
): Promise<SweepSymbol[]> {
  let selections: DataSelection[];
  if (flags.symbols !== undefined) {
    if (flags.symbol !== undefined) {
      throw new SweepError('SWEEP_BAD_GRID', '--symbol and --symbols exclude each other', {
        field: '--symbol',
      });
    }
    const symbols = parseSymbols(flags.symbols);
    const files = symbolDataFiles(symbols, flags.data);
    selections = symbols.map((symbol, i) => {
      const data = files[i];
      return selectData({ symbol, ...(data !== undefined ? { data } : {}) });
    });
  } else {
    const defaultSymbol = config.symbols[0];
    selections = [
      selectData({
        ...(flags.data !== undefined ? { data: flags.data } : {}),
        ...(flags.symbol !== undefined ? { symbol: flags.symbol } : {}),
        ...(defaultSymbol !== undefined ? { defaultSymbol } : {}),
      }),
    ];
  }
  const fromFlag = parseTimeBound(flags.from, '--from');
  const toMs = parseTimeBound(flags.to, '--to');
  const out: SweepSymbol[] = [];
  for (const selection of selections) {
    const peek = await peekSeries(selection);
    const lastMs = peek.lastTsMs ?? (await lastTickMs(selection)) ?? peek.firstTsMs;
    const fromMs = startOf(selection.bundled, fromFlag);
    const range = {
      fromMs: Math.max(peek.firstTsMs, fromMs ?? peek.firstTsMs),
      toMs: Math.min(lastMs, toMs ?? lastMs),
    };
    if (range.fromMs > range.toMs) throw noTicksError(selection);
    out.push({ symbol: selection.symbol, ...(selection.bundled ? {} : { data: selection.path }), range });
  }
  return out;
}
