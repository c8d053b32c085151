import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { omni } from '../cli.fixture.js';

// `omni sweep` as registered in the program: its flags reach the command and its errors exit 2.
// (Whole sweeps: src/sweep/sweep.test.ts.)
describe('omni sweep (CLI)', () => {
  const root = mkdtempSync(join(tmpdir(), 'omni-sweep-cli-'));

  it('exits 2 on a grid naming an unknown field, writing nothing', async () => {
    const grid = join(root, 'grid.json');
    writeFileSync(
      grid,
      JSON.stringify({ parameters: { 'engines.governor.minConfidance': [0.5] }, search: 'grid' }),
    );
    const out = join(root, 'out');
    const run = await omni(['sweep', '--grid', grid, '--momentum-only', '--out', out]);
    expect(run.code).toBe(2);
    expect(run.err).toContain(
      `error: [SWEEP_BAD_GRID] ${grid}: parameters.engines.governor.minConfidance: engines.governor.minConfidance is not a configuration field`,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('exits 2 on a bad --walk-forward and a bad --select-by', async () => {
    const grid = join(root, 'ok.json');
    writeFileSync(grid, JSON.stringify({ parameters: { 'risk.maxLossStreak': [3] }, search: 'grid' }));
    const wf = await omni(['sweep', '--grid', grid, '--walk-forward', '180d', '--out', join(root, 'a')]);
    expect(wf.code).toBe(2);
    expect(wf.err).toContain('needs exactly one /');
    const by = await omni(['sweep', '--grid', grid, '--select-by', 'luck', '--out', join(root, 'b')]);
    expect(by.code).toBe(2);
    expect(by.err).toContain('--select-by must be one of pnl, sharpe, sortino, profitFactor, returnPct');
  });

  it('runs a one-run sweep and prints the summary as JSON', async () => {
    const grid = join(root, 'one.json');
    writeFileSync(grid, JSON.stringify({ parameters: { 'risk.maxLossStreak': [4] }, search: 'grid' }));
    const out = join(root, 'one-out');
    const run = await omni([
      'sweep',
      '--grid',
      grid,
      '--from',
      '2023-01-01',
      '--to',
      '2023-06-30',
      '--momentum-only',
      '--workers',
      '1',
      '--out',
      out,
      '--json',
    ]);
    expect(run.code, run.err).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({
      kind: 'sweep',
      runs: 1,
      parameterSets: 1,
      workers: 1,
      outDir: out,
    });
    expect(run.err).toContain('sweep: 1/1 runs (100%)');
    expect(existsSync(join(out, 'runs', '00000-EURUSD-full', 'summary.json'))).toBe(true);
  });
});
