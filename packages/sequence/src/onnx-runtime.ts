import { ModelError } from '@omni/core';

/** The npm package that runs ONNX models; an optional peer dependency of `@omni/sequence`. */
export const ONNX_RUNTIME_PACKAGE = 'onnxruntime-node';

/** A tensor as the adapter reads it (a structural subset of onnxruntime-node's `Tensor`). */
export interface OnnxTensor {
  readonly data: unknown;
  readonly dims: readonly number[];
}

/** Declared input/output of a loaded model (subset of onnxruntime-node's `InferenceSession.ValueMetadata`). */
export type OnnxValueMetadata =
  | { readonly name: string; readonly isTensor: false }
  | {
      readonly name: string;
      readonly isTensor: true;
      readonly type: string;
      readonly shape: readonly (number | string)[];
    };

/** A loaded model (subset of onnxruntime-node's `InferenceSession` that the adapter calls). */
export interface OnnxSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly OnnxValueMetadata[];
  readonly outputMetadata: readonly OnnxValueMetadata[];
  run(feeds: Record<string, OnnxTensor>): Promise<Record<string, OnnxTensor>>;
  release(): Promise<void>;
}

/** Session options the adapter sets. */
export interface OnnxSessionOptions {
  intraOpNumThreads?: number;
  interOpNumThreads?: number;
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
}

/**
 * The part of the `onnxruntime-node` module the adapter uses.
 * Why structural: `@omni/sequence`'s public types must not require the optional package to be installed.
 */
export interface OnnxRuntimeModule {
  readonly InferenceSession: {
    create(model: Uint8Array, options?: OnnxSessionOptions): Promise<OnnxSession>;
  };
  readonly Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OnnxTensor;
}

/** Loads the runtime module; the default imports `onnxruntime-node` on first use. */
export type OnnxRuntimeImporter = () => Promise<OnnxRuntimeModule>;

/**
 * `import('onnxruntime-node')`, done lazily so that installing and importing `@omni/sequence` never
 * needs the 288 MB package (the momentum model works without it).
 */
export const importOnnxRuntimeNode: OnnxRuntimeImporter = async () => {
  const mod: OnnxRuntimeModule & { default?: OnnxRuntimeModule } = await import('onnxruntime-node');
  // Node's ESM loader exposes the CommonJS exports by name; some bundlers only under `default`.
  return typeof mod.InferenceSession === 'function' || typeof mod.InferenceSession === 'object'
    ? mod
    : (mod.default as OnnxRuntimeModule);
};

/**
 * Runs `importer` and turns any failure into ModelError `MODEL_RUNTIME_UNAVAILABLE` naming the package
 * and how to install it. Why: a missing optional dependency is a setup step for a person, not a crash.
 */
export async function loadOnnxRuntime(
  importer: OnnxRuntimeImporter = importOnnxRuntimeNode,
): Promise<OnnxRuntimeModule> {
  try {
    return await importer();
  } catch (err) {
    const code = (err as { code?: unknown } | undefined)?.code;
    const notInstalled =
      (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
      String((err as Error).message).includes(ONNX_RUNTIME_PACKAGE);
    throw new ModelError(
      'MODEL_RUNTIME_UNAVAILABLE',
      notInstalled
        ? `${ONNX_RUNTIME_PACKAGE} is not installed; it is an optional peer dependency of @omni/sequence that ONNX models need: run \`npm install ${ONNX_RUNTIME_PACKAGE}\` (or pnpm add / yarn add), or serve the momentum model without a model path`
        : `${ONNX_RUNTIME_PACKAGE} is installed but cannot be loaded (no binary for this platform or a broken install); reinstall it with \`npm install ${ONNX_RUNTIME_PACKAGE}\``,
      { package: ONNX_RUNTIME_PACKAGE },
      { cause: err },
    );
  }
}
