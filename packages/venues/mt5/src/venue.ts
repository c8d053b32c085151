import { ConnectionSettingsSchema } from '@omni/connection';
import type { VenueDefinition } from '@omni/execution';
import { z } from 'zod';
import { Mt5BridgeFeed } from './mt5-bridge-feed.js';

/** Settings of the `mt5` venue: where the bridge listens, and its connection settings (no pings: the bridge sends heartbeats). */
export const Mt5VenueConfigSchema = ConnectionSettingsSchema.omit({ pingIntervalMs: true }).extend({
  /** Bridge host. Default `127.0.0.1`. */
  host: z.string().min(1).optional(),
  port: z.number().int().min(1).max(65_535),
  /** Longest accepted line in bytes. Default 64 KiB. */
  maxLineBytes: z.number().int().positive().optional(),
});
/** Settings of the `mt5` venue. */
export type Mt5VenueConfig = z.infer<typeof Mt5VenueConfigSchema>;

/**
 * The `mt5` venue: MetaTrader 5 prices through the line-JSON bridge (see the README's protocol).
 * Its executors (spot orders through the same bridge) come in a later release.
 *
 * @example
 * const config = parseVenueConfig(mt5Venue, { port: 5555 });
 * const feed = mt5Venue.createFeed(config, { symbols: ['EURUSD'], clock, seed: 42, onAlert });
 */
export const mt5Venue: VenueDefinition<Mt5VenueConfig, Mt5BridgeFeed> = {
  name: 'mt5',
  description: 'MetaTrader 5 prices through a bridge Expert Advisor (line-delimited JSON over TCP)',
  configSchema: Mt5VenueConfigSchema,
  executorMarkets: [],
  createFeed: (settings, { symbols, clock, seed, onAlert }) =>
    new Mt5BridgeFeed({ ...settings, symbols, clock, seed, onAlert }),
};
