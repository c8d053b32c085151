import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { ModelError } from '@omni/core';
import { MODEL_CONTRACT, normaliseWindow } from './model-contract.js';
import {
  loadOnnxRuntime,
  type OnnxRuntimeImporter,
  type OnnxRuntimeModule,
  type OnnxSession,
  type OnnxTensor,
} from './onnx-runtime.js';

type OnnxRuntimeTensorClass = OnnxRuntimeModule['Tensor'];

/** Options of {@link ONNXSequenceAdapter.load}. */
export interface OnnxSequenceAdapterOptions {
  /** Longest window the caller can supply; a model declaring a longer one is a contract mismatch. Default 4096. */
  maxWindow?: number;
  /** Largest batch accepted by {@link ONNXSequenceAdapter.predictDirectionBatchAsync}. Default 1024. */
  maxBatch?: number;
  /** ONNX Runtime intra-op threads. Default 1 (inference is tiny; threads cost more than they save). */
  intraOpNumThreads?: number;
  /**
   * Loads the ONNX Runtime module. Default: `import('onnxruntime-node')` on the first load, so the
   * optional peer dependency is needed only when an ONNX model is actually used.
   */
  loadOnnxRuntime?: OnnxRuntimeImporter;
}

/**
 * Runs a sequence model from an ONNX file with onnxruntime-node (spec 2.4 ONNXSequenceAdapter).
 * Why: the trained network behind the same probUp contract as the momentum default. Loading validates
 * the file against docs/model-contract.md (input `window` float32 [batch, N], output `prob_up` float32
 * [batch, 1]) and warms the session up; a missing, corrupt or off-contract file is a typed ModelError.
 * `onnxruntime-node` is an optional peer dependency imported on the first load; without it, loading
 * throws ModelError `MODEL_RUNTIME_UNAVAILABLE` naming the package to install.
 *
 * Inference in onnxruntime-node is asynchronous, so this class only has async methods; the synchronous
 * {@link SequenceModelEngine} view is {@link FallbackSequenceModel}. Calls are serialised so the reused
 * input buffers are never written while a run reads them.
 *
 * @example
 * const adapter = await ONNXSequenceAdapter.load(defaultModelPath());
 * const probUp = await adapter.predictDirectionAsync(prices.slice(-adapter.windowLength));
 */
export class ONNXSequenceAdapter {
  /** The model file. */
  readonly path: string;
  /** N: how many prices the model reads (the newest N of any longer window). */
  readonly windowLength: number;
  /** `onnx:<file name>`. */
  readonly name: string;
  /** Largest batch one ONNX run takes (from the load options). */
  readonly maxBatch: number;
  readonly #session: OnnxSession;
  readonly #tensor: OnnxRuntimeTensorClass;
  readonly #single: Float32Array;
  readonly #singleFeeds: Record<string, OnnxTensor>;
  #batchBuffer: Float32Array | undefined;
  #batchTensorSize = 0;
  #batchFeeds: Record<string, OnnxTensor> | undefined;
  #queue: Promise<void> = Promise.resolve();
  #closed = false;

  private constructor(
    path: string,
    session: OnnxSession,
    tensor: OnnxRuntimeTensorClass,
    windowLength: number,
    maxBatch: number,
  ) {
    this.path = path;
    this.#session = session;
    this.#tensor = tensor;
    this.windowLength = windowLength;
    this.maxBatch = maxBatch;
    this.name = `onnx:${basename(path)}`;
    this.#single = new Float32Array(windowLength);
    this.#singleFeeds = {
      [MODEL_CONTRACT.inputName]: new tensor('float32', this.#single, [1, windowLength]),
    };
  }

