/** One backtest of a sweep, JSON-serialisable: what a worker thread or a BullMQ worker needs to run it. */
export interface SweepJob {
  /** Digest of the sweep definition (grid, data, windows, seed): jobs of different sweeps never mix. */
  readonly sweepId: string;
  /** Position in the sweep's fixed order (0-based); results are merged by it. */
  readonly index: number;
  /** Configuration field paths (as in docs/configuration.md) → values. */
  readonly parameters: Readonly<Record<string, number | string | boolean>>;
  readonly symbol: string;
  /** Price file path (absolute), or undefined for the bundled data of `symbol`. */
  readonly data?: string;
  readonly window: {
    readonly fromMs?: number;
    readonly toMs?: number;
    readonly role: 'full' | 'in-sample' | 'out-of-sample';
    readonly fold: number;
  };
  readonly seed: number;
  /** How every run of the sweep backtests (absent: `omni backtest`'s defaults). Optional addition to the contract. */
  readonly backtest?: SweepBacktestOptions;
  /**
   * Absolute folder the run folder `runs/<index>-<symbol>-<window>` is written under (the sweep's
   * `--out` while it runs); absent: `<os tmpdir>/omni-sweep/<sweepId>`. Optional addition to the contract.
   */
  readonly outRoot?: string;
}
/** The backtest flags every run of a sweep shares (each as `omni backtest` takes it). */
export interface SweepBacktestOptions {
  /** `--config <file>`, absolute: loaded by the worker, then the run's parameters and seed override it. */
  readonly configFile?: string;
  /** `--model <file>`, absolute. */
  readonly model?: string;
  readonly momentumOnly?: boolean;
  readonly operatorReview?: 'next-session' | 'never';
  readonly retrainEvery?: string;
}
/** What one run gives back (no wall-clock times in it: merged results must be byte-identical). */
export interface SweepRunResult {
  readonly sweepId: string;
  readonly index: number;
  readonly metrics: Readonly<Record<string, number | null>>;
  /** Equity curve points [tsMs, equityUsd] (for sweep.html), possibly thinned. */
  readonly equity: readonly (readonly [number, number])[];
  /** The run folder of the backtest, relative to the sweep's --out. */
  readonly runDir: string;
}
/** Executes one job (a worker thread, a BullMQ worker or in-process). */
export type RunSweepJob = (job: SweepJob) => Promise<SweepRunResult>;
