export { type ConfigFieldKind, configFieldKind, nestParameters, type SweepValue } from './config-fields.js';
export { GridFileSchema, parseGrid, readGridFile, type SweepGrid, type SweepParameter } from './grid.js';
export { type EquitySeries, sweepHtml } from './html.js';
export { inThreadExecutor, type SweepExecutor } from './local-pool.js';
export { type ParameterSet, parameterKey, parameterSets } from './parameter-sets.js';
export {
  planSweep,
  runSeed,
  SELECTION_METRICS,
  type SelectionMetric,
  type SweepDefinition,
  type SweepPlan,
  type SweepSymbol,
  sweepDigest,
} from './plan.js';
export {
  prestartSweepThreads,
  releasePrestartedThreads,
  sweepThreadsToPrestart,
  sweepWorkerEntry,
} from './prestart.js';
export { mergeResults, resultsCsv, type SweepResults, type SweepRunEntry } from './results.js';
export { RUN_METRICS, runFolder, runSweepJob, sweepJobConfig } from './run-job.js';
export { type RunSweepOptions, runSweep, type SweepOutcome, writeSweepFiles } from './run-sweep.js';
export { localExecutor, sharedQueueExecutor } from './shared-queue.js';
export { SweepError } from './sweep-error.js';
export type { RunSweepJob, SweepBacktestOptions, SweepJob, SweepRunResult } from './sweep-job.js';
export { claimJob, runSweepJobOutcome, type SharedQueueData, type SweepJobOutcome } from './sweep-worker.js';
export { parseWalkForward, type SweepWindow, type WalkForwardSpec, walkForwardWindows } from './windows.js';
