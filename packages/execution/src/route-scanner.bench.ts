import { EngineSettingsSchema, Rng } from '@omni/core';
import { bench, describe } from 'vitest';
import { parseRouteRegistry, type RouteRegistryConfig } from './route-registry.js';
import { type PoolState, scanRoutes } from './route-scanner.js';

// 100 routes over 18-decimal tokens with 1e21–1e24-wei reserves (1,000 to 1,000,000 tokens): 50 two-pool
// routes and 50 triangles. In the "quiet" market every pool sits at its fair price (no route pays: one exact
// comparison each); in the "dislocated" market one pool in five is 2% off, so those routes are sized exactly.
const costs = EngineSettingsSchema.parse({}).arbitrage;
const rng = new Rng('route-scanner-bench');
const TOKENS = 10;
const price = Array.from({ length: TOKENS }, (_, i) => (i === 0 ? 1 : rng.range(0.1, 10)));
const config: RouteRegistryConfig = {
  tokens: price.map((_, i) => ({ id: `t${i}`, decimals: 18 })),
  pools: [],
  routes: [],
};
const pools = config.pools as { id: string; token0: string; token1: string }[];
const routes = config.routes as RouteRegistryConfig['routes'][number][];
const usd = { kind: 'fixed', usd: 1 } as const;
for (let i = 1; i < TOKENS; i++) {
  pools.push(
    { id: `a-${i}`, token0: 't0', token1: `t${i}` },
    { id: `b-${i}`, token0: `t${i}`, token1: 't0' },
  );
  for (let j = i + 1; j < TOKENS; j++) pools.push({ id: `x-${i}-${j}`, token0: `t${i}`, token1: `t${j}` });
}
for (let r = 0; routes.length < 50; r++) {
  const i = 1 + (r % (TOKENS - 1));
  const [first, second] = r % 2 === 0 ? [`a-${i}`, `b-${i}`] : [`b-${i}`, `a-${i}`];
  routes.push({
    id: `two-${r}`,
    kind: 'two-pool',
    pools: [first, second],
    borrowToken: `t${i}`,
    profitToken: 't0',
    profitTokenUsd: usd,
  });
}
for (let i = 1; i < TOKENS && routes.length < 100; i++) {
  for (let j = 1; j < TOKENS && routes.length < 100; j++) {
    if (i === j) continue;
    const mid = i < j ? `x-${i}-${j}` : `x-${j}-${i}`;
    routes.push({
      id: `tri-${i}-${j}`,
      kind: 'cycle',
      pools: [`a-${i}`, mid, `b-${j}`],
      borrowToken: `t${i}`,
      profitToken: 't0',
      profitTokenUsd: usd,
      gasLimit: 350_000,
    });
  }
}
const registry = parseRouteRegistry(config);

function market(dislocated: boolean): Map<string, PoolState> {
  const state = new Map<string, PoolState>();
  const local = new Rng(dislocated ? 'dislocated' : 'quiet');
  for (const pool of pools) {
    const i = Number(pool.token0.slice(1));
    const j = Number(pool.token1.slice(1));
    const depthUsd = local.range(1_000, 1_000_000) * 1e3; // 1e6 … 1e9 USD of each token
    const off = dislocated && local.bernoulli(0.2) ? 1.02 : 1;
    const reserve0 = BigInt(Math.round(depthUsd / price[i]!)) * 10n ** 18n;
    const reserve1 = BigInt(Math.round((depthUsd / price[j]!) * off)) * 10n ** 18n;
    state.set(pool.id, { ...pool, reserve0, reserve1 });
  }
  return state;
}
const quiet = market(false);
const dislocated = market(true);

describe('scanRoutes, 100 routes', () => {
  bench('quiet market (no route pays)', () => {
    scanRoutes(registry, quiet, costs);
  });
  bench('dislocated market (1 pool in 5 is 2% off)', () => {
    scanRoutes(registry, dislocated, costs);
  });
});
