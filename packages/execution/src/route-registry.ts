import { ConfigError } from '@omni/core';
import { z } from 'zod';

/** A token of the registry: its id (a symbol or an address) and its decimals (18 for most ERC-20s, 6 for USDC). */
export const RouteTokenSchema = z.strictObject({
  id: z.string().min(1),
  decimals: z.number().int().min(0).max(36),
});

/** A Uniswap V2 pair: token0 and token1 in the pair's own order (the lower address first on chain). */
export const RoutePoolSchema = z.strictObject({
  id: z.string().min(1),
  token0: z.string().min(1),
  token1: z.string().min(1),
  /** The pair contract, for a chain reader; the scanner itself only needs the id. */
  address: z
    .string()
    .regex(/^0x[0-9a-fA-F]{40}$/, 'an address is 0x and 40 hex digits')
    .optional(),
});

/**
 * Where the USD price of a route's profit token comes from: a fixed rate (a USD stablecoin: 1),
 * or a pool's mid price against a quote token whose USD rate is given
 * (usd = quoteUsd · (quote reserve / 10^quote decimals) / (profit-token reserve / 10^its decimals)).
 */
export const RouteUsdPriceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('fixed'), usd: z.number().positive() }),
  z.strictObject({
    kind: z.literal('pool'),
    pool: z.string().min(1),
    quoteToken: z.string().min(1),
    quoteUsd: z.number().positive(),
  }),
]);

/**
 * One arbitrage route (the specification's `route_registry` entry): borrow `borrowToken` from the
 * first pool by a flash swap, swap it along the other pools back to `profitToken` (the first
 * pool's other token), repay the first pool in it and keep the rest.
 * `two-pool`: exactly 2 pools holding the same pair; `cycle`: 3 or more (triangular and longer).
 */
export const RouteSchema = z.strictObject({
  id: z.string().min(1),
  kind: z.enum(['two-pool', 'cycle']),
  pools: z.array(z.string().min(1)).min(2),
  borrowToken: z.string().min(1),
  profitToken: z.string().min(1),
  profitTokenUsd: RouteUsdPriceSchema,
  /** Gas of this route's transaction; default `engines.arbitrage.gasLimit` (a cycle costs more than two pools). */
  gasLimit: z.number().int().positive().optional(),
});

/** The whole route registry: tokens, pools and routes, cross-checked (every id resolves, every path connects). */
export const RouteRegistrySchema = z
  .strictObject({
    tokens: z.array(RouteTokenSchema).min(1),
    pools: z.array(RoutePoolSchema).min(1),
    routes: z.array(RouteSchema),
  })
  .superRefine((registry, ctx) => {
    const issue = (path: (string | number)[], message: string): void => {
      ctx.addIssue({ code: 'custom', path, message });
    };
    const tokens = uniqueIds(registry.tokens, 'tokens', issue);
    const pools = new Map<string, z.infer<typeof RoutePoolSchema>>();
    for (const [i, pool] of registry.pools.entries()) {
      if (pools.has(pool.id)) issue(['pools', i, 'id'], `pool id ${pool.id} is used twice`);
      else pools.set(pool.id, pool);
      for (const side of ['token0', 'token1'] as const) {
        if (!tokens.has(pool[side])) issue(['pools', i, side], `unknown token ${pool[side]} (not in tokens)`);
      }
      if (pool.token0 === pool.token1) issue(['pools', i, 'token1'], 'a pool needs two different tokens');
    }
    uniqueIds(registry.routes, 'routes', issue);
    for (const [r, route] of registry.routes.entries()) {
      checkRoute(route, pools, tokens, (path, message) => issue(['routes', r, ...path], message));
    }
  });

/** The route registry as written in a configuration file (inferred from {@link RouteRegistrySchema}). */
export type RouteRegistryConfig = z.infer<typeof RouteRegistrySchema>;
/** One route of the registry. */
export type RouteConfig = z.infer<typeof RouteSchema>;

type Issue = (path: (string | number)[], message: string) => void;

function uniqueIds(items: readonly { readonly id: string }[], list: string, issue: Issue): Set<string> {
  const ids = new Set<string>();
  for (const [i, item] of items.entries()) {
    if (ids.has(item.id)) issue([list, i, 'id'], `id ${item.id} is used twice in ${list}`);
    ids.add(item.id);
  }
  return ids;
}

const otherToken = (pool: { token0: string; token1: string }, token: string): string | undefined =>
  pool.token0 === token ? pool.token1 : pool.token1 === token ? pool.token0 : undefined;

