import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SkipDigest } from './skip-digest.js';

/**
 * The definition with BigInt: FNV-1a 64 over the 32-bit words (tsMs low, tsMs high, price low,
 * price high, stage) of each decision, read little-endian with a DataView — independent of the
 * 16-bit limbs and of the typed-array views of the implementation.
 */
function referenceDigest(decisions: ReadonlyArray<readonly [number, number, number]>): string {
  let h = 0xcbf29ce484222325n;
  for (const [tsMs, price, stage] of decisions) {
    const view = new DataView(new ArrayBuffer(16));
    view.setFloat64(0, tsMs, true);
    view.setFloat64(8, price, true);
    const words = [
      view.getUint32(0, true),
      view.getUint32(4, true),
      view.getUint32(8, true),
      view.getUint32(12, true),
      stage,
    ];
    for (const w of words) h = ((h ^ BigInt(w)) * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

describe('SkipDigest', () => {
  it('starts at the FNV-1a 64 offset basis, and reset goes back to it', () => {
    const digest = new SkipDigest();
    expect(digest.hex()).toBe('cbf29ce484222325');
    digest.add(1, 2, 3);
    digest.reset();
    expect(digest.hex()).toBe('cbf29ce484222325');
  });

  it('gives a fixed digest for fixed decisions (the same on every Node version)', () => {
    const digest = new SkipDigest();
    digest.add(1_704_067_200_000, 1.1042, 3);
    expect(digest.hex()).toBe('2b25dcec909be424');
    digest.add(1_704_153_600_000, 1.10385, 0);
    digest.add(1_704_240_000_000, -0, 255);
    expect(digest.hex()).toBe('de7f9e624048f311');
  });

  it('equals the BigInt definition for any decisions', () => {
    const decision = fc.tuple(
      fc.integer({ min: 0, max: 4_102_444_800_000 }),
      fc.double({ noNaN: true }),
      fc.integer({ min: 0, max: 255 }),
    );
    fc.assert(
      fc.property(fc.array(decision, { maxLength: 20 }), (decisions) => {
        const digest = new SkipDigest();
        for (const [tsMs, price, stage] of decisions) digest.add(tsMs, price, stage);
        expect(digest.hex()).toBe(referenceDigest(decisions));
      }),
      { seed: 14, numRuns: 200 },
    );
  });

  it('depends on the order of the decisions', () => {
    const a = new SkipDigest();
    a.add(1, 1.5, 1);
    a.add(2, 1.6, 1);
    const b = new SkipDigest();
    b.add(2, 1.6, 1);
    b.add(1, 1.5, 1);
    expect(a.hex()).not.toBe(b.hex());
  });
});
