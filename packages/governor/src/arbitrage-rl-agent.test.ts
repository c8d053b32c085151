import { Rng } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { ArbitrageRLAgent } from './arbitrage-rl-agent.js';

const ROUTES = [{ routeId: 'a' }, { routeId: 'b' }, { routeId: 'c' }, { routeId: 'd' }];
const MEAN_PROFIT: Record<string, number> = { a: 0.5, b: 1.5, c: 1.0, d: -0.5 };
const BEST_MEAN = 1.5;

/** Pseudo-regret Σ (μ* − μ_chosen) after each of `steps` trades with Gaussian (sd 1 USD) net profits. */
function regretCurve(seed: number, steps: number): Float64Array {
  const agent = new ArbitrageRLAgent({ explorationScaleUsd: 1 });
  const env = new Rng(seed).fork('test/arb-env');
  const regret = new Float64Array(steps);
  let total = 0;
  for (let t = 0; t < steps; t++) {
    const c = agent.chooseRoute(ROUTES);
    if (c.kind !== 'route') throw new Error('expected a route');
    const mean = MEAN_PROFIT[c.routeId] as number;
    total += BEST_MEAN - mean;
    regret[t] = total;
    agent.updateRoute(c.routeId, env.normal(mean, 1));
  }
  return regret;
}

describe('ArbitrageRLAgent', () => {
  it('tries every unexplored route once, in candidate order', () => {
    const agent = new ArbitrageRLAgent();
    const seen: string[] = [];
    for (const _ of ROUTES) {
      const c = agent.chooseRoute(ROUTES);
      if (c.kind !== 'route') throw new Error('expected a route');
      expect(c.reason).toBe('unexplored');
      seen.push(c.routeId);
      agent.updateRoute(c.routeId, 1);
    }
    expect(seen).toEqual(['a', 'b', 'c', 'd']);
  });

  it('picks the highest mean + c·√(2 ln N / n) (hand-worked)', () => {
    const agent = new ArbitrageRLAgent({ explorationScaleUsd: 2 });
    agent.updateRoute('x', 3); // x: mean 3, n 1
    for (const r of [4, 4, 4]) agent.updateRoute('y', r); // y: mean 4, n 3; N = 4
    // x: 3 + 2·√(2 ln 4) = 6.3302; y: 4 + 2·√(2 ln 4 / 3) = 5.9225
    expect(agent.chooseRoute([{ routeId: 'x' }, { routeId: 'y' }])).toMatchObject({
      routeId: 'x',
      reason: 'ucb',
      meanProfitUsd: 3,
      index: expect.closeTo(3 + 2 * Math.sqrt(2 * Math.log(4)), 12),
    });
    expect(agent.routeStats('y')).toEqual({ pulls: 3, meanProfitUsd: 4 });
  });

  it('changes nothing when choosing', () => {
    const agent = new ArbitrageRLAgent();
    for (const r of ROUTES) agent.updateRoute(r.routeId, 1);
    const before = agent.toJSON();
    for (let i = 0; i < 100; i++) agent.chooseRoute(ROUTES);
    expect(agent.toJSON()).toEqual(before);
    expect(agent.chooseRoute([])).toEqual({ kind: 'no-route' });
  });

  it('has regret that grows sublinearly: regret(4T) < 2.5·regret(T) and regret(T)/T falls', () => {
    for (const seed of [1, 2, 3]) {
      const curve = regretCurve(seed, 8_000);
      const at = (t: number) => curve[t - 1] as number;
      expect(at(8_000)).toBeLessThan(2.5 * at(2_000));
      expect(at(8_000) / 8_000).toBeLessThan(at(2_000) / 2_000);
      expect(at(2_000) / 2_000).toBeLessThan(at(500) / 500);
      // far below always choosing a random route: 8000 · mean gap 1.0 = 8000
      expect(at(8_000)).toBeLessThan(800);
    }
  });

  it('chooses identically after a save and load', () => {
    const agent = new ArbitrageRLAgent({ explorationScaleUsd: 1 });
    const env = new Rng(9);
    const step = (a: ArbitrageRLAgent, reward: number) => {
      const c = a.chooseRoute(ROUTES);
      if (c.kind !== 'route') throw new Error('expected a route');
      a.updateRoute(c.routeId, reward);
      return c.routeId;
    };
    for (let i = 0; i < 300; i++) step(agent, env.normal(1, 1));
    const restored = ArbitrageRLAgent.fromJSON(JSON.parse(JSON.stringify(agent.toJSON())));
    for (let i = 0; i < 300; i++) {
      const r = env.normal(1, 1);
      expect(step(restored, r)).toBe(step(agent, r));
    }
  });

  it('rejects a NaN reward and an empty route id', () => {
    const agent = new ArbitrageRLAgent();
    expect(() => agent.updateRoute('a', Number.NaN)).toThrow(
      expect.objectContaining({ code: 'GOVERNOR_BAD_INPUT' }),
    );
    expect(() => agent.updateRoute('', 1)).toThrow(/routeId/);
  });
});