function checkRoute(
  route: RouteConfig,
  pools: ReadonlyMap<string, z.infer<typeof RoutePoolSchema>>,
  tokens: ReadonlySet<string>,
  issue: Issue,
): void {
  if (route.kind === 'two-pool' && route.pools.length !== 2)
    issue(['pools'], `a two-pool route has exactly 2 pools, not ${route.pools.length}`);
  if (route.kind === 'cycle' && route.pools.length < 3)
    issue(['pools'], `a cycle has at least 3 pools (use kind two-pool for ${route.pools.length})`);
  for (const side of ['borrowToken', 'profitToken'] as const) {
    if (!tokens.has(route[side])) issue([side], `unknown token ${route[side]} (not in tokens)`);
  }
  if (route.borrowToken === route.profitToken)
    issue(['profitToken'], 'the profit token must differ from the borrowed token');
  const seen = new Set<string>();
  let token: string | undefined = route.borrowToken;
  for (const [i, poolId] of route.pools.entries()) {
    const pool = pools.get(poolId);
    if (pool === undefined) {
      issue(['pools', i], `unknown pool ${poolId} (not in pools)`);
      return;
    }
    if (seen.has(poolId))
      issue(['pools', i], `pool ${poolId} appears twice (the borrow pool is locked during the flash swap)`);
    seen.add(poolId);
    if (i === 0) {
      if (otherToken(pool, route.borrowToken) !== route.profitToken)
        issue(
          ['pools', 0],
          `the borrow pool ${poolId} must hold ${route.borrowToken} and ${route.profitToken}`,
        );
      continue;
    }
    const next: string | undefined = token === undefined ? undefined : otherToken(pool, token);
    if (next === undefined) {
      issue(['pools', i], `pool ${poolId} does not hold ${token}, the token the path carries into it`);
      return;
    }
    token = next;
  }
  if (token !== route.profitToken)
    issue(
      ['pools', route.pools.length - 1],
      `the path ends in ${token}, not in the profit token ${route.profitToken}`,
    );
  const usd = route.profitTokenUsd;
  if (usd.kind === 'pool') {
    const pool = pools.get(usd.pool);
    if (pool === undefined) issue(['profitTokenUsd', 'pool'], `unknown pool ${usd.pool} (not in pools)`);
    else if (otherToken(pool, route.profitToken) !== usd.quoteToken)
      issue(
        ['profitTokenUsd', 'pool'],
        `pool ${usd.pool} must hold ${route.profitToken} and ${usd.quoteToken}`,
      );
  }
}

/** One hop of a prepared route: the pool and the side it is traded through (see `CyclePool`). */
export interface RouteHop {
  readonly poolId: string;
  readonly zeroForOne: boolean;
  /** The pool's tokens in the registry, which the reserves read at scan time must carry. */
  readonly token0: string;
  readonly token1: string;
}

/** A route resolved against its pools once, at load: what the scanner walks on every call. */
export interface PreparedRoute {
  readonly index: number;
  readonly config: RouteConfig;
  readonly hops: readonly RouteHop[];
  /** Decimals of the profit token. */
  readonly profitDecimals: number;
  /** For a pool price source: its pool id, whether the profit token is its token0, and the quote's decimals. */
  readonly usdPool?: {
    readonly poolId: string;
    readonly profitIsToken0: boolean;
    readonly quoteDecimals: number;
  };
}

/** A validated registry with its routes prepared for {@link scanRoutes}. */
export interface RouteRegistry {
  readonly config: RouteRegistryConfig;
  readonly routes: readonly PreparedRoute[];
}

/**
 * Validates a route registry and prepares its routes (each hop's direction resolved).
 *
 * @param input - the registry as parsed from JSON (or a config section).
 * @returns the registry, ready for `scanRoutes`.
 * @throws ConfigError `CONFIG_INVALID` listing every problem with its path, e.g.
 * `routes[1].pools[2]: pool weth-dai does not hold USDC, the token the path carries into it`.
 */
export function parseRouteRegistry(input: unknown): RouteRegistry {
  const parsed = RouteRegistrySchema.safeParse(input);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => `${pathOf(issue.path)}: ${issue.message}`);
    throw new ConfigError(
      'CONFIG_INVALID',
      `the route registry has ${details.length} problem${details.length === 1 ? '' : 's'}: ${details.join('; ')}`,
      { problems: details.length },
      { details },
    );
  }
  const config = parsed.data;
  const decimals = new Map(config.tokens.map((t) => [t.id, t.decimals]));
  const pools = new Map(config.pools.map((p) => [p.id, p]));
  const routes = config.routes.map((route, index): PreparedRoute => {
    // Pool 1 is traded profit token in → borrowed token out; each later pool carries the path's token in.
    let token = route.profitToken;
    const hops = route.pools.map((poolId): RouteHop => {
      const pool = pools.get(poolId)!;
      const zeroForOne = pool.token0 === token;
      token = zeroForOne ? pool.token1 : pool.token0;
      return { poolId, zeroForOne, token0: pool.token0, token1: pool.token1 };
    });
    const usd = route.profitTokenUsd;
    const usdPool =
      usd.kind === 'pool'
        ? {
            poolId: usd.pool,
            profitIsToken0: pools.get(usd.pool)!.token0 === route.profitToken,
            quoteDecimals: decimals.get(usd.quoteToken)!,
          }
        : undefined;
    const prepared = { index, config: route, hops, profitDecimals: decimals.get(route.profitToken)! };
    return usdPool === undefined ? prepared : { ...prepared, usdPool };
  });
  return { config, routes };
}

function pathOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path)
    out += typeof part === 'number' ? `[${part}]` : `${out === '' ? '' : '.'}${String(part)}`;
  return out === '' ? '(top level)' : out;
}
