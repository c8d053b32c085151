import { EngineSettingsSchema } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { exampleRegistry } from './route-registry.fixture.js';
import { parseRouteRegistry } from './route-registry.js';
import { type PoolState, scanRoutes } from './route-scanner.js';

// Defaults: 20 gwei × 250,000 gas × 3,000 USD/ETH = 15 USD per transaction; the triangle's 350,000 gas = 21 USD.
const costs = EngineSettingsSchema.parse({}).arbitrage;

const reserves = (): Map<string, PoolState> =>
  new Map([
    ['tx', { token0: 'T', token1: 'X', reserve0: 100_000n, reserve1: 200_000n }], // X = 0.5 T
    ['xy', { token0: 'X', token1: 'Y', reserve0: 200_000n, reserve1: 100_000n }], // Y = 2 X
    ['yt', { token0: 'T', token1: 'Y', reserve0: 110_000n, reserve1: 100_000n }], // Y = 1.1 T
    ['tx2', { token0: 'X', token1: 'T', reserve0: 200_000n, reserve1: 120_000n }], // X = 0.6 T
  ]);

describe('scanRoutes', () => {
  it('prices each route at its exact optimum, net of gas, best first (worked by hand)', () => {
    // two-pool: borrow 8,806 X from tx, repay ⌊100000·8806·1000 / (191194·997)⌋ + 1 = 4,620 T,
    // sell on tx2 for ⌊8806·997·120000 / (200000·1000 + 8806·997)⌋ = 5,046 T: 426 T, the best profit of a
    // scan of every amount (first reached at 8,500); the triangle: 2,966 X for 65 T (uniswap-v2-cycle.test.ts).
    // T is worth 1 USD and has 0 decimals.
    const quotes = scanRoutes(parseRouteRegistry(exampleRegistry()), reserves(), costs);
    expect(quotes).toEqual([
      {
        status: 'quoted',
        routeId: 'tx->tx2',
        kind: 'two-pool',
        index: 0,
        amountInWei: 8806n,
        profitWei: 426n,
        profitTokenUsd: 1,
        profitUsd: 426,
        gasUsd: 15,
        netProfitUsd: 411,
        clearsMinProfit: true,
        exact: true,
      },
      {
        status: 'quoted',
        routeId: 'tri',
        kind: 'cycle',
        index: 1,
        amountInWei: 2966n,
        profitWei: 65n,
        profitTokenUsd: 1,
        profitUsd: 65,
        gasUsd: 21,
        netProfitUsd: 44,
        clearsMinProfit: true,
        exact: true,
      },
    ]);
  });

  it('keeps only routes whose net profit reaches minProfitUsd', () => {
    const quotes = scanRoutes(parseRouteRegistry(exampleRegistry()), reserves(), {
      ...costs,
      minProfitUsd: 50,
    });
    expect(
      quotes.map((q) => q.status === 'quoted' && [q.routeId, q.netProfitUsd, q.clearsMinProfit]),
    ).toEqual([
      ['tx->tx2', 411, true],
      ['tri', 44, false],
    ]);
  });

  it('ranks a route that cannot pay (no trade, net −gas) below paying ones and ties by registry order', () => {
    const input = exampleRegistry();
    input.routes.push({ ...input.routes[1]!, id: 'tri-again' });
    const state = reserves();
    state.set('tx2', { token0: 'X', token1: 'T', reserve0: 200_000n, reserve1: 100_000n }); // no gap left
    const quotes = scanRoutes(parseRouteRegistry(input), state, costs);
    expect(quotes.map((q) => q.status === 'quoted' && [q.routeId, q.amountInWei, q.netProfitUsd])).toEqual([
      ['tri', 2966n, 44],
      ['tri-again', 2966n, 44],
      ['tx->tx2', 0n, -15],
    ]);
  });

  it('prices the profit token from a pool against a USD quote with its decimals', () => {
    const input = exampleRegistry();
    input.tokens.push({ id: 'USDC', decimals: 6 });
    input.pools.push({ id: 't-usdc', token0: 'USDC', token1: 'T' });
    input.routes[0] = {
      ...input.routes[0]!,
      profitTokenUsd: { kind: 'pool', pool: 't-usdc', quoteToken: 'USDC', quoteUsd: 1 },
    };
    const state = reserves();
    state.set('t-usdc', { token0: 'USDC', token1: 'T', reserve0: 2_500_000_000n, reserve1: 1_000n }); // 2,500 USDC / 1,000 T
    const [best] = scanRoutes(parseRouteRegistry(input), state, costs);
    expect(
      best?.status === 'quoted' && [best.routeId, best.profitTokenUsd, best.profitUsd, best.netProfitUsd],
    ).toEqual(['tx->tx2', 2.5, 1065, 1050]);
  });

  it('puts routes it cannot price last, with the reason', () => {
    const state = reserves();
    state.delete('yt');
    state.set('tx2', { token0: 'T', token1: 'X', reserve0: 1n, reserve1: 1n });
    const quotes = scanRoutes(parseRouteRegistry(exampleRegistry()), state, costs);
    expect(quotes).toEqual([
      {
        status: 'unavailable',
        routeId: 'tx->tx2',
        kind: 'two-pool',
        index: 0,
        reason: "pool tx2: tokens T/X differ from the registry's X/T",
      },
      { status: 'unavailable', routeId: 'tri', kind: 'cycle', index: 1, reason: 'pool yt: no reserves' },
    ]);
  });
});
