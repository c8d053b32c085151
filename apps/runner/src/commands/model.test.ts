import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportSequenceMlpOnnx, type ModelVersion, modelMetricsPath } from '@omni/learning';
import { defaultModelPath } from '@omni/sequence';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { omni } from '../cli.fixture.js';
import type { ModelListing } from './model.js';

// A short training window (1972–1973) keeps the trained candidate fast to make; the holdout that
// scores candidates is every bundled pair from 2015 (about 15 000 windows), the same for both models.
const UNTIL = '1973-12-31';
const TINY = `seq-${UNTIL}.onnx`;

let work: string;
let trained: string;
let coinFlip: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'omni-model-'));
  trained = join(work, 'trained', TINY);
  const run = await omni(['train', '--until', UNTIL, '--out', trained]);
  expect(run.code).toBe(0);
  // A logistic model with every weight 0 says probUp = σ(0) = 0.5 for every window: its log loss
  // is ln 2 and its Brier score 0.25 on any holdout, whatever the labels.
  coinFlip = join(work, 'coin-flip.onnx');
  writeFileSync(
    coinFlip,
    exportSequenceMlpOnnx({ windowLength: 32, hidden: 0, params: new Float64Array(33) }, { horizon: 5 }),
  );
}, 60_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** A fresh models folder holding the given model files (and their metrics JSON, when they have one). */
function modelsDir(name: string, files: readonly string[]): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  for (const file of files) {
    const base = file.slice(file.lastIndexOf('/') + 1);
    copyFileSync(file, join(dir, base));
    if (existsSync(modelMetricsPath(file)))
      copyFileSync(modelMetricsPath(file), modelMetricsPath(join(dir, base)));
  }
  return dir;
}

async function list(dir: string): Promise<ModelListing> {
  const run = await omni(['model', 'list', '--dir', dir, '--json']);
  expect(run.code).toBe(0);
  return JSON.parse(run.out) as ModelListing;
}

function bytesOf(path: string): Buffer {
  return readFileSync(path);
}

describe('omni model list', () => {
  it('lists a model omni train wrote as a candidate, with the training metrics written beside it', async () => {
    const dir = modelsDir('list', [trained]);
    const metrics = JSON.parse(readFileSync(modelMetricsPath(trained), 'utf8'));
    const listing = await list(dir);
    expect(listing.versions).toEqual([]);
    expect(listing.serving).toEqual({
      path: join(dir, 'serving.onnx'),
      exists: false,
      version: null,
      matchesRegistry: null,
    });
    expect(listing.candidates).toEqual([
      expect.objectContaining({
        name: TINY,
        path: join(dir, TINY),
        trainedThrough: UNTIL,
        trainingLogLoss: metrics.outOfSample.model.logLoss,
      }),
    ]);
    const text = await omni(['model', 'list', '--dir', dir]);
    expect(text.out).toContain(`${TINY}       ${UNTIL}`);
  });
});

