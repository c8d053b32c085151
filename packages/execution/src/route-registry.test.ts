import { ConfigError } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { exampleRegistry } from './route-registry.fixture.js';
import { parseRouteRegistry } from './route-registry.js';

function problemsOf(input: unknown): string[] {
  try {
    parseRouteRegistry(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('CONFIG_INVALID');
    return (error as ConfigError).details as string[];
  }
  throw new Error('the registry was accepted');
}

describe('parseRouteRegistry', () => {
  it('resolves each hop to the side the route trades through the pool', () => {
    const registry = parseRouteRegistry(exampleRegistry());
    const hops = registry.routes.map((r) => r.hops.map((h) => `${h.poolId}:${h.zeroForOne ? '0→1' : '1→0'}`));
    // borrow pool: profit token in, borrowed token out (T → X on tx, T is token0; on tx2 T is token1)
    expect(hops).toEqual([
      ['tx:0→1', 'tx2:0→1'],
      ['tx:0→1', 'xy:0→1', 'yt:1→0'],
    ]);
    expect(registry.routes.map((r) => [r.index, r.profitDecimals])).toEqual([
      [0, 0],
      [1, 0],
    ]);
  });

  it('names the path of a route that does not connect', () => {
    const input = exampleRegistry();
    input.routes[1] = { ...input.routes[1]!, pools: ['tx', 'yt', 'xy'] };
    expect(problemsOf(input)).toEqual([
      'routes[1].pools[1]: pool yt does not hold X, the token the path carries into it',
    ]);
  });

  it('lists every problem at once: unknown ids, wrong pool counts, a borrow pool without the pair, duplicates', () => {
    const input = exampleRegistry();
    input.pools.push({ id: 'tx', token0: 'T', token1: 'Z' });
    input.routes.push(
      { ...input.routes[0]!, id: 'two-of-three', pools: ['tx', 'xy', 'yt'] },
      { ...input.routes[1]!, id: 'ghost', pools: ['xy', 'nope', 'yt'] },
      {
        ...input.routes[0]!,
        id: 'tri',
        profitTokenUsd: { kind: 'pool', pool: 'xy', quoteToken: 'Y', quoteUsd: 1 },
      },
    );
    expect(problemsOf(input)).toEqual([
      'pools[4].id: pool id tx is used twice',
      'pools[4].token1: unknown token Z (not in tokens)',
      'routes[4].id: id tri is used twice in routes',
      'routes[2].pools: a two-pool route has exactly 2 pools, not 3',
      'routes[3].pools[0]: the borrow pool xy must hold X and T',
      'routes[3].pools[1]: unknown pool nope (not in pools)',
      'routes[4].profitTokenUsd.pool: pool xy must hold T and Y',
    ]);
  });

  it('rejects a malformed field with its path before any cross-check', () => {
    const input = exampleRegistry() as unknown as { routes: { kind: string }[] };
    input.routes[0]!.kind = 'triangle';
    const problems = problemsOf(input);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^routes\[0\]\.kind: /);
  });
});
