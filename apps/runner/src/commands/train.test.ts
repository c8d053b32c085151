import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { defaultModelPath } from '@omni/sequence';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, omni } from '../cli.fixture.js';
import { resolveTrainOut } from './train.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
// A short training window (1972–1973, about 2 300 rows over the six pairs) keeps these tests fast.
const UNTIL = '1973-12-31';

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

let work: string;
let bundledBefore: string;
let cli: CliRun;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'omni-train-'));
  bundledBefore = sha256(defaultModelPath());
  cli = await omni(['train', '--until', UNTIL, '--out', join(work, 'cli', 'seq.onnx')]);
}, 60_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('omni train --json', () => {
  it('prints the model path and the out-of-sample report as one JSON object', async () => {
    const out = join(work, 'json', 'seq.onnx');
    const run = await omni(['train', '--until', UNTIL, '--out', out, '--json']);
    expect(run.code, run.err).toBe(0);
    const printed = JSON.parse(run.out);
    expect(printed).toMatchObject({ path: out, bundled: false });
    expect(printed.report.outOfSample.model.logLoss).toBeGreaterThan(0);
    expect(existsSync(out)).toBe(true);
  }, 60_000);
});

describe('omni train', () => {
  it('writes the model and its metrics where --out says, and leaves the bundled model alone', () => {
    expect(cli.code).toBe(0);
    const out = join(work, 'cli', 'seq.onnx');
    expect(cli.out).toContain(`wrote ${out}; use it with --model ${out}`);
    expect(existsSync(out)).toBe(true);
    expect(JSON.parse(readFileSync(join(work, 'cli', 'seq.metrics.json'), 'utf8')).data.symbols).toEqual([
      'AUDUSD',
      'EURUSD',
      'GBPUSD',
      'USDCAD',
      'USDCHF',
      'USDJPY',
    ]);
    expect(sha256(defaultModelPath())).toBe(bundledBefore);
  });

  it('gives the byte-identical model the learning package training script gives', async () => {
    const scriptOut = join(work, 'script');
    await promisify(execFile)(
      process.execPath,
      [
        '--conditions=omni-source',
        '--import',
        'tsx',
        'packages/learning/scripts/train.ts',
        '--until',
        UNTIL,
        '--out-dir',
        scriptOut,
      ],
      { cwd: repoRoot },
    );
    const fromScript = readFileSync(join(scriptOut, 'omni-seq-default.onnx'));
    expect(fromScript.length).toBeGreaterThan(1000);
    expect(fromScript.equals(readFileSync(join(work, 'cli', 'seq.onnx')))).toBe(true);
  }, 60_000);

  it('exits 2 when --out and --update-bundled name different files', async () => {
    const result = await omni(['train', '--update-bundled', '--out', join(work, 'other.onnx')]);
    expect(result.code).toBe(2);
    expect(result.err).toContain('--out and --update-bundled name two different files');
    expect(sha256(defaultModelPath())).toBe(bundledBefore);
  });
});

describe('resolveTrainOut', () => {
  it('defaults to omni-runs/models/seq-<until>.onnx under the working directory', () => {
    expect(resolveTrainOut({ until: '2014-12-31' })).toEqual({
      path: resolve('omni-runs', 'models', 'seq-2014-12-31.onnx'),
      bundled: false,
    });
  });

  it('names the bundled model only with --update-bundled or an --out pointing at it', () => {
    expect(resolveTrainOut({ updateBundled: true })).toEqual({ path: defaultModelPath(), bundled: true });
    expect(resolveTrainOut({ out: defaultModelPath() })).toEqual({ path: defaultModelPath(), bundled: true });
    expect(resolveTrainOut({ out: 'elsewhere.onnx' })).toEqual({
      path: resolve('elsewhere.onnx'),
      bundled: false,
    });
  });
});
