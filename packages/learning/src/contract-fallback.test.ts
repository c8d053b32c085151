import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Alert, ManualClock, Rng } from '@omni/core';
import {
  defaultModelPath,
  FallbackSequenceModel,
  MomentumSequenceModel,
  ONNXSequenceAdapter,
} from '@omni/sequence';
import { describe, expect, it } from 'vitest';
import { exportLstmSequenceOnnx, randomLstmSequenceWeights } from './lstm-sequence-model.js';
import { encodeSequenceGraph } from './onnx-graph.js';
import { initSequenceMlp } from './sequence-mlp.js';
import { exportSequenceMlpOnnx } from './sequence-mlp-onnx.js';

const dir = mkdtempSync(join(tmpdir(), 'omni-contract-'));
const clock = new ManualClock(0);
const window = Float64Array.from({ length: 40 }, (_, i) => 1.2 + 0.01 * Math.sin(i / 3) + 0.001 * i);

async function engineFor(
  bytes: Uint8Array,
  name: string,
): Promise<{ model: FallbackSequenceModel; alerts: Alert[] }> {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  const alerts: Alert[] = [];
  const model = await FallbackSequenceModel.create({
    modelPath: file,
    clock,
    alertSink: (a) => alerts.push(a),
  });
  return { model, alerts };
}

describe('model contract at load', () => {
  it('serves an LSTM built to the same contract', async () => {
    const { model, alerts } = await engineFor(
      exportLstmSequenceOnnx(randomLstmSequenceWeights(16, 4, new Rng('lstm'))),
      'lstm.onnx',
    );
    expect(alerts).toEqual([]);
    expect(model.usingOnnx).toBe(true);
    const p = await model.prepare(window);
    expect(model.predictDirection(window)).toBe(p);
    await model.close();
  });

  it('falls back to momentum with a MODEL_CONTRACT_MISMATCH alert for a model with a fixed batch of 1', async () => {
    const mlp = initSequenceMlp(16, 0, new Rng('wrong-shape'));
    const bytes = encodeSequenceGraph({
      graphName: 'wrong_shape',
      windowLength: 16,
      inputShape: [1, 16],
      nodes: [
        { op: 'Gemm', inputs: ['window', 'w', 'b'], outputs: ['logit'] },
        { op: 'Sigmoid', inputs: ['logit'], outputs: ['prob_up'] },
      ],
      floats: [
        { name: 'w', dims: [16, 1], values: mlp.params.subarray(0, 16) },
        { name: 'b', dims: [1], values: mlp.params.subarray(16) },
      ],
    });
    const { model, alerts } = await engineFor(bytes, 'fixed-batch.onnx');
    expect(model.usingOnnx).toBe(false);
    expect(alerts.map((a) => a.code)).toEqual(['MODEL_CONTRACT_MISMATCH']);
    expect(model.predictDirection(window)).toBe(new MomentumSequenceModel().predictDirection(window));
  });

  it('falls back with a MODEL_CONTRACT_MISMATCH alert for a model whose input is named differently', async () => {
    const bytes = exportSequenceMlpOnnx(initSequenceMlp(8, 2, new Rng('renamed')), { horizon: 1 });
    const text = Buffer.from(bytes);
    // rename the graph input and every use of it: "window" -> "prices" (same length keeps the protobuf valid)
    const renamed = Buffer.from(text.toString('latin1').replaceAll('window', 'prices'), 'latin1');
    const { model, alerts } = await engineFor(renamed, 'renamed.onnx');
    expect(model.usingOnnx).toBe(false);
    expect(alerts[0]?.code).toBe('MODEL_CONTRACT_MISMATCH');
  });

  it('falls back with a MODEL_CORRUPT alert for a truncated file, never throwing', async () => {
    const bytes = readFileSync(defaultModelPath());
    const { model, alerts } = await engineFor(bytes.subarray(0, 300), 'truncated.onnx');
    expect(model.usingOnnx).toBe(false);
    expect(alerts.map((a) => a.code)).toEqual(['MODEL_CORRUPT']);
  });

  it('loads the bundled default model, which the trainer exported to the contract', async () => {
    const adapter = await ONNXSequenceAdapter.load(defaultModelPath());
    expect(adapter.windowLength).toBe(32);
    await adapter.close();
  });
});
