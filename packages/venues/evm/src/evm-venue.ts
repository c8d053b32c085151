import type { Secret } from '@omni/core';
import type { VenueContext, VenueDefinition } from '@omni/execution';
import { JsonRpcProvider, Network, Wallet } from 'ethers';
import { z } from 'zod';
import { ChainPoolSource } from './chain-pool-source.js';
import { EvmArbitrageExecutor } from './evm-arbitrage-executor.js';
import { EvmError } from './evm-error.js';
import { EvmPoolFeed, type PoolPriceSymbol } from './evm-pool-feed.js';
import { BundleSigner } from './mev/bundle-signer.js';
import { RelayClient } from './mev/relay-client.js';
import { RpcHealth } from './mev/rpc-health.js';
import { AddressSchema, EvmRouteSchema } from './routes.js';

/**
 * Settings of the `evm` venue (`--venue-config`). The node's URL (DEX_RPC), the trading key
 * (DEX_PRIVKEY), the relay URL (MEV_RELAY_URL) and the relay's signing key (MEV_AUTH_KEY) are
 * credentials, never settings.
 */
export const EvmVenueConfigSchema = z.strictObject({
  /** The route registry (`EvmRouteSchema`); two-pool routes are the ones the engine prices. */
  routes: z.array(EvmRouteSchema).min(1),
  /** The chain id the node must report (checked at start and by RpcHealth). */
  chainId: z.number().int().positive(),
  /** The deployed FlashArbExecutor, owned by DEX_PRIVKEY's account (needed by `omni live`). */
  executorAddress: AddressSchema.optional(),
  /** USD per ETH (the native coin): gas in USD and in the repaid token. Keep it current. */
  ethUsd: z.number().finite().positive(),
  /**
   * Engine symbol → the pool that prices it (`pair`, the priced `baseToken`, `quoteUsd` of the other
   * token). A symbol not listed is priced by the first route's borrow pair.
   */
  prices: z
    .record(
      z.string().min(1),
      z.strictObject({
        pair: AddressSchema,
        baseToken: AddressSchema,
        quoteUsd: z.number().finite().positive(),
      }),
    )
    .optional(),
  /** Time between two `eth_blockNumber` polls (ms). Default 1 000. */
  pollIntervalMs: z.number().int().positive().default(1000),
  /** Time each RPC call may take (ms). Default 10 000. */
  rpcTimeoutMs: z.number().int().positive().default(10_000),
  /** RPC failures in a row that turn arbitrage off (SafetyManager). Default 3. */
  maxConsecutiveFailures: z.number().int().min(1).default(3),
  /** Longest wait for a receipt of a public-mempool send (ms). Default 120 000. */
  receiptTimeoutMs: z.number().int().positive().optional(),
  /** Send through the relay (MEV_RELAY_URL, signed with MEV_AUTH_KEY) instead of the public mempool. */
  useRelay: z.boolean().default(false),
  /** Blocks a bundle is sent for (head + 1 … head + N). Default 3. */
  relayTargetBlocks: z.number().int().min(1).max(25).default(3),
  /** Time to wait for the relay's answer (ms). Default 5 000. */
  relayTimeoutMs: z.number().int().positive().optional(),
});
/** Settings of the `evm` venue. */
export type EvmVenueConfig = z.infer<typeof EvmVenueConfigSchema>;

/** The node connection of one configured venue: shared by its feed, its pools and its executor. */
interface ChainLink {
  readonly provider: JsonRpcProvider;
  readonly health: RpcHealth;
  readonly pools: ChainPoolSource;
}

// One link per parsed settings object: a run asks the venue for pools, feed and executors with the
// same settings, and they must share one node connection, one health watcher and one block state.
const links = new WeakMap<EvmVenueConfig, ChainLink>();

function required(secret: Secret | undefined, name: string, why: string): Secret {
  if (secret === undefined || !secret.isSet)
    throw new EvmError('EVM_BAD_OPTION', `${name} is not set: ${why}`, {});
  return secret;
}

function linkFor(config: EvmVenueConfig, context: Pick<VenueContext, 'credentials'>): ChainLink {
  const existing = links.get(config);
  if (existing !== undefined) return existing;
  const rpc = required(context.credentials?.dex.rpcUrl, 'DEX_RPC', "the chain node's JSON-RPC URL");
  const provider = new JsonRpcProvider(rpc.reveal(), Network.from(config.chainId), {
    staticNetwork: true,
    cacheTimeout: -1,
    pollingInterval: config.pollIntervalMs,
  });
  const health = new RpcHealth({
    rpc: provider,
    expectedChainId: config.chainId,
    timeoutMs: config.rpcTimeoutMs,
    maxConsecutiveFailures: config.maxConsecutiveFailures,
  });
  const pools = new ChainPoolSource({
    provider,
    routes: config.routes,
    read: (what, run) => health.call(what, run),
    onHealth: (listener) => health.onChange(listener),
    extraPairs: Object.values(config.prices ?? {}).map((p) => p.pair),
  });
  const link = { provider, health, pools };
  links.set(config, link);
  return link;
}

