import { ConnectionSettingsSchema } from '@omni/connection';
import { brokerBinaryExecutors, type VenueContext, type VenueDefinition } from '@omni/execution';
import { z } from 'zod';
import { DERIV_DEFAULT_MIN_STAKE, DerivBinaryBroker } from './deriv-binary-broker.js';
import { DerivClient } from './deriv-client.js';
import { DerivError } from './deriv-error.js';
import { DerivFeed } from './deriv-feed.js';

/** Deriv's public test app id (its documentation's examples use it); register your own for live use. */
export const DERIV_PUBLIC_APP_ID = '1089';

/**
 * Settings of the `deriv` venue. Unset fields take the defaults of {@link DerivClient} and
 * {@link DerivFeed}; `wsUrl`/`appId` fall back to the credentials (DERIV_WS_URL, DERIV_APP_ID); the
 * token is never a setting (DERIV_TOKEN, a Secret, through the run's credentials).
 */
export const DerivVenueConfigSchema = ConnectionSettingsSchema.extend({
  /** WebSocket endpoint. Default: credentials, then `wss://ws.derivws.com/websockets/v3`. */
  wsUrl: z
    .string()
    .regex(/^wss?:\/\/\S+$/, 'expected a ws:// or wss:// URL')
    .optional(),
  /** The app id registered with Deriv. Default: credentials, then Deriv's public test app id 1089. */
  appId: z.string().regex(/^\d+$/, 'must be the numeric Deriv app id').optional(),
  /** Deadline of every request (ms). Default 10 000. */
  requestTimeoutMs: z.number().int().positive().optional(),
  /** Frames larger than this are refused (ws maxPayload). Default 1 MiB. */
  maxFrameBytes: z.number().int().positive().optional(),
  /** Smallest stake (micro-live clamps to it). Default 0.35. */
  minStake: z.number().positive().default(DERIV_DEFAULT_MIN_STAKE),
  /** Account currency expected, e.g. `USD` (checked by the executor). Default: the account's. */
  currency: z
    .string()
    .regex(/^[A-Z]{3,4}$/, 'expected a currency code such as USD')
    .optional(),
  /** Engine symbol → Deriv symbol, e.g. `{ "EURUSD": "frxEURUSD" }`. Unmapped symbols pass as they are. */
  symbols: z.record(z.string(), z.string().min(1)).optional(),
});
/** Settings of the `deriv` venue. */
export type DerivVenueConfig = z.infer<typeof DerivVenueConfigSchema>;

/** The Deriv symbol of an engine symbol under `config.symbols`. */
export function derivSymbol(config: DerivVenueConfig, symbol: string): string {
  return config.symbols?.[symbol] ?? symbol;
}

function endpoint(config: DerivVenueConfig, context: Pick<VenueContext, 'credentials'>) {
  const credentials = context.credentials?.deriv;
  const wsUrl = config.wsUrl ?? credentials?.wsUrl;
  return { appId: config.appId ?? credentials?.appId ?? DERIV_PUBLIC_APP_ID, ...(wsUrl ? { wsUrl } : {}) };
}

/**
 * A {@link DerivBinaryBroker} for a run: the token from `context.credentials.deriv.token`, the
 * endpoint from the settings, else the credentials. Throws DERIV_BAD_OPTION without a token. The
 * venue's `createExecutors` wraps it in `BrokerBinaryExecutor` (@omni/execution).
 *
 * @example
 * const broker = createDerivBroker(parseVenueConfig(derivVenue, settings), { clock, seed, onAlert, credentials });
 */
export function createDerivBroker(config: DerivVenueConfig, context: VenueContext): DerivBinaryBroker {
  const token = context.credentials?.deriv.token;
  if (token === undefined || !token.isSet) {
    throw new DerivError(
      'DERIV_BAD_OPTION',
      'DERIV_TOKEN is not set: create an API token with read and trade scopes',
      {},
    );
  }
  const client = new DerivClient({
    ...endpoint(config, context),
    token,
    ...(config.requestTimeoutMs !== undefined ? { requestTimeoutMs: config.requestTimeoutMs } : {}),
    ...(config.pingIntervalMs !== undefined ? { pingIntervalMs: config.pingIntervalMs } : {}),
    ...(config.staleTimeoutMs !== undefined ? { staleTimeoutMs: config.staleTimeoutMs } : {}),
    ...(config.maxFrameBytes !== undefined ? { maxFrameBytes: config.maxFrameBytes } : {}),
    ...(config.backoff !== undefined ? { backoff: config.backoff } : {}),
    ...(config.maxReconnects !== undefined ? { maxReconnects: config.maxReconnects } : {}),
    seed: context.seed,
    clock: context.clock,
    onAlert: context.onAlert,
  });
  return new DerivBinaryBroker(client, { minStake: config.minStake });
}

/**
 * The `deriv` venue: Deriv ticks as a feed (one public connection) and binary options through
 * {@link createDerivBroker} (its own authorized connection) inside `BrokerBinaryExecutor`.
 *
 * @example
 * const config = parseVenueConfig(derivVenue, { appId: '1089' });
 * const feed = derivVenue.createFeed(config, { symbols: ['R_100'], clock, seed: 42, onAlert });
 */
export const derivVenue: VenueDefinition<DerivVenueConfig, DerivFeed> = {
  name: 'deriv',
  description: 'Deriv binary options over the Deriv WebSocket API v3: ticks feed, CALL/PUT contracts',
  configSchema: DerivVenueConfigSchema,
  executorMarkets: ['binary'],
  createExecutors: (config, context) =>
    brokerBinaryExecutors(createDerivBroker(config, context), context, {
      symbolFor: (symbol) => derivSymbol(config, symbol),
    }),
  createFeed: (config, request) =>
    new DerivFeed({
      ...endpoint(config, request),
      symbols: request.symbols.map((s) => derivSymbol(config, s)),
      ...(config.pingIntervalMs !== undefined ? { pingIntervalMs: config.pingIntervalMs } : {}),
      ...(config.staleTimeoutMs !== undefined ? { staleTimeoutMs: config.staleTimeoutMs } : {}),
      ...(config.maxFrameBytes !== undefined ? { maxFrameBytes: config.maxFrameBytes } : {}),
      ...(config.backoff !== undefined ? { backoff: config.backoff } : {}),
      ...(config.maxReconnects !== undefined ? { maxReconnects: config.maxReconnects } : {}),
      clock: request.clock,
      seed: request.seed,
      onAlert: request.onAlert,
    }),
};
