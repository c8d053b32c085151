import { z } from 'zod';
import { BackoffSchema } from './reconnect-schedule.js';

/**
 * The connection settings a venue's config exposes, validated at the edge; an unset field takes
 * the feed's default. A venue's schema extends it (`ConnectionSettingsSchema.extend({ port })`),
 * so these settings are spelled and checked the same way for every venue.
 */
export const ConnectionSettingsSchema = z.strictObject({
  backoff: BackoffSchema.optional(),
  /** Consecutive failed reconnects before the feed gives up (FEED_CONNECTION). Default unlimited. */
  maxReconnects: z.number().int().nonnegative().optional(),
  /** No inbound data for this long → the connection is dropped and reopened. */
  staleTimeoutMs: z.number().int().positive().optional(),
  /** Keep-alive pings this often, where the protocol has them. */
  pingIntervalMs: z.number().int().positive().optional(),
});
/** The connection settings of a venue's config. */
export type ConnectionSettings = z.infer<typeof ConnectionSettingsSchema>;
