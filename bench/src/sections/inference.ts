import { defaultModelPath, ONNXSequenceAdapter } from '@omni/sequence';
import { BenchError } from '../errors.js';
import { rate, type Section } from './section.js';

/** Windows per ONNX run in the batched figure. */
export const BATCH = 1_024;

/**
 * Section (e): the bundled model through `ONNXSequenceAdapter` (normalisation and the async hop
 * included), one window at a time and 1,024 at a time; the windows are consecutive slices of the walk.
 */
export class InferenceSection implements Section {
  readonly id = 'inference' as const;
  readonly singleRates: number[] = [];
  readonly batchRates: number[] = [];
  #adapter: ONNXSequenceAdapter | undefined;
  #windows: Float64Array[] = [];
  #batch: Float64Array[] = [];

  constructor(
    readonly prices: () => Float64Array,
    readonly singles: number,
    readonly batches: number,
  ) {}

  /** The model file the figures are for. */
  get modelPath(): string {
    return defaultModelPath();
  }

  async prepare(): Promise<void> {
    const adapter = await ONNXSequenceAdapter.load(defaultModelPath());
    this.#adapter = adapter;
    const prices = this.prices();
    const n = adapter.windowLength;
    const count = Math.max(1, Math.min(prices.length - n + 1, 100_000));
    for (let i = 0; i < count; i++) this.#windows.push(prices.subarray(i, i + n));
    for (let i = 0; i < BATCH; i++) this.#batch.push(this.#windows[i % count] as Float64Array);
    for (let i = 0; i < 200; i++)
      await adapter.predictDirectionAsync(this.#windows[i % count] as Float64Array);
    await adapter.predictDirectionBatchAsync(this.#batch);
  }

  async runOnce(): Promise<string> {
    const adapter = this.#adapter as ONNXSequenceAdapter;
    const windows = this.#windows;
    let sink = 0;
    let start = performance.now();
    for (let i = 0; i < this.singles; i++) {
      sink += await adapter.predictDirectionAsync(windows[i % windows.length] as Float64Array);
    }
    const single = this.singles / ((performance.now() - start) / 1_000);
    start = performance.now();
    for (let i = 0; i < this.batches; i++)
      sink += (await adapter.predictDirectionBatchAsync(this.#batch))[0] ?? 0;
    const batched = (this.batches * BATCH) / ((performance.now() - start) / 1_000);
    if (!Number.isFinite(sink)) {
      throw new BenchError('BENCH_BAD_SAMPLE', 'the model returned a non-finite probability', {
        model: this.modelPath,
      });
    }
    this.singleRates.push(single);
    this.batchRates.push(batched);
    return `batch 1: ${rate(single)} windows/s, batch ${BATCH}: ${rate(batched)} windows/s`;
  }

  async close(): Promise<void> {
    await this.#adapter?.close();
  }
}
