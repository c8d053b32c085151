import { createHash } from 'node:crypto';
import { Rng } from '@omni/core';
import type { SweepGrid } from './grid.js';
import { type ParameterSet, parameterKey, parameterSets } from './parameter-sets.js';
import { SweepError } from './sweep-error.js';
import type { SweepBacktestOptions, SweepJob } from './sweep-job.js';
import { type SweepWindow, type WalkForwardSpec, walkForwardWindows } from './windows.js';

/** Metrics a walk-forward may choose parameters by (fields of the run's summary). */
export const SELECTION_METRICS = ['pnl', 'sharpe', 'sortino', 'profitFactor', 'returnPct'] as const;
/** A metric `--select-by` accepts. */
export type SelectionMetric = (typeof SELECTION_METRICS)[number];

/** One symbol of a sweep: its data (undefined: bundled) and the market time its runs cover (inclusive ms). */
export interface SweepSymbol {
  readonly symbol: string;
  readonly data?: string;
  readonly range: { readonly fromMs: number; readonly toMs: number };
}

/** Everything that defines a sweep, resolved (files read, ranges known): plain data. */
export interface SweepDefinition {
  readonly grid: SweepGrid;
  /** The grid file, for error messages (not part of the sweep's identity). */
  readonly gridFile?: string;
  readonly seed: number;
  readonly symbols: readonly SweepSymbol[];
  readonly walkForward?: WalkForwardSpec;
  readonly backtest: SweepBacktestOptions;
  readonly selectBy: SelectionMetric;
  /**
   * What the sweep's identity uses instead of paths, so the same sweep from another folder or
   * machine has the same id: digests of the base config, of each symbol's data file (in `symbols`
   * order) and of `--model`. Without it, the paths stand in.
   */
  readonly fingerprints?: {
    readonly config: string;
    readonly data: readonly string[];
    readonly model: string | null;
  };
}

/** A sweep expanded into its jobs, in their fixed order. */
export interface SweepPlan {
  readonly sweepId: string;
  readonly parameterSets: readonly ParameterSet[];
  readonly jobs: readonly SweepJob[];
  /** Per job index: the index of its parameter set in `parameterSets`. */
  readonly setOf: readonly number[];
}

/**
 * The seed of one run: the first 31 bits of `Rng(<sweep seed>/sweep-run/<parameter set>/<symbol>/<from>/<to>)`,
 * the parameter set in {@link parameterKey}'s order-free form. The same parameter set on the same
 * symbol and window always gets the same seed, whatever else the grid holds or in which order.
 */
export function runSeed(sweepSeed: number, set: ParameterSet, symbol: string, window: SweepWindow): number {
  const path = `sweep-run/${parameterKey(set)}/${symbol}/${window.fromMs}/${window.toMs}`;
  return new Rng(sweepSeed).fork(path).nextUint32() >>> 1;
}

/**
 * The id of a sweep: a digest of what defines it — grid, seed, each symbol with its range and data,
 * walk-forward, backtest options, and the base config — by content where `fingerprints` are given
 * (see {@link SweepDefinition}), so it names no folder of this machine.
 */
export function sweepDigest(definition: SweepDefinition): string {
  const fp = definition.fingerprints;
  const { configFile, model, ...options } = definition.backtest;
  const identity = {
    grid: definition.grid,
    seed: definition.seed,
    symbols: definition.symbols.map((s, i) => ({
      symbol: s.symbol,
      range: s.range,
      data: fp?.data[i] ?? s.data ?? null,
    })),
    walkForward: definition.walkForward ?? null,
    backtest: options,
    config: fp?.config ?? configFile ?? null,
    model: fp !== undefined ? fp.model : (model ?? null),
  };
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 16);
}

/** A symbol's windows: one `full` window over its range, or the walk-forward folds. */
export function symbolWindows(symbol: SweepSymbol, walkForward: WalkForwardSpec | undefined): SweepWindow[] {
  if (walkForward === undefined) return [{ ...symbol.range, role: 'full', fold: 0 }];
  const windows = walkForwardWindows(symbol.range, walkForward);
  if (windows.length === 0) {
    throw new SweepError(
      'SWEEP_BAD_GRID',
      `--walk-forward: ${symbol.symbol}'s data range is shorter than one in-sample plus one out-of-sample window`,
      {
        field: '--walk-forward',
        symbol: symbol.symbol,
        from: new Date(symbol.range.fromMs).toISOString(),
        to: new Date(symbol.range.toMs).toISOString(),
      },
    );
  }
  return windows;
}

/**
 * Expands a sweep into its jobs in the fixed order: parameter sets (grid: lexicographic over the
 * file's parameter order; random: drawn order) × symbols (as given) × windows (fold by fold,
 * in-sample before out-of-sample). Each job has its own seed ({@link runSeed}).
 */
export function planSweep(definition: SweepDefinition): SweepPlan {
  const sets = parameterSets(definition.grid, definition.seed, definition.gridFile);
  const sweepId = sweepDigest(definition);
  const windows = definition.symbols.map((s) => symbolWindows(s, definition.walkForward));
  const jobs: SweepJob[] = [];
  const setOf: number[] = [];
  for (const [setIndex, parameters] of sets.entries()) {
    for (const [i, symbol] of definition.symbols.entries()) {
      for (const window of windows[i] ?? []) {
        setOf.push(setIndex);
        jobs.push({
          sweepId,
          index: jobs.length,
          parameters,
          symbol: symbol.symbol,
          ...(symbol.data !== undefined ? { data: symbol.data } : {}),
          window,
          seed: runSeed(definition.seed, parameters, symbol.symbol, window),
          backtest: definition.backtest,
        });
      }
    }
  }
  return { sweepId, parameterSets: sets, jobs, setOf };
}
