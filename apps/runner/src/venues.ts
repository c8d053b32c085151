import { type Alert, type Clock, type OmniConfig, RuntimeError } from '@omni/core';
import { type PoolStateSource, parseVenueConfig, type VenueDefinition } from '@omni/execution';
import type { PriceFeed } from '@omni/feeds';
import { binanceVenue } from '@omni/venue-binance';
import { binaryWsVenue } from '@omni/venue-binary-ws';
import { derivVenue } from '@omni/venue-deriv';
import { evmVenue } from '@omni/venue-evm';
import { mt5Venue } from '@omni/venue-mt5';

/** A venue as the runner drives it: its feed is a PriceFeed. */
export type RunnerVenue = VenueDefinition<unknown, PriceFeed>;

/** Every venue the CLI can run, by name: what `--venue NAME` picks from. */
export const VENUES: ReadonlyMap<string, RunnerVenue> = new Map<string, RunnerVenue>(
  [binanceVenue, mt5Venue, derivVenue, binaryWsVenue, evmVenue].map((venue): [string, RunnerVenue] => [
    venue.name,
    venue,
  ]),
);

/** The venue called `name`; RUNTIME_BAD_INPUT naming the known ones otherwise. */
export function findVenue(name: string): RunnerVenue {
  const venue = VENUES.get(name);
  if (venue === undefined) {
    throw new RuntimeError(
      'RUNTIME_BAD_INPUT',
      `unknown venue ${name}; known venues: ${[...VENUES.keys()].join(', ')}`,
      {
        venue: name,
      },
    );
  }
  return venue;
}

/** Flags that choose a live venue: `--venue NAME`, or `--feed binance` (an alias of `--venue binance`). */
export interface VenueFlags {
  readonly feed?: string;
  readonly venue?: string;
  /** The venue's settings as JSON, checked against its schema (`omni venues --json` lists them). */
  readonly venueConfig?: string;
  /** Alias of `--venue-config '{"baseUrl":URL}'` for the binance venue. */
  readonly binanceUrl?: string;
}

/** A venue a run asked for, with its settings already checked. */
export interface SelectedVenue {
  readonly venue: RunnerVenue;
  /** The settings `venue.configSchema` parsed from `--venue-config` (and `--binance-url`). */
  readonly config: unknown;
}

/**
 * The live venue a run asked for, its settings checked, or undefined for a replay. `--feed` takes
 * `replay` or `binance` (kept as an alias of `--venue binance`); `--venue` wins over `--feed`.
 * Throws before anything is opened or written: RUNTIME_BAD_INPUT for an unknown venue or feed or
 * unreadable `--venue-config`, ConfigError CONFIG_INVALID for settings the venue refuses.
 */
export function selectedVenue(flags: VenueFlags): SelectedVenue | undefined {
  const feed = flags.feed ?? 'replay';
  if (feed !== 'replay' && feed !== 'binance') {
    throw new RuntimeError('RUNTIME_BAD_INPUT', '--feed must be replay or binance', { feed });
  }
  const name = flags.venue ?? (feed === 'binance' ? 'binance' : undefined);
  if (name === undefined) return undefined;
  const venue = findVenue(name);
  const settings = venueSettings(flags);
  if (flags.binanceUrl !== undefined && venue.name === 'binance') settings['baseUrl'] = flags.binanceUrl;
  return { venue, config: parseVenueConfig(venue, settings) };
}

/** What a run gives the venue's feed besides its settings. */
export interface VenueFeedSetup {
  readonly symbol: string;
  readonly clock: Clock;
  readonly seed: number | string;
  readonly onAlert: (alert: Alert) => void;
  /** The run's credentials (the MT5 bridge's shared secret, a platform's token). */
  readonly credentials?: OmniConfig['credentials'];
}

/**
 * The selected venue's pool states for the arbitrage engine (`createPools`), or undefined when the
 * venue has none. Shares the venue's node connection with its feed and executors (same settings).
 */
export function openVenuePools(
  { venue, config }: SelectedVenue,
  setup: Omit<VenueFeedSetup, 'symbol'>,
): PoolStateSource | undefined {
  return venue.createPools?.(config, {
    clock: setup.clock,
    seed: setup.seed,
    onAlert: setup.onAlert,
    ...(setup.credentials ? { credentials: setup.credentials } : {}),
  });
}

/** The selected venue's price feed for one symbol (not started). */
export function openVenueFeed({ venue, config }: SelectedVenue, setup: VenueFeedSetup): PriceFeed {
  return venue.createFeed(config, {
    symbols: [setup.symbol],
    clock: setup.clock,
    seed: setup.seed,
    onAlert: setup.onAlert,
    ...(setup.credentials ? { credentials: setup.credentials } : {}),
  });
}

function venueSettings(flags: VenueFlags): Record<string, unknown> {
  if (flags.venueConfig === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(flags.venueConfig);
  } catch {
    value = undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RuntimeError(
      'RUNTIME_BAD_INPUT',
      '--venue-config must be a JSON object, e.g. \'{"port":5555}\'',
      {
        venueConfig: flags.venueConfig.slice(0, 200),
      },
    );
  }
  return { ...(value as Record<string, unknown>) };
}

/** One line of `omni venues`. */
export interface VenueListing {
  readonly name: string;
  readonly description: string;
  /** Every bundled venue has a price feed. */
  readonly feed: true;
  /** Markets its executors serve (empty: data only, for now). */
  readonly executors: readonly string[];
  /** Keys `--venue-config` accepts. */
  readonly settings: readonly string[];
}

/** What each registered venue provides. */
export function listVenues(): VenueListing[] {
  return [...VENUES.values()].map((venue) => ({
    name: venue.name,
    description: venue.description,
    feed: true,
    executors: [...venue.executorMarkets],
    settings: settingKeys(venue),
  }));
}

/** The top-level keys of a venue's settings schema (an object schema for every bundled venue). */
function settingKeys(venue: RunnerVenue): string[] {
  // An object schema, or one refined by a transform (a zod pipe: its input is the object).
  const schema = venue.configSchema as {
    shape?: Record<string, unknown>;
    in?: { shape?: Record<string, unknown> };
  };
  const shape = schema.shape ?? schema.in?.shape;
  return shape === undefined ? [] : Object.keys(shape);
}

/** `omni venues` as text: per venue, what it provides and the settings `--venue-config` takes. */
export function formatVenues(venues: readonly VenueListing[]): string {
  return venues
    .map((v) =>
      [
        `${v.name}: price feed; executors: ${v.executors.length > 0 ? v.executors.join(', ') : 'none'}`,
        `  ${v.description}`,
        `  --venue-config keys: ${v.settings.join(', ')}`,
      ].join('\n'),
    )
    .join('\n');
}
