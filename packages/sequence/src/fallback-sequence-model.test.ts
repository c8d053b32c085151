import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Alert, ManualClock, Rng } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { defaultModelPath } from './default-model-path.js';
import { FallbackSequenceModel } from './fallback-sequence-model.js';
import { MomentumSequenceModel } from './momentum-sequence-model.js';
import { ONNXSequenceAdapter } from './onnx-sequence-adapter.js';

function randomWalk(seed: string, length: number): Float64Array {
  const rng = new Rng(seed);
  const out = new Float64Array(length);
  let p = 150;
  for (let i = 0; i < length; i++) out[i] = p *= Math.exp(rng.normal(0, 0.004));
  return out;
}

function truncatedModel(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'omni-fallback-')), 'broken.onnx');
  const bytes = readFileSync(defaultModelPath());
  writeFileSync(file, bytes.subarray(0, bytes.length - 200));
  return file;
}

describe('FallbackSequenceModel', () => {
  const clock = new ManualClock(1_700_000_000_000);
  const momentum = new MomentumSequenceModel();

  it('serves momentum and sends one MODEL_CORRUPT alert when the model file is truncated', async () => {
    const alerts: Alert[] = [];
    const model = await FallbackSequenceModel.create({
      modelPath: truncatedModel(),
      clock,
      alertSink: (a) => alerts.push(a),
    });
    expect(model.usingOnnx).toBe(false);
    expect(model.name).toBe('momentum');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      level: 'warn',
      code: 'MODEL_CORRUPT',
      source: 'FallbackSequenceModel',
      tsMs: clock.nowMs(),
    });
    const w = randomWalk('t', 40);
    expect(model.predictDirection(w)).toBe(momentum.predictDirection(w));
    expect(await model.predictDirectionAsync(w)).toBe(momentum.predictDirection(w));
  });

  it('sends a MODEL_NOT_FOUND alert for a path that does not exist', async () => {
    const alerts: Alert[] = [];
    await FallbackSequenceModel.create({
      modelPath: '/nonexistent/model.onnx',
      clock,
      alertSink: (a) => alerts.push(a),
    });
    expect(alerts.map((a) => a.code)).toEqual(['MODEL_NOT_FOUND']);
  });

  it('answers synchronously with the prepared ONNX prediction for the same window and momentum otherwise', async () => {
    const model = await FallbackSequenceModel.create({ modelPath: defaultModelPath(), clock });
    const w = randomWalk('prepared', 50);
    const reference = await ONNXSequenceAdapter.load(defaultModelPath());
    const expected = await reference.predictDirectionAsync(w);
    await reference.close();
    expect(await model.prepare(w)).toBe(expected);
    expect(model.predictDirection(w)).toBe(expected);
    const other = randomWalk('other', 50);
    expect(model.predictDirection(other)).toBe(momentum.predictDirection(other));
    expect(model.stats).toEqual({ onnxHits: 1, fallbackAnswers: 1, inferenceFailures: 0 });
    await model.close();
  });

  it('matches single predictions in the async batch, and answers short windows with momentum', async () => {
    const model = await FallbackSequenceModel.create({ modelPath: defaultModelPath(), clock, maxBatch: 2 });
    const windows = [randomWalk('x', 40), randomWalk('y', 10), randomWalk('z', 32), randomWalk('q', 33)];
    const batch = await model.predictDirectionBatchAsync(windows);
    for (let i = 0; i < windows.length; i++)
      expect(batch[i]).toBe(await model.predictDirectionAsync(windows[i]!));
    expect(batch[1]).toBe(momentum.predictDirection(windows[1]!));
    await model.close();
  });

  it('keeps the serving model and alerts when a hot swap gets a broken file', async () => {
    const alerts: Alert[] = [];
    const model = await FallbackSequenceModel.create({
      modelPath: defaultModelPath(),
      clock,
      alertSink: (a) => alerts.push(a),
    });
    const w = randomWalk('swap', 32);
    const before = await model.predictDirectionAsync(w);
    const result = await model.swapModel(truncatedModel());
    expect(result.ok).toBe(false);
    expect(model.usingOnnx).toBe(true);
    expect(await model.predictDirectionAsync(w)).toBe(before);
    expect(alerts.map((a) => a.code)).toEqual(['MODEL_CORRUPT']);
    await model.close();
  });

  it('swaps a fallback-serving engine to a valid model atomically', async () => {
    const model = await FallbackSequenceModel.create({ clock });
    expect(model.usingOnnx).toBe(false);
    const result = await model.swapModel(defaultModelPath());
    expect(result).toEqual({ ok: true, name: 'onnx:omni-seq-default.onnx', previous: 'momentum' });
    expect(model.windowLength).toBe(32);
    await model.close();
  });

  it('prefetch: answers each later window synchronously with the batch prediction of exactly its past prices', async () => {
    const model = await FallbackSequenceModel.create({ modelPath: defaultModelPath(), clock });
    const n = model.windowLength as number;
    const series = randomWalk('prefetch', 3000);
    const from = 100;
    await model.prefetch(series, from);
    // Decide on some ends only (a blocked tick is never prepared): the cursor skips the others.
    const ends = [from, from + 1, from + 7, 1500, 2999];
    const alone = await ONNXSequenceAdapter.load(defaultModelPath());
    for (const end of ends) {
      const window = series.slice(end - 63, end + 1); // the runtime's 64-price window ending at `end`
      const answer = model.prepare(window);
      expect(typeof answer).toBe('number'); // no inference to wait for
      expect(answer).toBe(await alone.predictDirectionAsync(window.subarray(window.length - n)));
      expect(model.predictDirection(window)).toBe(answer);
    }
    expect(model.prefetchedAnswers).toBe(ends.length);
    // A window that was not prefetched (a future the series did not hold) is inferred on its own.
    const other = randomWalk('other', 64);
    const later = model.prepare(other);
    expect(later).toBeInstanceOf(Promise);
    expect(await later).toBe(await alone.predictDirectionAsync(other.subarray(64 - n)));
    expect(model.prefetchedAnswers).toBe(ends.length);
    await alone.close();
    await model.close();
  });
});
