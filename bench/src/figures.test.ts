import { describe, expect, it } from 'vitest';
import { figureOf, measured, notAvailable, TARGETS } from './figures.js';
import { formatValue } from './report.js';

describe('figures', () => {
  it('holds the median, not the best run, against a target', () => {
    const f = measured('engine', 'ticks/s', [600_000, 400_000, 450_000], TARGETS.momentumTicksPerSec);
    expect(f).toMatchObject({
      status: 'measured',
      min: 400_000,
      median: 450_000,
      max: 600_000,
      verdict: 'missed',
    });
    const g = measured('growth', '%', [4, 6, 3], TARGETS.rssGrowthPct);
    expect(g).toMatchObject({ median: 4, verdict: 'pass' });
    expect(measured('p99', 'µs', [48, 61, 52], TARGETS.momentumP99Us)).toMatchObject({
      median: 52,
      verdict: 'missed',
    });
    expect(TARGETS.onnxP99Us).toMatchObject({ op: '<=', value: 200 });
  });

  it('has no verdict without a target, and none for a figure that was not measured', () => {
    expect(measured('parse', 'ticks/s', [1]).verdict).toBeNull();
    const n = notAvailable('speed-up', '×', 'no --workers flag', TARGETS.workerSpeedup);
    expect(n).toMatchObject({ status: 'not-available', reason: 'no --workers flag', verdict: null });
    expect(n.target?.value).toBe(1.7);
  });

  it('is not available with the given reason when a section produced no samples', () => {
    expect(figureOf('x', 's', [], 'skipped (--skip big)')).toMatchObject({
      status: 'not-available',
      reason: 'skipped (--skip big)',
    });
    expect(figureOf('x', 's', [2, 1], 'unused')).toMatchObject({ status: 'measured', median: 1.5 });
  });

  it('formats rates, multiples and sizes as the report shows them', () => {
    expect(formatValue(1_234_567, 'ticks/s')).toBe('1.23M');
    expect(formatValue(12_240, 'updates/s')).toBe('12.2k');
    expect(formatValue(812, 'windows/s')).toBe('812');
    expect(formatValue(3.456, '×')).toBe('3.46×');
    expect(formatValue(446.2, 'MB')).toBe('446 MB');
    expect(formatValue(4.25, '%')).toBe('4.3 %');
    expect(formatValue(82.04, 's')).toBe('82.0 s');
    expect(formatValue(435.4, 'B/tick')).toBe('435 B');
    expect(formatValue(12.345, 'µs')).toBe('12.3 µs');
    expect(formatValue(1_234.5, 'µs')).toBe('1235 µs');
  });
});
