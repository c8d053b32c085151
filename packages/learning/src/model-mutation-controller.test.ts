import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, Rng } from '@omni/core';
import { describe, expect, it } from 'vitest';
import type { ProbabilityScores } from './evaluation.js';
import { holdoutEvaluator } from './holdout-evaluator.js';
import { exportLstmSequenceOnnx, randomLstmSequenceWeights } from './lstm-sequence-model.js';
import { ModelMutationController } from './model-mutation-controller.js';
import { syntheticSeries } from './test-series.js';

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Three distinct valid models and an evaluator that scores each by a fixed log loss. */
function setup(logLossBySeed: Record<string, number>) {
  const dir = mkdtempSync(join(tmpdir(), 'omni-mutation-'));
  const files: Record<string, string> = {};
  const scores = new Map<string, ProbabilityScores>();
  for (const [seed, logLoss] of Object.entries(logLossBySeed)) {
    const file = join(dir, `${seed}.onnx`);
    writeFileSync(file, exportLstmSequenceOnnx(randomLstmSequenceWeights(8, 2, new Rng(seed))));
    files[seed] = file;
    scores.set(sha(file), { n: 100, accuracy: 0.5, logLoss, brier: 0.25 });
  }
  const controller = new ModelMutationController({
    dir: join(dir, 'registry'),
    servingPath: join(dir, 'serving.onnx'),
    clock: new ManualClock(7),
    evaluate: async (path) => scores.get(sha(path)) ?? { n: 0, accuracy: 0, logLoss: 9, brier: 1 },
  });
  return { dir, files, controller, servingPath: join(dir, 'serving.onnx') };
}

describe('ModelMutationController', () => {
  it('promotes a better candidate, rejects a worse one, and rolls back', async () => {
    const { files, controller, servingPath } = setup({ a: 0.7, b: 0.69, c: 0.71 });
    expect((await controller.consider(files.a!, 'test')).status).toBe('promoted');
    expect(sha(servingPath)).toBe(sha(files.a!));
    expect((await controller.consider(files.b!, 'test')).status).toBe('promoted');
    expect(sha(servingPath)).toBe(sha(files.b!));
    const worse = await controller.consider(files.c!, 'test');
    expect(worse.status).toBe('rejected');
    expect(sha(servingPath)).toBe(sha(files.b!));
    expect(controller.rollback().version).toBe(1);
    expect(sha(servingPath)).toBe(sha(files.a!));
    expect(controller.versions.map((v) => v.status)).toEqual(['serving', 'retired', 'rejected']);
  });

  it('reloads its registry from disk', async () => {
    const { files, controller, dir, servingPath } = setup({ a: 0.7 });
    await controller.consider(files.a!, 'test');
    const reopened = new ModelMutationController({
      dir: join(dir, 'registry'),
      servingPath,
      clock: new ManualClock(8),
      evaluate: async () => ({ n: 0, accuracy: 0, logLoss: 1, brier: 1 }),
    });
    expect(reopened.serving?.version).toBe(1);
  });

  it('refuses a candidate that is not a contract model as invalid', async () => {
    const { dir, controller } = setup({});
    const broken = join(dir, 'broken.onnx');
    writeFileSync(broken, 'not onnx');
    const outcome = await controller.consider(broken, 'test');
    expect(outcome.status).toBe('invalid');
    expect(controller.versions).toEqual([]);
  });
});

describe('holdoutEvaluator', () => {
  it('scores a model only on rows at or after the holdout start', async () => {
    const { files } = setup({ a: 0 });
    const series = [syntheticSeries('H', 200, 'holdout')];
    const from = series[0]!.tsMs[150]!;
    const scores = await holdoutEvaluator(series, { horizon: 2, fromTsMs: from })(files.a!);
    expect(scores.n).toBe(200 - 150 - 2);
    expect(scores.logLoss).toBeGreaterThan(0);
  });
});
