import { parseConfig } from '@omni/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LadderRiskAI, type LadderRiskAIOptions } from './ladder-risk-ai.js';

const options: LadderRiskAIOptions = {
  maxStakeUsd: 25,
  maxBalanceFraction: 0.02,
  maxLadderDepth: 3,
  kellyFraction: 0.25,
  payout: 0.8,
};

describe('LadderRiskAI', () => {
  it('reads its limits from OmniConfig risk and engines.binary', () => {
    const ladder = LadderRiskAI.fromConfig(parseConfig({ risk: { maxStakeUsd: 10 } }));
    expect(ladder).toMatchObject({
      maxStakeUsd: 10,
      maxBalanceFraction: 0.02,
      maxLadderDepth: 3,
      kellyFraction: 0.25,
      payout: 0.8,
    });
  });

  it('sizes fractional Kelly f* = p − (1 − p)/b on the first rung (hand-worked)', () => {
    // p = 0.56, b = 0.8: f* = 0.56 − 0.44/0.8 = 0.01; 0.25 · 0.01 · 1000 = 2.50
    expect(new LadderRiskAI(options).nextStake({ balanceUsd: 1000, probability: 0.56 })).toEqual({
      kind: 'stake',
      stakeUsd: 2.5,
      ladderStep: 0,
      kellyEdge: expect.closeTo(0.01, 12),
      uncappedStakeUsd: expect.closeTo(2.5, 9),
      cappedBy: null,
    });
  });

  it('climbs a bounded ladder after losses and restarts after a win or past the last rung', () => {
    const ladder = new LadderRiskAI(options);
    const stake = () => ladder.nextStake({ balanceUsd: 1000, probability: 0.56 }).stakeUsd;
    expect(stake()).toBe(2.5);
    ladder.settle('loss');
    expect(stake()).toBe(3.75); // 2.5 · 1.5
    ladder.settle('tie');
    expect(ladder.ladderStep).toBe(1);
    ladder.settle('loss');
    expect(stake()).toBe(5.62); // 2.5 · 2.25 = 5.625, rounded down to the cent
    ladder.settle('loss'); // past rung 2 of depth 3: back to 0
    expect(ladder.ladderStep).toBe(0);
    ladder.settle('loss');
    ladder.settle('win');
    expect(ladder.ladderStep).toBe(0);
  });

  it('multiplies the rung factor out (1.1 · 1.1, not 1.1 ** 2), bit for bit on every Node version', () => {
    const ladder = new LadderRiskAI({
      ...options,
      stepMultiplier: 1.1,
      maxStakeUsd: 1e9,
      maxBalanceFraction: 1,
    });
    ladder.settle('loss');
    ladder.settle('loss');
    const sized = ladder.nextStake({ balanceUsd: 1000, probability: 0.56 });
    expect(sized.ladderStep).toBe(2);
    const edge = 0.56 - 0.44 / 0.8;
    expect(sized).toMatchObject({ uncappedStakeUsd: 0.25 * edge * 1000 * (1 * 1.1 * 1.1) });
  });

  it('caps the stake at maxStakeUsd and at the balance fraction', () => {
    const ladder = new LadderRiskAI(options);
    // p = 0.7: f* = 0.7 − 0.3/0.8 = 0.325; 0.25 · 0.325 · 100000 = 8125 → 25
    expect(ladder.nextStake({ balanceUsd: 100_000, probability: 0.7 })).toMatchObject({
      stakeUsd: 25,
      cappedBy: 'max-stake',
    });
    // balance 500: Kelly 40.6, max stake 25, 2% of balance = 10
    expect(ladder.nextStake({ balanceUsd: 500, probability: 0.7 })).toMatchObject({
      stakeUsd: 10,
      cappedBy: 'balance-fraction',
    });
  });

  it('returns 0 when there is no edge, including at break-even p = 1/(1 + b)', () => {
    const ladder = new LadderRiskAI(options);
    expect(ladder.nextStake({ balanceUsd: 1000, probability: 0.5 })).toEqual({
      kind: 'no-edge',
      stakeUsd: 0,
      ladderStep: 0,
      kellyEdge: expect.closeTo(-0.125, 12),
    });
    expect(ladder.nextStake({ balanceUsd: 1000, probability: 1 / 1.8 }).stakeUsd).toBe(0);
    expect(ladder.nextStake({ balanceUsd: 0, probability: 0.9 })).toEqual({
      kind: 'no-balance',
      stakeUsd: 0,
      ladderStep: 0,
    });
  });

  it('returns 0 rather than rounding a stake up to the broker minimum', () => {
    // 0.25 · 0.01 · 100 = 0.25 < 1
    expect(new LadderRiskAI(options).nextStake({ balanceUsd: 100, probability: 0.56 })).toMatchObject({
      kind: 'below-minimum',
      stakeUsd: 0,
    });
  });

  it('rejects a NaN probability with a typed error', () => {
    expect(() => new LadderRiskAI(options).nextStake({ balanceUsd: 1000, probability: Number.NaN })).toThrow(
      expect.objectContaining({
        code: 'GOVERNOR_BAD_INPUT',
        context: expect.objectContaining({ field: 'probability' }),
      }),
    );
  });

  it('restores its rung from saved state', () => {
    const ladder = new LadderRiskAI(options);
    ladder.settle('loss');
    const restored = LadderRiskAI.fromJSON(JSON.parse(JSON.stringify(ladder.toJSON())), options);
    expect(restored.ladderStep).toBe(1);
    expect(
      LadderRiskAI.fromJSON({ kind: 'ladder-risk-ai', version: 1, ladderStep: 7 }, options).ladderStep,
    ).toBe(0);
  });

  it('never exceeds any cap over arbitrary limits, balances, probabilities and outcome sequences', () => {
    const limits = fc.record({
      maxStakeUsd: fc.double({ min: 0.5, max: 1000, noNaN: true }),
      maxBalanceFraction: fc.double({ min: 0.001, max: 1, noNaN: true }),
      maxLadderDepth: fc.integer({ min: 1, max: 10 }),
      kellyFraction: fc.double({ min: 0.01, max: 1, noNaN: true }),
      payout: fc.double({ min: 0.05, max: 5, noNaN: true }),
      stepMultiplier: fc.double({ min: 1, max: 3, noNaN: true }),
      minStakeUsd: fc.double({ min: 0, max: 0.5, noNaN: true }),
    });
    const step = fc.record({
      balanceUsd: fc.double({ min: -100, max: 1e7, noNaN: true }),
      probability: fc.double({ min: 0, max: 1, noNaN: true }),
      outcome: fc.constantFrom('win', 'loss', 'tie') as fc.Arbitrary<'win' | 'loss' | 'tie'>,
    });
    fc.assert(
      fc.property(limits, fc.array(step, { minLength: 1, maxLength: 60 }), (opts, steps) => {
        const ladder = new LadderRiskAI(opts);
        for (const s of steps) {
          const r = ladder.nextStake({ balanceUsd: s.balanceUsd, probability: s.probability });
          expect(r.stakeUsd).toBeGreaterThanOrEqual(0);
          expect(r.stakeUsd).toBeLessThanOrEqual(opts.maxStakeUsd);
          expect(r.stakeUsd).toBeLessThanOrEqual(Math.max(0, opts.maxBalanceFraction * s.balanceUsd));
          expect(r.ladderStep).toBeLessThan(opts.maxLadderDepth);
          if (r.stakeUsd > 0) expect(s.probability - (1 - s.probability) / opts.payout).toBeGreaterThan(0);
          expect(Number.isInteger(Math.round(r.stakeUsd * 100))).toBe(true);
          ladder.settle(s.outcome);
        }
      }),
      { seed: 42, numRuns: 400 },
    );
  });
});