  /**
   * Loads, validates and warms up the model at `path`.
   * Throws ModelError `MODEL_NOT_FOUND` (no file), `MODEL_RUNTIME_UNAVAILABLE` (onnxruntime-node not
   * installed), `MODEL_CORRUPT` (ONNX Runtime cannot load or run it) or `MODEL_CONTRACT_MISMATCH`
   * (names, dtypes, shapes or warm-up outputs off the contract).
   */
  static async load(path: string, options: OnnxSequenceAdapterOptions = {}): Promise<ONNXSequenceAdapter> {
    const maxWindow = options.maxWindow ?? MODEL_CONTRACT.maxWindow;
    const maxBatch = options.maxBatch ?? 1024;
    let bytes: Uint8Array;
    try {
      if (!statSync(path).isFile()) throw new Error('not a regular file');
      bytes = readFileSync(path);
    } catch (err) {
      throw new ModelError(
        'MODEL_NOT_FOUND',
        'the ONNX model file does not exist or cannot be read; train one (`pnpm --filter @omni/learning run train`) or fix SEQ_MODEL_ONNX',
        { file: path },
        { cause: err },
      );
    }
    const runtime = await loadOnnxRuntime(options.loadOnnxRuntime);
    let session: OnnxSession;
    try {
      session = await runtime.InferenceSession.create(bytes, {
        intraOpNumThreads: options.intraOpNumThreads ?? 1,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
      });
    } catch (err) {
      throw new ModelError(
        'MODEL_CORRUPT',
        'ONNX Runtime cannot load the model file (truncated or not an ONNX model); re-export it',
        { file: path, bytes: bytes.byteLength },
        { cause: err },
      );
    }
    let windowLength: number;
    try {
      windowLength = validateContract(session, path, maxWindow);
    } catch (err) {
      await session.release();
      throw err;
    }
    const adapter = new ONNXSequenceAdapter(path, session, runtime.Tensor, windowLength, maxBatch);
    try {
      await adapter.#warmUp();
    } catch (err) {
      await session.release();
      throw err;
    }
    return adapter;
  }

  /** probUp for the newest N prices of `window`. */
  async predictDirectionAsync(window: ArrayLike<number>): Promise<number> {
    const out = await this.#exclusive(async () => {
      normaliseWindow(window, this.windowLength, this.#single, 0);
      return this.#run(this.#singleFeeds, 1);
    });
    return out[0] as number;
  }

  /** probUp for each window in one ONNX run (at most `maxBatch` windows). */
  async predictDirectionBatchAsync(windows: readonly ArrayLike<number>[]): Promise<Float64Array> {
    const batch = windows.length;
    if (batch === 0) return new Float64Array(0);
    if (batch > this.maxBatch) {
      throw new ModelError('MODEL_INFERENCE_FAILED', `a batch holds at most ${this.maxBatch} windows`, {
        model: this.path,
        batch,
      });
    }
    return this.#exclusive(async () => {
      const n = this.windowLength;
      this.#batchBuffer ??= new Float32Array(this.maxBatch * n);
      for (let b = 0; b < batch; b++)
        normaliseWindow(windows[b] as ArrayLike<number>, n, this.#batchBuffer, b * n);
      if (this.#batchFeeds === undefined || this.#batchTensorSize !== batch) {
        this.#batchFeeds = {
          [MODEL_CONTRACT.inputName]: new this.#tensor('float32', this.#batchBuffer.subarray(0, batch * n), [
            batch,
            n,
          ]),
        };
        this.#batchTensorSize = batch;
      }
      return this.#run(this.#batchFeeds, batch);
    });
  }

  /** Releases the ONNX session once queued runs finish. Further calls throw. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#exclusive(async () => {
      this.#closed = true;
      await this.#session.release();
    });
  }

  async #warmUp(): Promise<void> {
    const n = this.windowLength;
    const up = new Float64Array(n);
    const down = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      up[i] = 1 + 0.001 * i + 0.0004 * Math.sin(i);
      down[i] = 1 - 0.0005 * i + 0.0004 * Math.cos(i);
    }
    try {
      await this.predictDirectionAsync(up);
      await this.predictDirectionBatchAsync([up, down]);
    } catch (err) {
      if (err instanceof ModelError && err.code === 'MODEL_CONTRACT_MISMATCH') throw err;
      throw new ModelError(
        'MODEL_CORRUPT',
        'the model loads but fails its warm-up inference; re-export it',
        { file: this.path },
        { cause: err },
      );
    }
  }

  async #run(feeds: Record<string, OnnxTensor>, batch: number): Promise<Float64Array> {
    if (this.#closed) {
      throw new ModelError('MODEL_INFERENCE_FAILED', 'the ONNX session was closed', { model: this.path });
    }
    let output: OnnxTensor | undefined;
    try {
      const result = await this.#session.run(feeds);
      output = result[MODEL_CONTRACT.outputName];
    } catch (err) {
      throw new ModelError(
        'MODEL_INFERENCE_FAILED',
        'ONNX Runtime failed to run the model',
        { model: this.path, batch },
        { cause: err },
      );
    }
    const data = output?.data;
    if (!(data instanceof Float32Array) || data.length !== batch) {
      throw new ModelError(
        'MODEL_CONTRACT_MISMATCH',
        `the model returned ${data instanceof Float32Array ? data.length : 'no float32'} values for ${batch} windows; the contract is prob_up float32 [batch, 1]`,
        { model: this.path, dims: output?.dims },
      );
    }
    const out = new Float64Array(batch);
    for (let i = 0; i < batch; i++) {
      const p = data[i] as number;
      if (!(p >= 0 && p <= 1)) {
        throw new ModelError('MODEL_INFERENCE_FAILED', 'the model returned a probability outside [0, 1]', {
          model: this.path,
          index: i,
          value: p,
        });
      }
      out[i] = p;
    }
    return out;
  }

  /** Runs `task` after every previously queued task: the reused buffers have one writer at a time. */
  async #exclusive<T>(task: () => Promise<T>): Promise<T> {
    const previous = this.#queue;
    let release: () => void = () => undefined;
    this.#queue = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    try {
      return await task();
    } finally {
      release();
    }
  }
}

