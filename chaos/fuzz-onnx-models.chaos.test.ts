/**
 * Fuzz of the ONNX model files: the bundled default model truncated and bit-flipped, loaded by the
 * sequence package's `ONNXSequenceAdapter` and through `FallbackSequenceModel.create`. Property:
 * loading gives a typed ModelError (or a model that still answers on contract); the fallback serves
 * then with an alert carrying the error's code, and its answers are exactly the momentum model's
 * (the trading rules are unchanged); every answer is a probability in [0, 1], never NaN.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Alert, ManualClock } from '@omni/core';
import {
  defaultModelPath,
  FallbackSequenceModel,
  MomentumSequenceModel,
  ONNXSequenceAdapter,
} from '@omni/sequence';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { BoundaryTally, damagedBytes, prototypeLeaks, seededSample, typedOrAsync } from './fuzz-support.js';

const MODEL_RUNS = 250;
/** Plus arbitrary bytes (empty included): not an ONNX file at all. */
const RANDOM_RUNS = 30;

const tally = new BoundaryTally('onnx-models');
const dir = mkdtempSync(join(tmpdir(), 'omni-fuzz-onnx-'));
afterAll(() => {
  expect(prototypeLeaks()).toEqual([]);
  rmSync(dir, { recursive: true, force: true });
  console.log(tally.line());
});

/** Three price windows (rising, falling, flat) of 256 prices: longer than any contract window. */
const windows = [1, -1, 0].map((slope) =>
  Float64Array.from({ length: 256 }, (_, i) => 1.1 + slope * i * 1e-4 + Math.sin(i / 7) * 1e-4),
);

const isProbability = (p: number): boolean => Number.isFinite(p) && p >= 0 && p <= 1;

describe('fuzz: ONNX model files', () => {
  const valid = readFileSync(defaultModelPath());

  it(`loads ${MODEL_RUNS} truncated or bit-flipped models and ${RANDOM_RUNS + 1} byte strings as a ModelError or an on-contract model`, async () => {
    const momentum = new MomentumSequenceModel();
    const files = [
      ...seededSample(damagedBytes(valid), MODEL_RUNS),
      new Uint8Array(0),
      ...seededSample(fc.uint8Array({ maxLength: 2048 }), RANDOM_RUNS),
    ];
    for (let i = 0; i < files.length; i++) {
      const path = join(dir, `m${i}.onnx`);
      writeFileSync(path, files[i] as Uint8Array);
      const loaded = await typedOrAsync(() => ONNXSequenceAdapter.load(path));
      if (loaded.ok) {
        for (const w of windows) {
          const p = await typedOrAsync(() => loaded.value.predictDirectionAsync(w));
          if (p.ok) expect(isProbability(p.value)).toBe(true);
          else expect(p.code).toMatch(/^MODEL_/);
        }
        await loaded.value.close();
      } else expect(loaded.code).toMatch(/^MODEL_/);

      const alerts: Alert[] = [];
      const model = await FallbackSequenceModel.create({
        modelPath: path,
        clock: new ManualClock(1_700_000_000_000),
        alertSink: (a) => alerts.push(a),
      });
      if (!model.usingOnnx) {
        expect(alerts.map((a) => a.code)).toEqual([expect.stringMatching(/^MODEL_/)]);
        for (const w of windows) expect(model.predictDirection(w)).toBe(momentum.predictDirection(w));
      }
      for (const w of windows) {
        const prepared = await model.prepare(w);
        expect(isProbability(prepared)).toBe(true);
        expect(isProbability(model.predictDirection(w))).toBe(true);
      }
      await model.close();
      tally.record(loaded.ok ? 'accepted' : 'typed-error');
    }
  });
});
