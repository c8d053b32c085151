import { ConnectionSettingsSchema } from '@omni/connection';
import type { VenueDefinition } from '@omni/execution';
import { z } from 'zod';
import { BinanceFeed } from './binance-feed.js';

/** Settings of the `binance` venue: endpoint, streams, and the shared connection settings; unset fields take {@link BinanceFeed}'s defaults. */
export const BinanceVenueConfigSchema = ConnectionSettingsSchema.extend({
  /** WebSocket base URL. Default `wss://stream.binance.com:9443`. */
  baseUrl: z
    .string()
    .regex(/^wss?:\/\/\S+$/, 'expected a ws:// or wss:// URL')
    .optional(),
  /** Streams opened for each symbol. Default `['trade']`. */
  streams: z
    .array(z.enum(['trade', 'bookTicker']))
    .min(1)
    .default(['trade']),
});
/** Settings of the `binance` venue. */
export type BinanceVenueConfig = z.infer<typeof BinanceVenueConfigSchema>;

/**
 * The `binance` venue: Binance spot market data (trade and bookTicker streams over one WebSocket).
 * No executors: Binance is a data venue here.
 *
 * @example
 * const config = parseVenueConfig(binanceVenue, { streams: ['trade'] });
 * const feed = binanceVenue.createFeed(config, { symbols: ['btcusdt'], clock, seed: 42, onAlert });
 */
export const binanceVenue: VenueDefinition<BinanceVenueConfig, BinanceFeed> = {
  name: 'binance',
  description: 'Binance spot market data: <symbol>@trade / @bookTicker streams over one WebSocket',
  configSchema: BinanceVenueConfigSchema,
  executorMarkets: [],
  createFeed: ({ streams, ...settings }, { symbols, clock, seed, onAlert }) =>
    new BinanceFeed({
      ...settings,
      streams: symbols.flatMap((symbol) => streams.map((kind) => `${symbol}@${kind}`)),
      clock,
      seed,
      onAlert,
    }),
};