/** Checks names, dtypes and shapes against the contract; returns N. Lists every problem found. */
function validateContract(session: OnnxSession, path: string, maxWindow: number): number {
  const problems: string[] = [];
  const inputs = session.inputMetadata;
  const input = inputs.find((m) => m.name === MODEL_CONTRACT.inputName);
  let windowLength = 0;
  if (inputs.length !== 1) {
    problems.push(
      `expected exactly one input named "${MODEL_CONTRACT.inputName}", found ${inputs.length}: ${session.inputNames.join(', ')}`,
    );
  }
  if (input === undefined) {
    problems.push(
      `missing input "${MODEL_CONTRACT.inputName}" (found: ${session.inputNames.join(', ') || 'none'})`,
    );
  } else if (!input.isTensor) {
    problems.push(`input "${input.name}" is not a tensor`);
  } else {
    if (input.type !== 'float32')
      problems.push(`input "${input.name}" has type ${input.type}, expected float32`);
    const shape = input.shape;
    if (shape.length !== 2) {
      problems.push(`input "${input.name}" has shape [${shape.join(', ')}], expected [batch, N]`);
    } else {
      if (typeof shape[0] !== 'string') {
        problems.push(
          `input "${input.name}" has a fixed batch dimension ${shape[0]}, expected a symbolic one`,
        );
      }
      const n = shape[1];
      if (typeof n !== 'number' || n < MODEL_CONTRACT.minWindow || n > maxWindow) {
        problems.push(
          `input "${input.name}" window dimension is ${String(n)}, expected a fixed integer in [${MODEL_CONTRACT.minWindow}, ${maxWindow}]`,
        );
      } else {
        windowLength = n;
      }
    }
  }
  const output = session.outputMetadata.find((m) => m.name === MODEL_CONTRACT.outputName);
  if (output === undefined) {
    problems.push(
      `missing output "${MODEL_CONTRACT.outputName}" (found: ${session.outputNames.join(', ') || 'none'})`,
    );
  } else if (!output.isTensor) {
    problems.push(`output "${output.name}" is not a tensor`);
  } else {
    if (output.type !== 'float32')
      problems.push(`output "${output.name}" has type ${output.type}, expected float32`);
    const shape = output.shape;
    if (shape.length !== 2 || shape[1] !== 1) {
      problems.push(`output "${output.name}" has shape [${shape.join(', ')}], expected [batch, 1]`);
    }
  }
  if (problems.length > 0) {
    throw new ModelError(
      'MODEL_CONTRACT_MISMATCH',
      'the ONNX model does not follow docs/model-contract.md; re-export it to the contract',
      { file: path },
      { details: problems },
    );
  }
  return windowLength;
}