/** The pool pricing `symbol`: `config.prices[symbol]`, else the first route's borrow pair. */
function priceOf(config: EvmVenueConfig, symbol: string): PoolPriceSymbol {
  const listed = config.prices?.[symbol];
  if (listed !== undefined) return { symbol, ...listed };
  const route = config.routes[0]!; // min(1)
  return { symbol, pair: route.borrowPair, baseToken: route.borrowToken, quoteUsd: route.repayTokenUsd };
}

/**
 * The arbitrage executor of a run: DEX_PRIVKEY signs, the node is the venue's link (its RpcHealth
 * reports reach SafetyManager through the hub), and with `useRelay` bundles go to MEV_RELAY_URL
 * signed with MEV_AUTH_KEY (refused when it is the trading key). Throws EVM_BAD_OPTION naming what
 * is missing; nothing connects before `start()`.
 */
export function createEvmExecutor(config: EvmVenueConfig, context: VenueContext): EvmArbitrageExecutor {
  const link = linkFor(config, context);
  const key = required(
    context.credentials?.dex.privateKey,
    'DEX_PRIVKEY',
    'the key that owns the contract and signs',
  );
  if (config.executorAddress === undefined) {
    throw new EvmError(
      'EVM_BAD_OPTION',
      'executorAddress is not set: deploy FlashArbExecutor from the DEX_PRIVKEY account (docs/venues/evm.md) and give its address',
      {},
    );
  }
  let relay: RelayClient | undefined;
  if (config.useRelay) {
    const relayUrl = required(
      context.credentials?.mevRelayUrl,
      'MEV_RELAY_URL',
      'useRelay needs the relay endpoint',
    );
    const authKey = required(
      context.credentials?.mevAuthKey,
      'MEV_AUTH_KEY',
      'useRelay needs the relay identity key (a key of its own, not DEX_PRIVKEY)',
    );
    const signer = new BundleSigner(authKey, { tradingAddress: new Wallet(key.reveal()).address });
    relay = new RelayClient({
      relayUrl,
      signer,
      ...(config.relayTimeoutMs === undefined ? {} : { timeoutMs: config.relayTimeoutMs }),
    });
  }
  return new EvmArbitrageExecutor({
    provider: link.provider,
    privateKey: key,
    contractAddress: config.executorAddress,
    routes: config.routes,
    ethUsd: config.ethUsd,
    chainId: config.chainId,
    rpcTimeoutMs: config.rpcTimeoutMs,
    health: link.health,
    ...(config.receiptTimeoutMs === undefined ? {} : { receiptTimeoutMs: config.receiptTimeoutMs }),
    ...(relay === undefined
      ? {}
      : {
          relay: {
            client: relay,
            targetBlocks: config.relayTargetBlocks,
            pollIntervalMs: config.pollIntervalMs,
          },
        }),
  });
}

/**
 * The `evm` venue: Uniswap V2 pools on a chain reached at DEX_RPC. Its feed ticks once per block
 * (each configured symbol at its pool's mid price), its pools give the engine the block's reserves
 * (`createPools`), and its executor sends FlashArbExecutor transactions (public mempool, or a relay
 * with `useRelay`). In `omni shadow` the arbitrage decisions settle at the next block (see
 * ShadowArbitrageExecutor); RPC failures turn arbitrage off through SafetyManager (runbook 5.2).
 *
 * @example
 * const config = parseVenueConfig(evmVenue, { routes, chainId: 1, ethUsd: 3000, executorAddress });
 * const pools = evmVenue.createPools!(config, { clock, seed, onAlert, credentials });
 */
export const evmVenue: VenueDefinition<EvmVenueConfig, EvmPoolFeed> = {
  name: 'evm',
  description:
    'Uniswap V2 flash-swap arbitrage on an EVM chain (DEX_RPC): pool prices per block, FlashArbExecutor, optional MEV relay',
  configSchema: EvmVenueConfigSchema,
  executorMarkets: ['arbitrage'],
  createExecutors: (config, context) => ({ arbitrage: createEvmExecutor(config, context) }),
  createPools: (config, context) => linkFor(config, context).pools,
  createFeed: (config, request) => {
    const link = linkFor(config, request);
    return new EvmPoolFeed({
      pools: link.pools,
      symbols: request.symbols.map((s) => priceOf(config, s)),
      pollIntervalMs: config.pollIntervalMs,
      clock: request.clock,
      onAlert: request.onAlert,
      onStart: async () => {
        await link.health.checkChainId();
      },
      onStop: () => link.provider.destroy(),
    });
  },
};
