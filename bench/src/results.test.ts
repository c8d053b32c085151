import { describe, expect, it } from 'vitest';
import { commitInfo, machineInfo } from './machine.js';
import type { WalkFile } from './random-walk.js';
import { buildResults, type CollectedRun, ticksLabel } from './results.js';
import { EngineSection } from './sections/engine.js';
import { FeaturesSection } from './sections/features.js';
import { InferenceSection } from './sections/inference.js';
import { LatencySection } from './sections/latency.js';
import { ParseSection } from './sections/parse.js';
import { WorkersSection } from './sections/workers.js';

const walk: WalkFile = { path: '/data/w.csv', ticks: 1_000, seed: 1, bytes: 33_000, reused: true };

/** A run whose sections never ran (constructing a section reads nothing). */
function emptyRun(overrides: Partial<CollectedRun> = {}): CollectedRun {
  const prices = () => new Float64Array(0);
  return {
    measuredAt: '2026-01-01T00:00:00.000Z',
    durationSec: 1,
    machine: machineInfo(),
    commit: commitInfo('/'),
    options: { runs: 5, ticks: 1_000, big: 10_000, latencyTicks: 500, quick: false, skip: ['big'] },
    data: { main: { file: 'w.csv', ticks: 1_000, seed: 1, bytes: 33_000 }, big: null },
    parse: new ParseSection(walk),
    momentum: new EngineSection('momentum', 'cli.js', walk, 'momentum'),
    onnx: new EngineSection('onnx', 'cli.js', walk, 'onnx'),
    features: new FeaturesSection(prices),
    inference: new InferenceSection(prices, 1, 1),
    workers: new WorkersSection('cli.js', '/data', 1_000),
    big: new EngineSection('big', 'cli.js', walk, 'momentum'),
    latency: new LatencySection(prices, 500),
    missing: new Map([['big', 'skipped (--skip big)']]),
    interrupted: null,
    ...overrides,
  };
}

describe('buildResults', () => {
  it('gives a skipped section its reason and counts it as no problem', () => {
    const r = buildResults(emptyRun());
    expect(r.sections.memory.peakRssBig).toMatchObject({
      status: 'not-available',
      reason: 'skipped (--skip big)',
    });
    expect(r.sections.momentum.ticksPerSec).toMatchObject({ status: 'not-available', reason: 'no runs' });
    expect(r.problems).toEqual([]);
  });

  it('lists a failed section and an interruption among the problems', () => {
    const r = buildResults(
      emptyRun({
        missing: new Map([['onnx', 'failed: omni backtest exited with 1']]),
        interrupted: 'interrupted by SIGTERM after 2 of 5 rounds',
      }),
    );
    expect(r.problems).toEqual([
      'interrupted by SIGTERM after 2 of 5 rounds: figures are over the runs completed',
      'onnx: failed: omni backtest exited with 1',
    ]);
  });

  it('writes the commands with placeholders for the temp paths', () => {
    const s = buildResults(emptyRun()).sections;
    expect(s.momentum.command).toBe('omni backtest --momentum-only --quiet --data FILE --out DIR');
    expect(s.onnx.command).toBe('omni backtest --quiet --data FILE --out DIR');
    expect(s.workers.command).toBe(
      'omni backtest --data DIR --symbols S1,S2 --workers 1 --momentum-only --quiet --out OUT   vs   --workers 2',
    );
  });
});

describe('ticksLabel', () => {
  it('says tick counts as people do', () => {
    expect([1_000_000, 10_000_000, 2_500_000, 3_000, 950].map(ticksLabel)).toEqual([
      '1M',
      '10M',
      '2.5M',
      '3k',
      '950',
    ]);
  });
});
