import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@omni/core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../cli-io.js';
import { runSweepCommand, type SweepFlags } from '../commands/sweep.js';
import type { SweepResults } from './results.js';
import type { SweepSummary } from './summary.js';
import { SweepError } from './sweep-error.js';

// Two parameter sets × a 1y/6mo walk-forward over two years of bundled EURUSD daily prices
// (2 folds: 8 short backtests, momentum model), once on 1 thread and once on 2 worker threads.
const root = mkdtempSync(join(tmpdir(), 'omni-sweep-'));
const grid = join(root, 'grid.json');
writeFileSync(
  grid,
  JSON.stringify({ parameters: { 'engines.governor.minConfidence': [0.5, 0.6] }, search: 'grid' }),
);
const flags = (out: string, workers: number): SweepFlags => ({
  grid,
  from: '2022-01-01',
  to: '2023-12-31',
  walkForward: '1y/6mo',
  momentumOnly: true,
  workers,
  out,
});
const config = loadConfig({ overrides: { mode: 'backtest' }, envFile: false, env: {} });
const errors: string[] = [];
const io: CliIo = { out: () => undefined, err: (t) => errors.push(t), isTty: false };

const read = (dir: string, file: string): string => readFileSync(join(dir, file), 'utf8');

describe('omni sweep', () => {
  const one = join(root, 'one');
  const two = join(root, 'two');
  let summaryOne: SweepSummary;

  // Called as `omni sweep` calls it (the command's registration: commands/sweep-program.test.ts).
  beforeAll(async () => {
    summaryOne = await runSweepCommand(config, flags(one, 1), io);
    await runSweepCommand(config, flags(two, 2), io);
  });

  it('gives byte-identical results.json, results.csv, sweep.html and run folders with 1 and 2 workers', () => {
    for (const file of ['results.json', 'results.csv', 'sweep.html'])
      expect(read(two, file)).toBe(read(one, file));
    const runs = readdirSync(join(one, 'runs'));
    expect(readdirSync(join(two, 'runs'))).toEqual(runs);
    for (const run of runs) {
      for (const file of ['summary.json', 'trades.jsonl', 'decisions.jsonl']) {
        expect(read(join(two, 'runs', run), file)).toBe(read(join(one, 'runs', run), file));
      }
    }
  });

  it('runs every set on every in-sample and out-of-sample window, in the fixed order', () => {
    const results = JSON.parse(read(one, 'results.json')) as SweepResults;
    expect(
      results.runs.map(
        (r) =>
          `${r.index} ${r.parameters['engines.governor.minConfidence']} ${r.window.role} ${r.window.fold}`,
      ),
    ).toEqual([
      '0 0.5 in-sample 0',
      '1 0.5 out-of-sample 0',
      '2 0.5 in-sample 1',
      '3 0.5 out-of-sample 1',
      '4 0.6 in-sample 0',
      '5 0.6 out-of-sample 0',
      '6 0.6 in-sample 1',
      '7 0.6 out-of-sample 1',
    ]);
    expect(results.runs.map((r) => [r.window.from, r.window.to]).slice(0, 4)).toEqual([
      ['2022-01-01T00:00:00.000Z', '2022-12-31T23:59:59.999Z'],
      ['2023-01-01T00:00:00.000Z', '2023-06-29T23:59:59.999Z'],
      ['2022-06-30T00:00:00.000Z', '2023-06-29T23:59:59.999Z'],
      ['2023-06-30T00:00:00.000Z', '2023-12-26T23:59:59.999Z'],
    ]);
    expect(results.runs.every((r) => existsSync(join(one, r.runDir, 'summary.json')))).toBe(true);
    // Every run traded, and each run folder's summary is that of an ordinary backtest with the run's seed.
    for (const r of results.runs) {
      expect(r.metrics.trades).toBeGreaterThan(0);
      const summary = JSON.parse(read(join(one, r.runDir), 'summary.json')) as {
        run: { seed: number; outDir: string };
        pnl: number;
        config: { engines: { governor: { minConfidence: number } } };
      };
      expect(summary.run.seed).toBe(r.seed);
      expect(summary.run.outDir).toBe(r.runDir);
      expect(summary.config.engines.governor.minConfidence).toBe(
        r.parameters['engines.governor.minConfidence'],
      );
      expect(Number(summary.pnl.toFixed(6))).toBe(r.metrics.pnl);
    }
  });

  it('heads with the out-of-sample runs of the sets chosen in sample, and sums them up', () => {
    const results = JSON.parse(read(one, 'results.json')) as SweepResults;
    const wf = results.walkForward;
    if (wf === null) throw new Error('no walk-forward result');
    for (const fold of wf.folds) {
      const inSample = results.runs.filter(
        (r) => r.window.role === 'in-sample' && r.window.fold === fold.fold,
      );
      const best = Math.max(...inSample.map((r) => r.metrics.pnl ?? Number.NEGATIVE_INFINITY));
      expect(fold.inSample.pnl).toBe(best);
      expect(results.runs[fold.outOfSample.index]?.window.role).toBe('out-of-sample');
      expect(results.runs[fold.outOfSample.index]?.set).toBe(fold.set);
    }
    const oosPnl = wf.folds.reduce((s, f) => s + (f.outOfSample.pnl ?? 0), 0);
    expect(wf.outOfSample.pnl).toBe(Number(oosPnl.toFixed(6)));
    expect(summaryOne).toMatchObject({ kind: 'sweep', runs: 8, parameterSets: 2, workers: 1, outDir: one });
    expect(summaryOne.walkForward?.outOfSample).toEqual(wf.outOfSample);
  });

  it('writes a self-contained sweep.html', () => {
    const html = read(one, 'sweep.html');
    expect(html).not.toMatch(/http|<script|src=|href=/i);
    expect(html).toContain('Out-of-sample equity of the chosen parameters');
  });

  it('refuses a bad grid before writing anything, naming the file and path', async () => {
    const bad = join(root, 'bad.json');
    writeFileSync(bad, JSON.stringify({ parameters: { 'risk.maxLosStreak': [3] }, search: 'grid' }));
    const out = join(root, 'bad-out');
    const failed = runSweepCommand(config, { grid: bad, momentumOnly: true, out }, io);
    await expect(failed).rejects.toBeInstanceOf(SweepError);
    await expect(failed).rejects.toThrow(
      `${bad}: parameters.risk.maxLosStreak: risk.maxLosStreak is not a configuration field`,
    );
    expect(existsSync(out)).toBe(false);
  });
});
