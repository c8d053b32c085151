export { DEFAULT_MODEL_FILE, defaultModelMetricsPath, defaultModelPath } from './default-model-path.js';
export { type DirectionForecast, DirectionPredictor } from './direction-predictor.js';
export {
  createSequenceModel,
  FallbackSequenceModel,
  type FallbackSequenceModelOptions,
  type ModelAlertSink,
  type ModelSwapResult,
  type SequenceModelStats,
} from './fallback-sequence-model.js';
export { MODEL_CONTRACT, normaliseWindow } from './model-contract.js';
export { MomentumSequenceModel } from './momentum-sequence-model.js';
export { ONNXSequenceAdapter, type OnnxSequenceAdapterOptions } from './onnx-sequence-adapter.js';
export {
  RegimeProbabilityEstimator,
  type RegimeProbabilityEstimatorOptions,
} from './regime-probability-estimator.js';
export type { RegimeProbabilities, SequenceModelEngine } from './sequence-model-engine.js';
export { type VolatilityForecast, VolatilityPredictor } from './volatility-predictor.js';
export { logReturnStd } from './window-statistics.js';