describe('omni model promote', () => {
  it('refuses a candidate whose holdout log loss does not beat the bundled baseline, and records it as rejected', async () => {
    const dir = modelsDir('refused', [trained]);
    const run = await omni(['model', 'promote', TINY, '--dir', dir]);
    expect(run.code).toBe(1);
    expect(run.err).toContain('[MODEL_PROMOTION_REFUSED]');
    const { versions, serving, candidates } = await list(dir);
    expect(versions.map((v) => [v.version, v.source, v.status])).toEqual([
      [1, 'bundled', 'serving'],
      [2, TINY, 'rejected'],
    ]);
    const [bundled, candidate] = versions as [ModelVersion, ModelVersion];
    // The rule: promoted only with a strictly lower log loss on the same holdout (same n).
    expect(candidate.metrics.n).toBe(bundled.metrics.n);
    expect(candidate.servingMetrics?.logLoss).toBe(bundled.metrics.logLoss);
    expect(candidate.metrics.logLoss).toBeGreaterThanOrEqual(bundled.metrics.logLoss);
    expect(serving).toMatchObject({ exists: true, version: 1, matchesRegistry: true });
    expect(bytesOf(join(dir, 'serving.onnx')).equals(bytesOf(defaultModelPath()))).toBe(true);
    expect(candidates).toEqual([]);
  });

  it('promotes a coin-flip model, whose holdout log loss is exactly ln 2, over the bundled model', async () => {
    const dir = modelsDir('promoted', [coinFlip]);
    const run = await omni(['model', 'promote', join(dir, 'coin-flip.onnx'), '--dir', dir]);
    expect(run.code).toBe(0);
    expect(run.out).toContain('registered the bundled model as the baseline: version 1');
    expect(run.out).toContain(`promoted version 2 (coin-flip.onnx, holdout log loss ${Math.LN2.toFixed(5)})`);
    const { versions, serving } = await list(dir);
    const [bundled, flip] = versions as [ModelVersion, ModelVersion];
    expect(flip.metrics.logLoss).toBeCloseTo(Math.LN2, 12);
    expect(flip.metrics.brier).toBeCloseTo(0.25, 12);
    expect(flip.servingMetrics?.logLoss).toBe(bundled.metrics.logLoss);
    expect(bundled.metrics.logLoss).toBeGreaterThan(Math.LN2);
    expect([bundled.status, flip.status]).toEqual(['retired', 'serving']);
    expect(serving).toMatchObject({ version: 2, matchesRegistry: true });
    expect(bytesOf(join(dir, 'serving.onnx')).equals(bytesOf(coinFlip))).toBe(true);
  });

  it('refuses, with --min-improvement, a candidate that is better but not by that much', async () => {
    const dir = modelsDir('margin', [coinFlip]);
    const run = await omni(['model', 'promote', 'coin-flip.onnx', '--dir', dir, '--min-improvement', '0.5']);
    expect(run.code).toBe(1);
    expect(run.err).toContain('[MODEL_PROMOTION_REFUSED]');
    expect((await list(dir)).versions.map((v) => v.status)).toEqual(['serving', 'rejected']);
  });

  it('names a missing candidate with MODEL_NOT_FOUND and writes nothing', async () => {
    const dir = modelsDir('missing', []);
    const run = await omni(['model', 'promote', 'no-such-model.onnx', '--dir', dir]);
    expect(run.code).toBe(1);
    expect(run.err).toContain('[MODEL_NOT_FOUND]');
    expect(run.err).toContain('candidate="no-such-model.onnx"');
    expect(existsSync(join(dir, 'registry'))).toBe(false);
  });

  it('refuses a candidate trained on data inside the holdout', async () => {
    const dir = modelsDir('in-sample', [trained]);
    const run = await omni(['model', 'promote', TINY, '--dir', dir, '--holdout-from', '1973-06-01']);
    expect(run.code).toBe(2);
    expect(run.err).toContain(`trained on data up to ${UNTIL}, inside the holdout that starts 1973-06-01`);
    expect(existsSync(join(dir, 'registry'))).toBe(false);
  });

  it('refuses to use the bundled model file as the serving file', async () => {
    const run = await omni(['model', 'promote', coinFlip, '--dir', work, '--serving', defaultModelPath()]);
    expect(run.code).toBe(2);
    expect(run.err).toContain('--serving names the bundled model');
  });
});

describe('omni model promote --json and rollback --json', () => {
  it('print the promoted version and the restored version as JSON objects', async () => {
    const dir = modelsDir('json', [coinFlip]);
    const promoted = await omni(['model', 'promote', 'coin-flip.onnx', '--dir', dir, '--json']);
    expect(promoted.code).toBe(0);
    const p = JSON.parse(promoted.out);
    expect(p.servingPath).toBe(join(dir, 'serving.onnx'));
    expect(p.version).toMatchObject({ version: 2, status: 'serving' });
    expect(p.version.metrics.logLoss).toBeCloseTo(Math.LN2, 12);
    expect(p.baseline).toMatchObject({ version: 1, source: 'bundled' });
    const back = await omni(['model', 'rollback', '--dir', dir, '--json']);
    expect(back.code).toBe(0);
    const b = JSON.parse(back.out);
    expect(b.servingPath).toBe(join(dir, 'serving.onnx'));
    expect(b.restored).toMatchObject({ version: 1, source: 'bundled' });
  });
});

describe('omni model rollback', () => {
  it('serves the previous version again, then refuses when there is none before it', async () => {
    const dir = modelsDir('rollback', [coinFlip]);
    expect((await omni(['model', 'promote', 'coin-flip.onnx', '--dir', dir])).code).toBe(0);
    const back = await omni(['model', 'rollback', '--dir', dir]);
    expect(back.code).toBe(0);
    expect(back.out).toContain('rolled back: version 1 (bundled');
    expect(bytesOf(join(dir, 'serving.onnx')).equals(bytesOf(defaultModelPath()))).toBe(true);
    const { versions, serving } = await list(dir);
    expect(versions.map((v) => v.status)).toEqual(['serving', 'retired']);
    expect(serving).toMatchObject({ version: 1, matchesRegistry: true });
    const again = await omni(['model', 'rollback', '--dir', dir]);
    expect(again.code).toBe(1);
    expect(again.err).toContain('[STATE_INVALID] no earlier serving model to roll back to');
  });
});
