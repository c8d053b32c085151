import { join } from 'node:path';
import { BackoffSchema } from '@omni/connection';
import type { Secret } from '@omni/core';
import { BrokerOrderBook, type VenueContext, type VenueDefinition } from '@omni/execution';
import { z } from 'zod';
import { Mt5Bridge } from './mt5-bridge.js';
import { Mt5Error } from './mt5-error.js';
import { Mt5Feed } from './mt5-feed.js';
import { Mt5SpotExecutor } from './mt5-spot-executor.js';

const ms = z.number().int().positive();

/** Settings of the `mt5` venue (`--venue-config` JSON): where the bridge listens, its timers and the lot rules. */
export const Mt5VenueConfigSchema = z.strictObject({
  /** Interface the bridge listens on. Default `127.0.0.1`. */
  host: z.string().min(1).default('127.0.0.1'),
  /** The port the EA's `BridgePort` input names (0: any free port, for tests). */
  port: z.number().int().min(0).max(65_535),
  /** The bridge sends a heartbeat this often. */
  heartbeatIntervalMs: ms.default(5_000),
  /** No line from the EA for this long: the session is down. */
  heartbeatTimeoutMs: ms.default(15_000),
  /** A connection must say hello within this long. */
  helloTimeoutMs: ms.default(10_000),
  /** Longest accepted line; a longer one closes the connection. */
  maxLineBytes: z.number().int().min(1_024).default(65_536),
  /** An order with no fill or reject after this long is `unanswered` (resolved from the positions). */
  orderTimeoutMs: ms.default(10_000),
  /** The feed: no tick or heartbeat for this long → FEED_STALE (default 30 s). */
  staleTimeoutMs: ms.optional(),
  /** The feed: delay before it re-attaches to a new EA session. */
  backoff: BackoffSchema.optional(),
  /** The feed: give up (FEED_CONNECTION) after this many EA sessions in a row ended without a tick. Default unlimited. */
  maxReconnects: z.number().int().nonnegative().optional(),
  /** Base units per lot. */
  contractSize: z.number().positive().default(100_000),
  lotStep: z.number().positive().default(0.01),
  minLots: z.number().positive().default(0.01),
  /** `from-size`: decision size ÷ contract size; `minimum`: always `minLots` (as micro-live's `minimumSizes` does). */
  volume: z.enum(['from-size', 'minimum']).default('from-size'),
});
/** Settings of the `mt5` venue. */
export type Mt5VenueConfig = z.infer<typeof Mt5VenueConfigSchema>;

/** Bridges in use, per host:port: the feed and the executor of one run share one EA session. */
const bridges = new Map<string, Mt5Bridge>();

/**
 * The bridge of `config` (host:port), created on first use and shared until its last user stops.
 * MT5_NO_SECRET when the context has no `credentials.mt5.bridgeSecret`.
 */
export function sharedMt5Bridge(config: Mt5VenueConfig, context: VenueContext): Mt5Bridge {
  const key = `${config.host}:${config.port}`;
  const existing = bridges.get(key);
  if (existing !== undefined) return existing;
  const secret: Secret | undefined = context.credentials?.mt5.bridgeSecret;
  if (secret === undefined || !secret.isSet) {
    throw new Mt5Error(
      'MT5_NO_SECRET',
      'the MT5 bridge needs a shared secret: set MT5_BRIDGE_SECRET (and the same value in the EA input Secret)',
      { host: config.host, port: config.port },
    );
  }
  const bridge = new Mt5Bridge({
    host: config.host,
    port: config.port,
    secret,
    clock: context.clock,
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    heartbeatTimeoutMs: config.heartbeatTimeoutMs,
    helloTimeoutMs: config.helloTimeoutMs,
    maxLineBytes: config.maxLineBytes,
    onAlert: context.onAlert,
    onIdle: () => {
      if (bridges.get(key) === bridge) bridges.delete(key);
    },
  });
  bridges.set(key, bridge);
  return bridge;
}

/**
 * The `mt5` venue: MetaTrader 5 through the OmniBridge Expert Advisor, which connects out to the
 * bridge this venue runs (protocol v1, docs/venues/mt5.md). Feed and spot executor share one
 * bridge per host:port; the EA's shared secret comes from `context.credentials.mt5.bridgeSecret`
 * (MT5_BRIDGE_SECRET), never from the settings; the executor's decision → order map is
 * `${stateDir}/orders-mt5.json` (in memory without a state dir).
 *
 * @example
 * const config = parseVenueConfig(mt5Venue, { port: 5555 });
 * const feed = mt5Venue.createFeed(config, { symbols: ['EURUSD'], clock, seed: 42, onAlert, credentials });
 * const { spot } = mt5Venue.createExecutors!(config, { clock, seed: 42, onAlert, credentials, stateDir });
 */
export const mt5Venue: VenueDefinition<Mt5VenueConfig, Mt5Feed> = {
  name: 'mt5',
  description:
    'MetaTrader 5 through the OmniBridge Expert Advisor (line-delimited JSON over TCP): prices and spot orders',
  configSchema: Mt5VenueConfigSchema,
  executorMarkets: ['spot'],
  createFeed: (config, request) =>
    new Mt5Feed({
      bridge: sharedMt5Bridge(config, request),
      symbols: request.symbols,
      clock: request.clock,
      seed: request.seed,
      onAlert: request.onAlert,
      ...(config.staleTimeoutMs !== undefined ? { staleTimeoutMs: config.staleTimeoutMs } : {}),
      ...(config.backoff !== undefined ? { backoff: config.backoff } : {}),
      ...(config.maxReconnects !== undefined ? { maxReconnects: config.maxReconnects } : {}),
    }),
  createExecutors: (config, context) => {
    const bridge = sharedMt5Bridge(config, context);
    const lots = { contractSize: config.contractSize, lotStep: config.lotStep, minLots: config.minLots };
    const path = context.stateDir === undefined ? undefined : join(context.stateDir, 'orders-mt5.json');
    return {
      spot: new Mt5SpotExecutor({
        bridge,
        book: BrokerOrderBook.open(path, 'mt5'),
        clock: context.clock,
        lots,
        // Micro-live (context.minimumSizes) or the setting: every order at the minimum volume.
        ...(config.volume === 'minimum' || context.minimumSizes === true
          ? { volumeFor: () => config.minLots }
          : {}),
        orderTimeoutMs: config.orderTimeoutMs,
        onAlert: context.onAlert,
        ...(context.onPositionState !== undefined ? { onPositionState: context.onPositionState } : {}),
      }),
    };
  },
};
