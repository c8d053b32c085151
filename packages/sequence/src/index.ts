/** The contract moved to @omni/core; re-exported for existing imports. */
export type { RegimeProbabilities, SequenceModelEngine } from '@omni/core';
export { DEFAULT_MODEL_FILE, defaultModelMetricsPath, defaultModelPath } from './default-model-path.js';
export {
  FallbackSequenceModel,
  type FallbackSequenceModelOptions,
  type ModelAlertSink,
  type ModelSwapResult,
  type SequenceModelStats,
} from './fallback-sequence-model.js';
export { MODEL_CONTRACT, normaliseWindow } from './model-contract.js';
export { MomentumSequenceModel } from './momentum-sequence-model.js';
export {
  loadOnnxRuntime,
  ONNX_RUNTIME_PACKAGE,
  type OnnxRuntimeImporter,
  type OnnxRuntimeModule,
  type OnnxSession,
  type OnnxSessionOptions,
  type OnnxTensor,
  type OnnxValueMetadata,
} from './onnx-runtime.js';
export { ONNXSequenceAdapter, type OnnxSequenceAdapterOptions } from './onnx-sequence-adapter.js';
export {
  RegimeProbabilityEstimator,
  type RegimeProbabilityEstimatorOptions,
} from './regime-probability-estimator.js';
export { logReturnStd } from './window-statistics.js';
