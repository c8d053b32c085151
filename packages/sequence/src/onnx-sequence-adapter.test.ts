import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '@omni/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultModelPath } from './default-model-path.js';
import { ONNXSequenceAdapter } from './onnx-sequence-adapter.js';

function randomWalk(seed: string, length: number): Float64Array {
  const rng = new Rng(seed);
  const out = new Float64Array(length);
  let p = 1.3;
  for (let i = 0; i < length; i++) out[i] = p *= Math.exp(rng.normal(0, 0.006));
  return out;
}

describe('ONNXSequenceAdapter', () => {
  let adapter: ONNXSequenceAdapter;
  const dir = mkdtempSync(join(tmpdir(), 'omni-seq-'));

  beforeAll(async () => {
    adapter = await ONNXSequenceAdapter.load(defaultModelPath());
  });
  afterAll(async () => {
    await adapter.close();
  });

  it('loads the bundled default model and reads its window length from the model', () => {
    expect(adapter.windowLength).toBe(32);
    expect(adapter.name).toBe('onnx:omni-seq-default.onnx');
  });

  it('returns the same probability for a window in a batch as alone', async () => {
    const windows = [randomWalk('a', 40), randomWalk('b', 32), randomWalk('c', 100)];
    const batch = await adapter.predictDirectionBatchAsync(windows);
    for (let i = 0; i < windows.length; i++) {
      const single = await adapter.predictDirectionAsync(windows[i] as Float64Array);
      expect(single).toBeGreaterThan(0);
      expect(single).toBeLessThan(1);
      expect(batch[i]).toBe(single);
    }
  });

  it('keeps answers correct when calls overlap (reused input buffers are serialised)', async () => {
    const windows = Array.from({ length: 6 }, (_, i) => randomWalk(`overlap-${i}`, 32));
    const sequential: number[] = [];
    for (const w of windows) sequential.push(await adapter.predictDirectionAsync(w));
    const concurrent = await Promise.all(windows.map((w) => adapter.predictDirectionAsync(w)));
    expect(concurrent).toEqual(sequential);
  });

  it('raises MODEL_INFERENCE_FAILED for a window shorter than the model needs', async () => {
    await expect(adapter.predictDirectionAsync(randomWalk('short', 10))).rejects.toMatchObject({
      code: 'MODEL_INFERENCE_FAILED',
    });
  });

  it('raises MODEL_NOT_FOUND for a missing file', async () => {
    await expect(ONNXSequenceAdapter.load(join(dir, 'nope.onnx'))).rejects.toMatchObject({
      code: 'MODEL_NOT_FOUND',
    });
  });

  it('raises MODEL_CORRUPT for a truncated model file', async () => {
    const bytes = readFileSync(defaultModelPath());
    const file = join(dir, 'truncated.onnx');
    writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(ONNXSequenceAdapter.load(file)).rejects.toMatchObject({ code: 'MODEL_CORRUPT' });
  });

  it('raises MODEL_CONTRACT_MISMATCH when the model needs a longer window than the caller has', async () => {
    const file = join(dir, 'copy.onnx');
    copyFileSync(defaultModelPath(), file);
    await expect(ONNXSequenceAdapter.load(file, { maxWindow: 16 })).rejects.toMatchObject({
      code: 'MODEL_CONTRACT_MISMATCH',
    });
  });
});
