export { Adam, type AdamOptions } from './adam.js';
export {
  DEFAULT_MODEL_SEED,
  type DefaultModelTrainingOptions,
  modelMetricsPath,
  type PriceFile,
  priceFilesIn,
  trainDefaultSequenceModel,
  type WriteTrainedModelOptions,
  writeTrainedModel,
} from './default-model-training.js';
export {
  buildDirectionDataset,
  type DirectionDataset,
  type DirectionDatasetOptions,
} from './direction-dataset.js';
export { type ProbabilityScores, scoreProbabilities } from './evaluation.js';
export { holdoutEvaluator, type ModelEvaluator } from './holdout-evaluator.js';
export {
  JournalReplayLedger,
  journalSha256,
  type ReplayedJournals,
  ReplayedJournalsSchema,
} from './journal-replay-ledger.js';
export {
  exportLstmSequenceOnnx,
  type LstmSequenceWeights,
  lstmSequenceForward,
  randomLstmSequenceWeights,
} from './lstm-sequence-model.js';
export {
  ModelMutationController,
  type ModelMutationControllerOptions,
  type ModelVersion,
  ModelVersionSchema,
  type MutationOutcome,
} from './model-mutation-controller.js';
export {
  type AttributeValue,
  encodeSequenceGraph,
  type FloatInitializer,
  type GraphNode,
  ONNX_IR_VERSION,
  ONNX_OPSET,
  type SequenceGraph,
} from './onnx-graph.js';
export { type PriceSeries, readPriceCsv, readTicksJsonl } from './price-series.js';
export {
  initSequenceMlp,
  type SequenceMlp,
  sequenceMlpForward,
  sequenceMlpSize,
  type TrainSequenceMlpOptions,
  trainSequenceMlp,
} from './sequence-mlp.js';
export { type ExportMetadata, exportSequenceMlpOnnx } from './sequence-mlp-onnx.js';
export {
  type ComparedScores,
  EDGE_LOG_LOSS_MARGIN,
  type SequenceTrainerOptions,
  type TrainedSequenceModel,
  type TrainingReport,
  trainSequenceModel,
} from './sequence-trainer.js';
export { DEFAULT_TRAINING_CUTOFF, endOfUtcDay, seriesUntil } from './training-cutoff.js';
export {
  builtInSequenceTrainer,
  DecisionRecordSchema,
  type RegimeLearner,
  type RetrainOutcome,
  type RewardContext,
  type RlLearners,
  type RlUpdateSummary,
  type RouteLearner,
  type SequenceTrainer,
  TrainingOrchestrator,
  type TrainingOrchestratorOptions,
} from './training-orchestrator.js';
export { type WalkForwardFold, type WalkForwardOptions, walkForwardFolds } from './walk-forward.js';
