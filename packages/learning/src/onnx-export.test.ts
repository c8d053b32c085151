import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '@omni/core';
import { MODEL_CONTRACT, normaliseWindow, ONNXSequenceAdapter } from '@omni/sequence';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  exportLstmSequenceOnnx,
  lstmSequenceForward,
  randomLstmSequenceWeights,
} from './lstm-sequence-model.js';
import { initSequenceMlp, sequenceMlpForward } from './sequence-mlp.js';
import { exportSequenceMlpOnnx } from './sequence-mlp-onnx.js';

function randomWalk(rng: Rng, length: number): Float64Array {
  const prices = new Float64Array(length);
  let p = 1.2;
  for (let i = 0; i < length; i++) {
    p *= Math.exp(rng.normal(0, 0.005));
    prices[i] = p;
  }
  return prices;
}

async function runOnnx(
  bytes: Uint8Array,
  inputs: Float32Array,
  batch: number,
  n: number,
): Promise<Float32Array> {
  const session = await InferenceSession.create(bytes);
  const result = await session.run({ [MODEL_CONTRACT.inputName]: new Tensor('float32', inputs, [batch, n]) });
  await session.release();
  return result[MODEL_CONTRACT.outputName]?.data as Float32Array;
}

describe('ONNX export', () => {
  it('runs an exported MLP in onnxruntime-node within 1e-5 of the TypeScript forward pass', async () => {
    const rng = new Rng('mlp-export');
    const model = initSequenceMlp(16, 6, rng.fork('init'));
    for (let i = 0; i < model.params.length; i++) model.params[i] = Math.fround(model.params[i] as number);
    const batch = 64;
    const x = new Float32Array(batch * 16);
    for (let b = 0; b < batch; b++) normaliseWindow(randomWalk(rng.fork(`w${b}`), 20), 16, x, b * 16);
    const out = await runOnnx(exportSequenceMlpOnnx(model, { horizon: 5 }), x, batch, 16);
    for (let b = 0; b < batch; b++)
      expect(Math.abs((out[b] as number) - sequenceMlpForward(model, x, b * 16))).toBeLessThan(1e-5);
  });

  it('runs an exported LSTM in onnxruntime-node within 1e-5 of the TypeScript forward pass', async () => {
    const rng = new Rng('lstm-export');
    const weights = randomLstmSequenceWeights(12, 5, rng.fork('weights'));
    const batch = 8;
    const x = new Float32Array(batch * 12);
    for (let b = 0; b < batch; b++) normaliseWindow(randomWalk(rng.fork(`w${b}`), 12), 12, x, b * 12);
    const out = await runOnnx(exportLstmSequenceOnnx(weights), x, batch, 12);
    for (let b = 0; b < batch; b++)
      expect(Math.abs((out[b] as number) - lstmSequenceForward(weights, x, b * 12))).toBeLessThan(1e-5);
  });

  it('loads an LSTM built to the contract in ONNXSequenceAdapter', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omni-lstm-'));
    const file = join(dir, 'lstm.onnx');
    writeFileSync(file, exportLstmSequenceOnnx(randomLstmSequenceWeights(12, 5, new Rng('lstm-adapter'))));
    const adapter = await ONNXSequenceAdapter.load(file);
    expect(adapter.windowLength).toBe(12);
    const p = await adapter.predictDirectionAsync(randomWalk(new Rng('lstm-walk'), 30));
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1);
    await adapter.close();
  });
});
