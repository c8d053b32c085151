import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Engine, type Market, Rng, readJsonFile, writeJsonAtomic } from '@omni/core';
import { afterAll, describe, expect, it } from 'vitest';
import { REGIME_KEYS, type RegimeKey } from './regime-state-builder.js';
import { heuristicEngine, RegimeSwitchingRL, RegimeSwitchingRLStateSchema } from './regime-switching-rl.js';

const learner = (seed: number | string) =>
  new RegimeSwitchingRL({ rng: new Rng(seed).fork('governor/regime-rl') });
const epsilonGreedy = (seed: number | string, epsilon: number) =>
  new RegimeSwitchingRL({
    rng: new Rng(seed).fork('governor/regime-rl'),
    exploration: 'epsilon-greedy',
    epsilon,
  });

/**
 * A seeded synthetic environment: six regimes, one best engine each (half of them against the
 * specification's heuristic), binary-style rewards: +0.8 with the engine's win probability, else −1.
 */
const BEST: ReadonlyArray<readonly [RegimeKey, Market]> = [
  ['vol-high|trend-weak|volatile', 'binary'], // agrees with the heuristic
  ['vol-high|trend-strong|trending', 'spot'], // heuristic says binary
  ['vol-low|trend-strong|trending', 'spot'], // agrees
  ['vol-mid|trend-strong|trending', 'arbitrage'], // heuristic says spot
  ['vol-low|trend-weak|meanReverting', 'arbitrage'], // agrees
  ['vol-mid|trend-moderate|meanReverting', 'binary'], // heuristic says arbitrage
];
const WIN_BEST = 0.64; // expected reward 0.64·0.8 − 0.36 = +0.152
const WIN_OTHER = 0.5; // expected reward −0.1

function reward(env: Rng, key: RegimeKey, engine: Market): number {
  const best = BEST.find(([k]) => k === key)?.[1];
  return env.bernoulli(engine === best ? WIN_BEST : WIN_OTHER) ? 0.8 : -1;
}

/** Runs `steps` decisions; returns the engines chosen, the regimes seen and the learner. */
function run(rl: RegimeSwitchingRL, env: Rng, steps: number): { chosen: Engine[]; keys: RegimeKey[] } {
  const chosen: Engine[] = [];
  const keys: RegimeKey[] = [];
  for (let t = 0; t < steps; t++) {
    const key = (BEST[env.int(0, BEST.length)] as (typeof BEST)[number])[0];
    const { engine } = rl.chooseEngine(key);
    chosen.push(engine);
    keys.push(key);
    if (engine !== 'none') rl.update(key, engine, reward(env, key, engine));
  }
  return { chosen, keys };
}

