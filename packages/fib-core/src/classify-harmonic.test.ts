import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyHarmonic, projectHarmonicPrz, type XabcdPoints } from './classify-harmonic.js';

/**
 * Textbook bullish instances built by hand from the ratio table with X = 100, A = 200 (|XA| = 100):
 * B = A − b·100, C = B + c·|AB|, D = A − d·100 (or C − 0.786·|XC| for the Cypher).
 */
const GARTLEY: XabcdPoints = { X: 100, A: 200, B: 138.2, C: 138.2 + 0.618 * 61.8, D: 121.4 };
const BAT: XabcdPoints = { X: 100, A: 200, B: 150, C: 150 + 0.618 * 50, D: 111.4 };
const BUTTERFLY: XabcdPoints = { X: 100, A: 200, B: 121.4, C: 121.4 + 0.618 * 78.6, D: 72.8 };
const CRAB: XabcdPoints = { X: 100, A: 200, B: 138.2, C: 138.2 + 0.886 * 61.8, D: 38.2 };
const DEEP_CRAB: XabcdPoints = { X: 100, A: 200, B: 111.4, C: 111.4 + 0.618 * 88.6, D: 38.2 };
const SHARK: XabcdPoints = { X: 100, A: 200, B: 150, C: 150 + 1.13 * 50, D: 111.4 };
const CYPHER_C = 150 + 1.272 * 50; // 213.6
const CYPHER: XabcdPoints = { X: 100, A: 200, B: 150, C: CYPHER_C, D: CYPHER_C - 0.786 * (CYPHER_C - 100) };

/** The bearish mirror image (price → 400 − price). */
function mirror(p: XabcdPoints): XabcdPoints {
  return { X: 400 - p.X, A: 400 - p.A, B: 400 - p.B, C: 400 - p.C, D: 400 - p.D };
}

function find(points: XabcdPoints, pattern: string) {
  return classifyHarmonic(points).find((m) => m.pattern === pattern);
}

describe('classifyHarmonic on textbook patterns', () => {
  it('recognises a textbook bullish Gartley with score 1 and PRZ = 0.786·XA ± 5 %', () => {
    const m = find(GARTLEY, 'gartley');
    expect(m?.direction).toBe('bullish');
    expect(m?.score).toBeCloseTo(1, 12);
    // AD/XA in [0.786·0.95, 0.786·1.05] → D in [200 − 82.53, 200 − 74.67]; the BC band [111.50, 130.24] contains it.
    expect(m?.prz[0]).toBeCloseTo(117.47, 10);
    expect(m?.prz[1]).toBeCloseTo(125.33, 10);
  });

  it('recognises a textbook Bat with PRZ = 0.886·XA ± 5 %', () => {
    const m = find(BAT, 'bat');
    expect(m?.score).toBeCloseTo(1, 12);
    expect(m?.prz[0]).toBeCloseTo(200 - 88.6 * 1.05, 10);
    expect(m?.prz[1]).toBeCloseTo(200 - 88.6 * 0.95, 10);
  });

  it('recognises a textbook Butterfly with PRZ = 1.272·XA ± 5 %', () => {
    const m = find(BUTTERFLY, 'butterfly');
    expect(m?.score).toBeCloseTo(1, 12);
    expect(m?.prz[0]).toBeCloseTo(200 - 127.2 * 1.05, 10);
    expect(m?.prz[1]).toBeCloseTo(200 - 127.2 * 0.95, 10);
  });

  it('recognises a textbook Crab with PRZ = 1.618·XA ± 5 %', () => {
    const m = find(CRAB, 'crab');
    expect(m?.score).toBeCloseTo(1, 12);
    expect(m?.prz[0]).toBeCloseTo(200 - 161.8 * 1.05, 10);
    expect(m?.prz[1]).toBeCloseTo(200 - 161.8 * 0.95, 10);
  });

  it('recognises a textbook Deep Crab and not a plain Crab (B = 0.886 is outside the Crab B range)', () => {
    expect(find(DEEP_CRAB, 'deep-crab')?.score).toBeCloseTo(1, 12);
    expect(find(DEEP_CRAB, 'crab')).toBeUndefined();
  });

  it('recognises a textbook Shark with PRZ narrowed to the BC projection band', () => {
    const m = find(SHARK, 'shark');
    expect(m?.score).toBeCloseTo(1, 12);
    // AD/XA band: D in [200 − 118.65, 200 − 84.17] = [81.35, 115.83];
    // CD/BC band 1.618·0.95 … 2.24·1.05 of BC = 56.5: D in [206.5 − 132.888, 206.5 − 86.84535] = [73.612, 119.65465].
    expect(m?.prz[0]).toBeCloseTo(81.35, 10);
    expect(m?.prz[1]).toBeCloseTo(115.83, 10);
  });

  it('recognises a textbook Cypher with PRZ = 0.786·XC ± 5 %', () => {
    const m = find(CYPHER, 'cypher');
    expect(m?.score).toBeCloseTo(1, 12);
    const xc = CYPHER_C - 100;
    expect(m?.prz[0]).toBeCloseTo(CYPHER_C - 0.786 * 1.05 * xc, 10);
    expect(m?.prz[1]).toBeCloseTo(CYPHER_C - 0.786 * 0.95 * xc, 10);
  });

  it('recognises an AB=CD whose CD leg equals AB', () => {
    const m = classifyHarmonic({ X: 100, A: 200, B: 150, C: 180.9, D: 130.9 }).find(
      (x) => x.pattern === 'abcd',
    );
    expect(m?.score).toBeCloseTo(1, 12);
    expect(m?.prz[0]).toBeCloseTo(180.9 - 50 * 1.05, 10);
    expect(m?.prz[1]).toBeCloseTo(180.9 - 50 * 0.95, 10);
  });

  it('labels the mirrored Gartley bearish with the mirrored PRZ', () => {
    const m = find(mirror(GARTLEY), 'gartley');
    expect(m?.direction).toBe('bearish');
    expect(m?.prz[0]).toBeCloseTo(400 - 125.33, 10);
    expect(m?.prz[1]).toBeCloseTo(400 - 117.47, 10);
  });

  it('scores a pattern with D inside tolerance but off the ratio below 1', () => {
    const m = find({ ...GARTLEY, D: 200 - 0.786 * 1.025 * 100 }, 'gartley');
    expect(m?.score).toBeCloseTo(1 - (2 * 0.5) / 5, 10); // D fit 0.5 counted twice over 5 fits
  });
});

