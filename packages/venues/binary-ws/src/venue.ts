import { type ConnectionSettings, ConnectionSettingsSchema } from '@omni/connection';
import { ConfigError, Secret } from '@omni/core';
import { brokerBinaryExecutors, type VenueContext, type VenueDefinition } from '@omni/execution';
import { z } from 'zod';
import { JsonWsBinaryBroker } from './json-ws-binary-broker.js';
import { JsonWsTickFeed, noFeed } from './json-ws-tick-feed.js';
import { checkJsonWsProtocol, readProtocolJson } from './protocol-load.js';

const wsUrl = z
  .string()
  .regex(/^wss?:\/\/\S+$/, 'expected a ws:// or wss:// URL')
  .optional();

/**
 * Settings of the `binary-ws` venue: the platform's protocol (inline as `protocol`, or a JSON file
 * as `protocolFile`, read and checked when the settings are parsed), the endpoint, a symbol map and
 * the shared connection settings. The token is never a setting: POCKET_TOKEN, a Secret, through the
 * run's credentials.
 */
export const BinaryWsVenueConfigSchema = ConnectionSettingsSchema.extend({
  /** The protocol itself (see `JsonWsProtocolSchema`). */
  protocol: z.unknown().optional(),
  /** A protocol file, e.g. `packages/venues/binary-ws/examples/acme-binary.json` (relative to the working directory). */
  protocolFile: z.string().min(1).optional(),
  /** WebSocket endpoint. Default: the credentials' POCKET_BASE_URL (a Secret). */
  url: wsUrl,
  /** Engine symbol → platform symbol, e.g. `{ "EURUSD": "EURUSD_otc" }`. Unmapped symbols pass as they are. */
  symbols: z.record(z.string(), z.string().min(1)).optional(),
}).transform((input, ctx) => {
  const { protocol, protocolFile, ...settings } = input;
  if ((protocol === undefined) === (protocolFile === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: [],
      message: 'set one of protocol (inline) or protocolFile (a JSON file)',
    });
    return z.NEVER;
  }
  let raw: unknown = protocol;
  const at = protocolFile === undefined ? 'protocol' : 'protocolFile';
  if (protocolFile !== undefined) {
    try {
      raw = readProtocolJson(protocolFile);
    } catch (err) {
      const why = err instanceof ConfigError ? err.shortMessage : 'cannot read it';
      ctx.addIssue({ code: 'custom', path: ['protocolFile'], message: `${protocolFile}: ${why}` });
      return z.NEVER;
    }
  }
  const checked = checkJsonWsProtocol(raw);
  if (!checked.ok) {
    for (const issue of checked.issues) {
      ctx.addIssue({ code: 'custom', path: [at, ...issue.path.map(String)], message: issue.message });
    }
    return z.NEVER;
  }
  return { ...settings, protocol: checked.protocol };
});
/** Settings of the `binary-ws` venue, the protocol validated. */
export type BinaryWsVenueConfig = z.output<typeof BinaryWsVenueConfigSchema>;

/** The platform's symbol of an engine symbol under `config.symbols`. */
export function binaryWsSymbol(config: BinaryWsVenueConfig, symbol: string): string {
  return config.symbols?.[symbol] ?? symbol;
}

/**
 * The configured platform as a {@link JsonWsBinaryBroker}, for `BrokerBinaryExecutor`: the token is
 * the credentials' POCKET_TOKEN (a Secret), the URL the setting `url` or else POCKET_BASE_URL. Throws
 * ConfigError `CONFIG_INVALID` naming the missing variable (never its value).
 *
 * @example
 * const broker = createBinaryWsBroker(parseVenueConfig(binaryWsVenue, { protocolFile }), { clock, seed, onAlert, credentials });
 */
export function createBinaryWsBroker(config: BinaryWsVenueConfig, context: VenueContext): JsonWsBinaryBroker {
  const token = context.credentials?.pocket.token;
  if (token === undefined || !token.isSet) {
    throw new ConfigError('CONFIG_INVALID', 'POCKET_TOKEN is not set: the binary-ws venue logs in with it', {
      venue: config.protocol.venue,
    });
  }
  return new JsonWsBinaryBroker({
    protocol: config.protocol,
    url: endpoint(config, context),
    token,
    clock: context.clock,
    seed: context.seed,
    onAlert: context.onAlert,
    connection: connectionSettings(config),
  });
}

/**
 * The `binary-ws` venue: any binary-options platform with a JSON-over-WebSocket API, its messages
 * configured. Its binary executor is `BrokerBinaryExecutor` of @omni/execution around
 * {@link createBinaryWsBroker}. The feed exists only when the protocol has a `ticks` operation; otherwise
 * `createFeed` throws BinaryWsError `BINARY_WS_NO_FEED` (run on another venue's feed).
 *
 * @example
 * const config = parseVenueConfig(binaryWsVenue, { protocolFile: 'acme-binary.json' });
 * const feed = binaryWsVenue.createFeed(config, { symbols: ['EURUSD'], clock, seed: 42, onAlert, credentials });
 */
export const binaryWsVenue: VenueDefinition<BinaryWsVenueConfig, JsonWsTickFeed> = {
  name: 'binary-ws',
  description:
    'a binary-options platform with a JSON-over-WebSocket API, its messages configured (protocolFile)',
  configSchema: BinaryWsVenueConfigSchema,
  executorMarkets: ['binary'],
  createExecutors: (config, context) =>
    brokerBinaryExecutors(createBinaryWsBroker(config, context), context, {
      symbolFor: (symbol) => binaryWsSymbol(config, symbol),
    }),
  createFeed: (config, request) => {
    if (config.protocol.operations.ticks === undefined) throw noFeed(config.protocol.venue);
    const token = request.credentials?.pocket.token;
    return new JsonWsTickFeed({
      protocol: config.protocol,
      url: endpoint(config, request),
      ...(token !== undefined ? { token } : {}),
      symbols: request.symbols.map((s) => binaryWsSymbol(config, s)),
      engineSymbols: Object.fromEntries(request.symbols.map((s) => [binaryWsSymbol(config, s), s])),
      ...connectionSettings(config),
      clock: request.clock,
      seed: request.seed,
      onAlert: request.onAlert,
    });
  },
};

function endpoint(config: BinaryWsVenueConfig, context: VenueContext): Secret {
  if (config.url !== undefined) return new Secret(config.url);
  const url = context.credentials?.pocket.baseUrl;
  if (url === undefined || !url.isSet) {
    throw new ConfigError('CONFIG_INVALID', 'no endpoint: set url in the venue settings or POCKET_BASE_URL', {
      venue: config.protocol.venue,
    });
  }
  if (!/^wss?:\/\//.test(url.reveal())) {
    throw new ConfigError(
      'CONFIG_INVALID',
      'POCKET_BASE_URL must be a ws:// or wss:// URL for the binary-ws venue',
      {
        venue: config.protocol.venue,
      },
    );
  }
  return url;
}

function connectionSettings(config: BinaryWsVenueConfig): ConnectionSettings {
  return {
    ...(config.backoff !== undefined ? { backoff: config.backoff } : {}),
    ...(config.maxReconnects !== undefined ? { maxReconnects: config.maxReconnects } : {}),
    ...(config.staleTimeoutMs !== undefined ? { staleTimeoutMs: config.staleTimeoutMs } : {}),
    ...(config.pingIntervalMs !== undefined ? { pingIntervalMs: config.pingIntervalMs } : {}),
  };
}
