import { ConfigError, ManualClock, type Tick } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseVenueConfig, type VenueDefinition } from './venue-definition.js';

const BridgeConfigSchema = z.object({
  host: z.string().default('127.0.0.1'),
  port: z.number().int().min(1).max(65_535),
});

/** A venue whose feed yields one tick per requested symbol at the clock's time. */
const bridgeVenue: VenueDefinition<z.infer<typeof BridgeConfigSchema>> = {
  name: 'test-bridge',
  description: 'a venue for this test',
  configSchema: BridgeConfigSchema,
  executorMarkets: [],
  createFeed: (config, request) =>
    (async function* (): AsyncGenerator<Tick> {
      for (const symbol of request.symbols)
        yield { symbol, tsMs: request.clock.nowMs(), price: config.port, source: `${config.host}` };
    })(),
};

describe('parseVenueConfig', () => {
  it("returns the venue's settings with the schema's defaults filled in", async () => {
    const config = parseVenueConfig(bridgeVenue, { port: 5555 });
    expect(config).toEqual({ host: '127.0.0.1', port: 5555 });
    const ticks: Tick[] = [];
    const request = { symbols: ['EURUSD'], clock: new ManualClock(7), seed: 1, onAlert: () => {} };
    for await (const tick of bridgeVenue.createFeed(config, request)) ticks.push(tick);
    expect(ticks).toEqual([{ symbol: 'EURUSD', tsMs: 7, price: 5555, source: '127.0.0.1' }]);
  });

  it('throws CONFIG_INVALID naming the venue and every bad field with its path', () => {
    let caught: unknown;
    try {
      parseVenueConfig(bridgeVenue, { host: 5, port: '5555' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect(caught).toMatchObject({
      code: 'CONFIG_INVALID',
      shortMessage: 'invalid settings for venue test-bridge',
      context: { venue: 'test-bridge' },
    });
    expect((caught as ConfigError).details).toEqual([
      'host: Invalid input: expected string, received number',
      'port: Invalid input: expected number, received string',
    ]);
  });

  it('reads a missing input as no settings', () => {
    expect(() => parseVenueConfig(bridgeVenue, undefined)).toThrow(
      /port: Invalid input: expected number, received undefined/,
    );
  });
});