describe('classifyHarmonic near-misses', () => {
  it('rejects a Gartley whose B retraces just beyond 0.618·1.05 of XA', () => {
    const b = 0.618 * 1.05 * 1.01;
    const B = 200 - b * 100;
    expect(find({ X: 100, A: 200, B, C: B + 0.618 * (200 - B), D: 121.4 }, 'gartley')).toBeUndefined();
  });

  it('rejects a Gartley whose D retraces just beyond 0.786·1.05 of XA', () => {
    expect(find({ ...GARTLEY, D: 200 - 0.786 * 1.05 * 1.01 * 100 }, 'gartley')).toBeUndefined();
  });

  it('rejects a Bat whose D falls just short of 0.886·0.95 of XA', () => {
    expect(find({ ...BAT, D: 200 - 0.886 * 0.95 * 0.99 * 100 }, 'bat')).toBeUndefined();
  });

  it('rejects a Butterfly whose B retraces just less than 0.786·0.95 of XA', () => {
    const B = 200 - 0.786 * 0.95 * 0.99 * 100;
    expect(find({ X: 100, A: 200, B, C: B + 0.618 * (200 - B), D: 72.8 }, 'butterfly')).toBeUndefined();
  });

  it('rejects a Crab whose D extends just beyond 1.618·1.05 of XA', () => {
    expect(find({ ...CRAB, D: 200 - 1.618 * 1.05 * 1.01 * 100 }, 'crab')).toBeUndefined();
  });

  it('rejects a Cypher whose C extends just beyond 1.414·1.05 of AB', () => {
    // biome-ignore lint/suspicious/noApproximativeNumericConstant: 1.414 is the tabulated Cypher ratio, not √2
    const C = 150 + 1.414 * 1.05 * 1.01 * 50;
    expect(find({ X: 100, A: 200, B: 150, C, D: C - 0.786 * (C - 100) }, 'cypher')).toBeUndefined();
  });

  it('returns nothing when the legs do not alternate', () => {
    expect(classifyHarmonic({ X: 100, A: 200, B: 210, C: 220, D: 121.4 })).toEqual([]);
  });
});

describe('projectHarmonicPrz', () => {
  it('projects the Gartley PRZ from X, A, B, C before D prints', () => {
    const { D: _d, ...xabc } = GARTLEY;
    const proj = projectHarmonicPrz(xabc).find((p) => p.pattern === 'gartley');
    expect(proj?.prz[0]).toBeCloseTo(117.47, 10);
    expect(proj?.prz[1]).toBeCloseTo(125.33, 10);
  });
});

describe('classifyHarmonic invariance', () => {
  const textbook = [GARTLEY, BAT, BUTTERFLY, CRAB, DEEP_CRAB, SHARK, CYPHER];
  // Exact invariance holds for maps that keep every leg ratio bit-identical: power-of-two scales and
  // translations on a dyadic grid. General affine maps agree except for ratios within rounding of a boundary.
  it('finds the same patterns, scores and transformed PRZ after a power-of-two scale and a dyadic shift', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...textbook),
        fc.integer({ min: -6, max: 6 }),
        fc.integer({ min: 0, max: 1 << 20 }),
        fc.integer({ min: -40, max: 40 }),
        (pts, k, shiftUnits, jitter) => {
          const grid = (x: number) => Math.round(x * 1024) / 1024;
          const base: XabcdPoints = {
            X: grid(pts.X),
            A: grid(pts.A),
            B: grid(pts.B),
            C: grid(pts.C),
            D: grid(pts.D + jitter / 8),
          };
          const a = 2 ** k;
          const b = shiftUnits / 1024;
          const map = (x: number) => x * a + b;
          const moved: XabcdPoints = {
            X: map(base.X),
            A: map(base.A),
            B: map(base.B),
            C: map(base.C),
            D: map(base.D),
          };
          const r0 = classifyHarmonic(base);
          const r1 = classifyHarmonic(moved);
          expect(r1.map((m) => m.pattern)).toEqual(r0.map((m) => m.pattern));
          r0.forEach((m, i) => {
            expect(r1[i]?.score).toBeCloseTo(m.score, 9);
            expect(r1[i]?.prz[0]).toBeCloseTo(map(m.prz[0]), 6);
            expect(r1[i]?.prz[1]).toBeCloseTo(map(m.prz[1]), 6);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
