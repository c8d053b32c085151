import { fileURLToPath } from 'node:url';

/** File name of the model `pnpm --filter @omni/learning run train` writes and the package ships. */
export const DEFAULT_MODEL_FILE = 'omni-seq-default.onnx';

/**
 * Absolute path of the bundled default model (`packages/sequence/models/omni-seq-default.onnx`).
 * Why: the runner's default when SEQ_MODEL_ONNX is unset; resolves from `src/` (tests) and `dist/` (builds).
 */
export function defaultModelPath(): string {
  return fileURLToPath(new URL(`../models/${DEFAULT_MODEL_FILE}`, import.meta.url));
}

/** Absolute path of the default model's evaluation metrics (written beside it by the trainer). */
export function defaultModelMetricsPath(): string {
  return fileURLToPath(new URL('../models/omni-seq-default.metrics.json', import.meta.url));
}
