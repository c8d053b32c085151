import type { BacktestSummary } from '@omni/runtime';

/** What the runner's `summary.json` holds: the backtest summary plus where the data and output are. */
export interface RunSummary extends BacktestSummary {
  readonly run: BacktestSummary['run'] & {
    readonly bundledData: boolean;
    readonly outDir: string;
    /** Last day of the bundled model's training data, when the run used that model; else null. */
    readonly modelTrainedThrough: string | null;
  };
}
