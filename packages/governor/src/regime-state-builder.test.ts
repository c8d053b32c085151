import { describe, expect, it } from 'vitest';
import {
  meanReversionScore,
  parseRegimeKey,
  REGIME_KEYS,
  RegimeStateBuilder,
} from './regime-state-builder.js';

const probs = (trending: number, meanReverting: number, volatile: number) => ({
  trending,
  meanReverting,
  volatile,
});

describe('RegimeStateBuilder', () => {
  const builder = new RegimeStateBuilder();

  it('builds the typed state and its stable key from plain numbers', () => {
    const state = builder.build({ volScore: 0.8, trendStrength: 0.4, probabilities: probs(0.2, 0.3, 0.5) });
    expect(state).toEqual({
      volScore: 0.8,
      trendStrength: 0.4,
      meanReversionScore: 0.6,
      probabilities: probs(0.2, 0.3, 0.5),
      volBucket: 'high',
      trendBucket: 'weak',
      dominantRegime: 'volatile',
      regimeKey: 'vol-high|trend-weak|volatile',
    });
  });

  it('puts a value equal to an edge into the upper bucket', () => {
    const at = (volScore: number, trendStrength: number) =>
      builder.build({ volScore, trendStrength, probabilities: probs(1, 0, 0) });
    expect(at(1 / 3, 1).regimeKey).toBe('vol-mid|trend-moderate|trending');
    expect(at(2 / 3, 2.5).regimeKey).toBe('vol-high|trend-strong|trending');
    expect(at(0, 0).regimeKey).toBe('vol-low|trend-weak|trending');
  });

  it('breaks ties between regime probabilities in the order trending, meanReverting, volatile', () => {
    const key = (p: ReturnType<typeof probs>) =>
      builder.build({ volScore: 0, trendStrength: 0, probabilities: p }).dominantRegime;
    expect(key(probs(0.4, 0.4, 0.2))).toBe('trending');
    expect(key(probs(0.2, 0.4, 0.4))).toBe('meanReverting');
    expect(key(probs(1 / 3, 1 / 3, 1 / 3))).toBe('trending');
    expect(key(probs(0.1, 0.2, 0.7))).toBe('volatile');
  });

  it('uses custom edges for a raw volatility score', () => {
    const raw = new RegimeStateBuilder({ volEdges: [0.0005, 0.002], trendEdges: [0.5, 2] });
    expect(
      raw.build({ volScore: 0.001, trendStrength: 2.1, probabilities: probs(0.6, 0.2, 0.2) }).regimeKey,
    ).toBe('vol-mid|trend-strong|trending');
  });

  it('rejects probabilities that do not sum to 1', () => {
    expect(() =>
      builder.build({ volScore: 0.5, trendStrength: 1, probabilities: probs(0.5, 0.5, 0.5) }),
    ).toThrow(
      expect.objectContaining({
        code: 'GOVERNOR_BAD_INPUT',
        context: expect.objectContaining({ field: 'probabilities' }),
      }),
    );
  });

  it('rejects a NaN score with the field named', () => {
    expect(() =>
      builder.build({ volScore: Number.NaN, trendStrength: 1, probabilities: probs(1, 0, 0) }),
    ).toThrow(
      expect.objectContaining({
        code: 'GOVERNOR_BAD_INPUT',
        context: expect.objectContaining({ field: 'volScore' }),
      }),
    );
    expect(() => builder.build({ volScore: 0.2, trendStrength: -1, probabilities: probs(1, 0, 0) })).toThrow(
      /trendStrength/,
    );
  });

  it('rejects edges that do not increase', () => {
    expect(() => new RegimeStateBuilder({ volEdges: [0.5, 0.5] })).toThrow(
      expect.objectContaining({ code: 'GOVERNOR_BAD_OPTION' }),
    );
  });
});

describe('regime keys', () => {
  it('form a state space of 27 distinct keys that parse back to their buckets', () => {
    expect(REGIME_KEYS).toHaveLength(27);
    expect(new Set(REGIME_KEYS).size).toBe(27);
    expect(parseRegimeKey('vol-low|trend-strong|meanReverting')).toEqual({
      volBucket: 'low',
      trendBucket: 'strong',
      dominantRegime: 'meanReverting',
    });
    expect(parseRegimeKey('vol-huge|trend-strong|trending')).toBeUndefined();
  });

  it('are what the builder produces for every bucket combination', () => {
    const builder = new RegimeStateBuilder();
    const seen = new Set<string>();
    for (const v of [0.1, 0.5, 0.9])
      for (const t of [0.5, 1.5, 3])
        for (const p of [probs(0.8, 0.1, 0.1), probs(0.1, 0.8, 0.1), probs(0.1, 0.1, 0.8)])
          seen.add(builder.build({ volScore: v, trendStrength: t, probabilities: p }).regimeKey);
    expect([...seen].sort()).toEqual([...REGIME_KEYS].sort());
  });
});

describe('meanReversionScore', () => {
  it('is 1 − trend strength clamped to [0, 1]', () => {
    expect(meanReversionScore(0)).toBe(1);
    expect(meanReversionScore(0.25)).toBe(0.75);
    expect(meanReversionScore(1)).toBe(0);
    expect(meanReversionScore(3.46)).toBe(0);
  });
});

describe('RegimeStateBuilder.dominantRegime', () => {
  const builder = new RegimeStateBuilder();

  it('is the dominant regime of build, ties included', () => {
    const inputs = [
      { trending: 0.2, meanReverting: 0.5, volatile: 0.3 },
      { trending: 0.4, meanReverting: 0.4, volatile: 0.2 },
      { trending: 0.1, meanReverting: 0.45, volatile: 0.45 },
      { trending: 0.25, meanReverting: 0.25, volatile: 0.5 },
    ].map((probabilities) => ({ volScore: 0.4, trendStrength: 1.5, probabilities }));
    expect(inputs.map((i) => builder.dominantRegime(i))).toEqual([
      'meanReverting',
      'trending',
      'meanReverting',
      'volatile',
    ]);
    expect(inputs.map((i) => builder.dominantRegime(i))).toEqual(
      inputs.map((i) => builder.build(i).dominantRegime),
    );
  });

  it('refuses what build refuses, with the same error', () => {
    const bad = [
      {
        volScore: Number.NaN,
        trendStrength: 1,
        probabilities: { trending: 1, meanReverting: 0, volatile: 0 },
      },
      { volScore: 0.5, trendStrength: -1, probabilities: { trending: 1, meanReverting: 0, volatile: 0 } },
      {
        volScore: 0.5,
        trendStrength: 1,
        probabilities: { trending: 0.5, meanReverting: 0.2, volatile: 0.2 },
      },
    ];
    const messages = (f: (i: (typeof bad)[number]) => unknown) =>
      bad.map((i) => {
        try {
          f(i);
          return 'no error';
        } catch (err) {
          return String(err);
        }
      });
    expect(messages((i) => builder.dominantRegime(i))).toEqual(messages((i) => builder.build(i)));
    expect(
      messages((i) => builder.build(i)).every((m) => m.includes('GovernorError') || m.includes('must')),
    ).toBe(true);
  });
});