const tempDir = mkdtempSync(join(tmpdir(), 'omni-governor-rl-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

describe('RegimeSwitchingRL', () => {
  it('starts from the specification heuristic: vol high → binary, trend strong → spot, else arbitrage', () => {
    const ucb = learner(1);
    const greedy = epsilonGreedy(1, 0);
    for (const key of REGIME_KEYS) {
      const expected = key.startsWith('vol-high')
        ? 'binary'
        : key.includes('trend-strong')
          ? 'spot'
          : 'arbitrage';
      expect(heuristicEngine(key)).toBe(expected);
      expect(ucb.chooseEngine(key)).toEqual({ engine: expected, mode: 'ucb', value: 0.05, regimeKey: key });
      expect(greedy.chooseEngine(key)).toEqual({
        engine: expected,
        mode: 'greedy',
        value: 0.05,
        regimeKey: key,
      });
    }
  });

  it('never writes to the Q-table when choosing', () => {
    for (const rl of [learner(2), epsilonGreedy(2, 0.3)]) {
      rl.update('vol-low|trend-weak|trending', 'spot', 0.4);
      const before = rl.toJSON().table;
      for (let i = 0; i < 2_000; i++) rl.chooseEngine(REGIME_KEYS[i % REGIME_KEYS.length] as RegimeKey);
      expect(rl.toJSON().table).toEqual(before);
    }
  });

  it('keeps the prior-weighted sample mean of rewards', () => {
    const rl = epsilonGreedy(3, 0);
    const key = 'vol-low|trend-weak|trending'; // heuristic: arbitrage, prior 0.05 worth 2 outcomes
    for (const r of [1, -1, 0.5]) rl.update(key, 'arbitrage', r);
    for (const r of [0.3, 0.1]) rl.update(key, 'spot', r);
    // (2 · 0.05 + 0.5) / 5 and (2 · 0 + 0.4) / 4
    expect(rl.values(key).arbitrage).toBeCloseTo(0.12, 12);
    expect(rl.values(key).spot).toBeCloseTo(0.1, 12);
    expect(rl.values(key).binary).toBe(0);
    expect(rl.counts(key)).toEqual({ binary: 0, spot: 2, arbitrage: 3 });
    expect(rl.chooseEngine(key).engine).toBe('arbitrage');
  });

  it('averages counterfactual rewards into the estimate but counts them apart, and keeps them across a restore', () => {
    const rl = epsilonGreedy(3, 0);
    const key = 'vol-low|trend-weak|trending'; // heuristic: arbitrage, prior 0.05 worth 2 outcomes
    rl.update(key, 'arbitrage', 1);
    rl.observeCounterfactual(key, 'arbitrage', -1);
    rl.observeCounterfactual(key, 'arbitrage', 0.5);
    // (2 · 0.05 + 1 − 1 + 0.5) / 5: one sample mean over real and counterfactual rewards
    expect(rl.values(key).arbitrage).toBeCloseTo(0.12, 12);
    expect(rl.counts(key)).toEqual({ binary: 0, spot: 0, arbitrage: 1 });
    expect(rl.counterfactualCounts(key)).toEqual({ binary: 0, spot: 0, arbitrage: 2 });
    const restored = RegimeSwitchingRL.fromJSON(JSON.parse(JSON.stringify(rl.toJSON())));
    expect(restored.counterfactualCounts(key)).toEqual({ binary: 0, spot: 0, arbitrage: 2 });
    expect(restored.values(key).arbitrage).toBe(rl.values(key).arbitrage);
    // A state without counterfactual outcomes is written as before (no `counterfactual` field).
    const plain = epsilonGreedy(3, 0);
    plain.update(key, 'spot', 1);
    expect(plain.toJSON().table[key]?.spot).toEqual({ value: 1 / 3, count: 1 }); // (2 · 0 + 1) / 3
  });

  it('moves a constant step α towards each reward', () => {
    const rl = new RegimeSwitchingRL({ rng: new Rng(4), learningRate: 0.5, priorReward: 0 });
    const key = 'vol-mid|trend-weak|trending';
    rl.update(key, 'binary', 1); // 0 + 0.5 (1 − 0) = 0.5
    rl.update(key, 'binary', 0); // 0.5 + 0.5 (0 − 0.5) = 0.25
    expect(rl.values(key).binary).toBe(0.25);
  });

  it('stands aside under ε-greedy once every engine has a negative estimate', () => {
    const rl = epsilonGreedy(5, 0);
    const key = 'vol-low|trend-weak|volatile';
    for (const m of ['binary', 'spot', 'arbitrage'] as const) rl.update(key, m, -1);
    expect(rl.chooseEngine(key)).toMatchObject({ engine: 'none', mode: 'greedy', value: 0 });
  });

  it('stands aside under UCB only when every engine is confidently negative', () => {
    const rl = learner(5);
    const key = 'vol-low|trend-weak|volatile';
    for (const m of ['binary', 'spot', 'arbitrage'] as const) rl.update(key, m, -1);
    // Q ≈ −0.3, bonus 0.9·√(2 ln 9 / 3) ≈ 1.09: still worth testing
    expect(rl.chooseEngine(key).engine).toBe('arbitrage');
    for (let i = 0; i < 199; i++)
      for (const m of ['binary', 'spot', 'arbitrage'] as const) rl.update(key, m, -1);
    // Q ≈ −0.99, bonus 0.9·√(2 ln 606 / 202) ≈ 0.23
    expect(rl.chooseEngine(key)).toEqual({ engine: 'none', mode: 'ucb', value: 0, regimeKey: key });
  });

  it('scores each engine Q + scale·√(2 ln N / n) with the prior as pseudo-counts', () => {
    const rl = learner(9);
    const key = 'vol-low|trend-weak|trending';
    rl.update(key, 'spot', 1); // spot: Q = 1/3, n = 3; N = 2 + 3 + 2 = 7
    // spot 1/3 + 0.9·√(2 ln 7 / 3) = 1.3585 beats arbitrage 0.05 + 0.9·√(ln 7) = 1.3055 and binary 1.2555
    expect(rl.chooseEngine(key)).toEqual({ engine: 'spot', mode: 'ucb', value: 1 / 3, regimeKey: key });
    rl.update(key, 'spot', 0); // spot: Q = 0.25, n = 4, N = 8: 0.25 + 0.9·√(ln 8 / 2) = 1.1677 < arbitrage 0.05 + 0.9·√(ln 8) = 1.3478
    expect(rl.chooseEngine(key).engine).toBe('arbitrage');
  });

  it('explores with probability ε, uniformly over the trade engines', () => {
    const rl = epsilonGreedy(6, 0.2);
    const counts: Record<string, number> = { binary: 0, spot: 0, arbitrage: 0 };
    let explored = 0;
    for (let i = 0; i < 20_000; i++) {
      const c = rl.chooseEngine('vol-low|trend-weak|trending');
      if (c.mode === 'explore') {
        explored++;
        counts[c.engine] = (counts[c.engine] ?? 0) + 1;
      }
    }
    // binomial sd of the rate: sqrt(0.2·0.8/20000) ≈ 0.0028
    expect(explored / 20_000).toBeGreaterThan(0.19);
    expect(explored / 20_000).toBeLessThan(0.21);
    for (const m of ['binary', 'spot', 'arbitrage'])
      expect((counts[m] ?? 0) / explored).toBeCloseTo(1 / 3, 1);
  });

  it.each([11, 12, 13])(
    'learns the best engine of each regime: ≥ 90%% of late decisions (seed %i)',
    (seed) => {
      const rl = learner(seed);
      const { chosen, keys } = run(rl, new Rng(seed).fork('test/env'), 24_000);
      const lateFrom = 18_000;
      let right = 0;
      for (let t = lateFrom; t < chosen.length; t++) {
        if (chosen[t] === BEST.find(([k]) => k === keys[t])?.[1]) right++;
      }
      expect(right / (chosen.length - lateFrom)).toBeGreaterThanOrEqual(0.9);
      // the three regimes where the heuristic was wrong are overridden by learning
      expect(rl.chooseEngine('vol-high|trend-strong|trending').engine).not.toBe('binary');
    },
  );

  it.each(['ucb', 'epsilon-greedy'] as const)(
    'decides identically after its state is saved to disk and loaded back (%s)',
    (exploration) => {
      const rl = new RegimeSwitchingRL({
        rng: new Rng(21).fork('governor/regime-rl'),
        exploration,
        epsilon: 0.1,
      });
      const env = new Rng(21).fork('test/env');
      run(rl, env, 3_000);
      const path = join(tempDir, `regime-rl-${exploration}.json`);
      writeJsonAtomic(path, rl.toJSON());
      const restored = RegimeSwitchingRL.fromJSON(readJsonFile(path, RegimeSwitchingRLStateSchema));
      const envState = env.getState();
      const after = run(rl, Rng.fromState(envState), 2_000);
      const afterRestored = run(restored, Rng.fromState(envState), 2_000);
      expect(afterRestored.chosen).toEqual(after.chosen);
      expect(restored.toJSON()).toEqual(rl.toJSON());
    },
  );

  it('chooses only among the available engines, and stands aside when none is available', () => {
    const key: RegimeKey = 'vol-high|trend-weak|volatile'; // the heuristic prefers binary here
    const ucb = learner(3);
    const before = JSON.stringify(ucb.toJSON());
    expect(ucb.chooseEngine(key).engine).toBe('binary');
    expect(ucb.chooseEngine(key, ['spot', 'arbitrage']).engine).not.toBe('binary');
    expect(ucb.chooseEngine(key, []).engine).toBe('none');
    expect(JSON.stringify(ucb.toJSON())).toBe(before);
    const greedy = epsilonGreedy(3, 0.5);
    for (let i = 0; i < 200; i++) {
      expect(['spot', 'none']).toContain(greedy.chooseEngine(key, ['spot']).engine);
      expect(greedy.chooseEngine(key, []).engine).toBe('none');
    }
  });

  it('retries an engine written off after early losses once enough rounds have passed standing aside', () => {
    const key: RegimeKey = 'vol-high|trend-weak|volatile';
    const rl = learner(5);
    for (let i = 0; i < 6; i++) rl.update(key, 'binary', -1);
    expect(rl.chooseEngine(key, ['binary']).engine).toBe('none');
    let rounds = 0;
    while (rl.chooseEngine(key, ['binary']).engine === 'none' && rounds < 1_000_000) {
      rl.noteRound(key);
      rounds++;
    }
    // UCB: Q + c·sqrt(2 ln t / n) crosses 0 once ln t > n·(Q/c)²/2 — finite, and growing with the evidence.
    expect(rounds).toBeGreaterThan(0);
    expect(rounds).toBeLessThan(1_000_000);
    expect(rl.chooseEngine(key, ['binary']).engine).toBe('binary');
    const restored = RegimeSwitchingRL.fromJSON(JSON.parse(JSON.stringify(rl.toJSON())));
    expect(restored.rounds(key)).toBe(rounds);
    expect(restored.chooseEngine(key, ['binary'])).toEqual(rl.chooseEngine(key, ['binary']));
  });

  it('rejects an outcome for none, an unknown regime and a NaN reward', () => {
    const rl = learner(7);
    expect(() => rl.update('vol-low|trend-weak|trending', 'none', 0)).toThrow(
      expect.objectContaining({ code: 'GOVERNOR_BAD_INPUT' }),
    );
    expect(() => rl.update('calm', 'spot', 1)).toThrow(/unknown regime key/);
    expect(() => rl.chooseEngine('calm' as RegimeKey)).toThrow(/unknown regime key/);
    expect(() => rl.update('vol-low|trend-weak|trending', 'spot', Number.NaN)).toThrow(/reward/);
  });

  it('refuses a state from a newer version and lists what is wrong with a damaged one', () => {
    const state = learner(8).toJSON();
    expect(() => RegimeSwitchingRL.fromJSON({ ...state, version: 2 })).toThrow(
      expect.objectContaining({ code: 'STATE_NEWER_VERSION' }),
    );
    expect(() =>
      RegimeSwitchingRL.fromJSON({
        ...state,
        table: { 'vol-low|trend-weak|trending': { binary: { value: 'x' } } },
      }),
    ).toThrow(expect.objectContaining({ code: 'STATE_INVALID' }));
    expect(() => RegimeSwitchingRL.fromJSON({ ...state, kind: 'arbitrage-rl-agent' })).toThrow(/belongs to/);
  });
});
