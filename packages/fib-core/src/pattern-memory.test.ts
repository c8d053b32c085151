import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PatternMemory } from './pattern-memory.js';

const KEY = { pattern: 'gartley', direction: 'bullish', regime: 'trending', timeframe: '1d' } as const;

describe('PatternMemory', () => {
  it('counts wins, losses and mean R per key', () => {
    const m = new PatternMemory();
    m.store({ ...KEY, won: true, r: 2 });
    m.store({ ...KEY, won: true, r: 1 });
    m.store({ ...KEY, won: false, r: -1 });
    m.store({ ...KEY, regime: 'volatile', won: false, r: -1 });
    const s = m.stats(KEY);
    expect([s.wins, s.losses]).toEqual([2, 1]);
    expect(s.meanR).toBeCloseTo(2 / 3, 14);
    expect(m.stats({ ...KEY, regime: 'volatile' }).losses).toBe(1);
  });

  it('computes the Beta posterior mean (2 + 2 wins) / (2 + 2 + 3 trades) = 4/7', () => {
    const m = new PatternMemory({ alpha: 2, beta: 2 });
    m.store({ ...KEY, won: true, r: 1 });
    m.store({ ...KEY, won: true, r: 1 });
    m.store({ ...KEY, won: false, r: -1 });
    expect(m.stats(KEY).posteriorWinRate).toBeCloseTo(4 / 7, 14);
    expect(m.confidenceWeight(KEY)).toBeCloseTo(4 / 7 / 0.5, 14);
  });

  it('weights an unseen pattern by exactly 1', () => {
    expect(new PatternMemory().confidenceWeight(KEY)).toBe(1);
  });

  it('round-trips through an atomic save and load', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pattern-memory-'));
    const path = join(dir, 'memory.json');
    const m = new PatternMemory({ alpha: 1, beta: 3 });
    m.store({ ...KEY, won: true, r: 1.5 });
    m.save(path);
    const loaded = PatternMemory.load(path);
    expect(loaded.toJSON()).toEqual(m.toJSON());
    expect(JSON.parse(readFileSync(path, 'utf8')).version).toBe(1);
  });

  it('starts empty when the file does not exist', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pattern-memory-'));
    expect(PatternMemory.load(join(dir, 'none.json')).recall()).toEqual([]);
  });

  it('rejects a file from a newer version with STATE_NEWER_VERSION', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pattern-memory-'));
    const path = join(dir, 'memory.json');
    writeFileSync(path, JSON.stringify({ version: 2, prior: { alpha: 1, beta: 1 }, entries: [] }));
    expect(() => PatternMemory.load(path)).toThrow(expect.objectContaining({ code: 'STATE_NEWER_VERSION' }));
  });

  it('rejects an entry with negative wins with STATE_INVALID naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pattern-memory-'));
    const path = join(dir, 'memory.json');
    const bad = { ...KEY, wins: -1, losses: 0, sumR: 0 };
    writeFileSync(path, JSON.stringify({ version: 1, prior: { alpha: 1, beta: 1 }, entries: [bad] }));
    expect(() => PatternMemory.load(path)).toThrow(/entries\.0\.wins/);
  });

  it('rejects a prior whose sum overflows or whose mean underflows (found by the chaos fuzz)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pattern-memory-'));
    const path = join(dir, 'memory.json');
    for (const prior of [
      { alpha: 1e308, beta: 1e308 },
      { alpha: 5e-324, beta: 2 },
    ]) {
      writeFileSync(path, JSON.stringify({ version: 1, prior, entries: [] }));
      expect(() => PatternMemory.load(path)).toThrow(expect.objectContaining({ code: 'STATE_INVALID' }));
      expect(() => new PatternMemory(prior)).toThrow(
        expect.objectContaining({ code: 'ANALYSIS_BAD_OPTION' }),
      );
    }
    expect(new PatternMemory({ alpha: 1e-6, beta: 1e6 }).confidenceWeight(KEY)).toBe(1);
  });

  it('rejects sums of R whose totals would overflow to Infinity (found by the chaos fuzz)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pattern-memory-'));
    const path = join(dir, 'memory.json');
    const entries = [
      { ...KEY, wins: 1, losses: 0, sumR: 1.7e308 },
      { ...KEY, regime: 'volatile', wins: 1, losses: 0, sumR: 1.7e308 },
    ];
    writeFileSync(path, JSON.stringify({ version: 1, prior: { alpha: 1, beta: 1 }, entries }));
    expect(() => PatternMemory.load(path)).toThrow(/entries\.0\.sumR/);
    expect(() => new PatternMemory().store({ ...KEY, won: true, r: 1e300 })).toThrow(
      expect.objectContaining({ code: 'ANALYSIS_BAD_INPUT' }),
    );
  });

  it('totals a pattern and direction over every regime and timeframe as gartley:bullish', () => {
    const m = new PatternMemory();
    m.store({ ...KEY, won: true, r: 2 });
    m.store({ ...KEY, regime: 'volatile', timeframe: '1h', won: false, r: -1 });
    m.store({ ...KEY, direction: 'bearish', won: true, r: 1 });
    expect(m.patternStats(KEY)).toEqual({
      id: 'gartley:bullish',
      pattern: 'gartley',
      direction: 'bullish',
      wins: 1,
      losses: 1,
      meanR: 0.5,
      posteriorWinRate: 3 / 6,
    });
    expect(m.patterns().map((p) => [p.id, p.wins + p.losses])).toEqual([
      ['gartley:bullish', 2],
      ['gartley:bearish', 1],
    ]);
  });

  it('restores the pattern totals from a saved file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pattern-memory-'));
    const path = join(dir, 'memory.json');
    const m = new PatternMemory();
    for (let i = 0; i < 6; i++) m.store({ ...KEY, won: true, r: 1 });
    m.save(path);
    const loaded = PatternMemory.load(path);
    expect(loaded.patternStats(KEY)).toEqual(m.patternStats(KEY));
    expect(loaded.patternStats(KEY).posteriorWinRate).toBe(8 / 10);
  });

  it('recalls the most traded keys first', () => {
    const m = new PatternMemory();
    m.store({ ...KEY, pattern: 'bat', won: true, r: 1 });
    m.store({ ...KEY, won: true, r: 1 });
    m.store({ ...KEY, won: false, r: -1 });
    expect(m.recall().map((s) => s.pattern)).toEqual(['gartley', 'bat']);
  });
});
