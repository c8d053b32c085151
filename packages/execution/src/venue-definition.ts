import { type Alert, type Clock, ConfigError, type Market, type OmniConfig, type Tick } from '@omni/core';
import type { z } from 'zod';
import type { PositionStateSink } from './executor.js';
import type { PoolStateSource } from './pool-state-source.js';
import type { ExecutorSet } from './real-time-execution-hub.js';

/** What a venue's factories get from the application that runs them. */
export interface VenueContext {
  readonly clock: Clock;
  /** Seed of everything random the venue does (reconnect jitter). */
  readonly seed: number | string;
  /** Where the venue's feed and executors report reconnects, skipped messages, refusals. */
  readonly onAlert: (alert: Alert) => void;
  /** The run's credentials (Secrets): a live venue takes its token or shared secret from here, never from its settings. */
  readonly credentials?: OmniConfig['credentials'];
  /** Directory of persistent state: a live executor keeps its decision → order map there (`orders-<venue>.json`). */
  readonly stateDir?: string;
  /** Where a live executor records fills and broker references of open positions (the position ledger). */
  readonly onPositionState?: PositionStateSink;
  /** Micro-live: every order at the venue's minimum stake or volume. Default false. */
  readonly minimumSizes?: boolean;
  /** Binary settlement rules (payout, tie rule) for the shadow settlement a live binary executor runs beside the broker's. */
  readonly engines?: Pick<OmniConfig['engines'], 'binary' | 'spot'>;
}

/** What a run asks of a venue's feed. */
export interface VenueFeedRequest extends VenueContext {
  /** Symbols in the venue's own spelling, e.g. `btcusdt` (Binance), `EURUSD` (MT5). */
  readonly symbols: readonly string[];
}

/**
 * A venue as one plug-in (nautilus_trader's adapter: a data client and an execution client): its
 * name, its settings schema (zod, validated at the edge), a factory of its price feed and,
 * optionally, of its executors. The runner keeps a registry of these and picks one with `--venue`.
 *
 * Why it lives here: executors are this package's ports (`ExecutorSet`), and a venue's executors
 * plug into `RealTimeExecutionHub`; the feed side needs only a tick stream, so `Feed` is a type
 * parameter (a `PriceFeed` of `@omni/feeds` for every bundled venue) and execution stays free of
 * feeds and of any transport.
 *
 * @example
 * const venue: VenueDefinition<BinanceVenueConfig, BinanceFeed> = binanceVenue;
 * const config = parseVenueConfig(venue, { streams: ['trade', 'bookTicker'] });
 * const feed = venue.createFeed(config, { symbols: ['btcusdt'], clock, seed: 42, onAlert });
 */
export interface VenueDefinition<Config = unknown, Feed extends AsyncIterable<Tick> = AsyncIterable<Tick>> {
  /** Registry key and `--venue` value, e.g. `binance`. */
  readonly name: string;
  /** One line for `omni venues`. */
  readonly description: string;
  /** The venue's settings (endpoint, timeouts...); parse input with {@link parseVenueConfig}. */
  readonly configSchema: z.ZodType<Config>;
  /** The markets `createExecutors` serves; empty while the venue has no executors. */
  readonly executorMarkets: readonly Market[];
  /** A price feed of `request.symbols` (not started). */
  createFeed(config: Config, request: VenueFeedRequest): Feed;
  /** The venue's executors, one per market in `executorMarkets`. */
  createExecutors?(config: Config, context: VenueContext): ExecutorSet;
  /**
   * The venue's pool states for the arbitrage engine (a chain venue: its pairs' reserves, read
   * once per block). `omni live` and `omni shadow` give it to the engine as its `pools`, so the
   * governor sizes routes on the same states the venue's feed and executors see; without it a
   * live run has no arbitrage and a shadow run keeps the synthetic pools. Optional.
   */
  createPools?(config: Config, context: VenueContext): PoolStateSource;
}

/**
 * Validates `input` against the venue's schema. Throws ConfigError `CONFIG_INVALID` naming the
 * venue and listing every issue with its path (`port: expected number, received string`).
 */
export function parseVenueConfig<Config>(
  venue: Pick<VenueDefinition<Config>, 'name' | 'configSchema'>,
  input: unknown,
): Config {
  const result = venue.configSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw new ConfigError(
    'CONFIG_INVALID',
    `invalid settings for venue ${venue.name}`,
    { venue: venue.name },
    {
      details: result.error.issues.map(
        (issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`,
      ),
    },
  );
}
