import { inspect } from 'node:util';
import { ManualClock, parseConfig } from '@omni/core';
import { parseVenueConfig, type VenueContext } from '@omni/execution';
import { describe, expect, it } from 'vitest';
import { ChainPoolSource } from './chain-pool-source.js';
import { EvmArbitrageExecutor } from './evm-arbitrage-executor.js';
import { evmVenue } from './evm-venue.js';

// No chain here: building the venue's parts connects to nothing (the node is asked only at start).
const TRADING_KEY = `0x${'ab'.repeat(32)}`;
const AUTH_KEY = `0x${'cd'.repeat(32)}`;
const address = (n: number) => `0x${n.toString(16).padStart(40, '0')}`;
const ROUTE = {
  routeId: 'weth-usd:A->B',
  borrowPair: address(1),
  borrowToken: address(2),
  sellPath: [address(3)],
  repayTokenUsd: 1,
};

function context(credentials: Record<string, unknown>): VenueContext {
  return {
    clock: new ManualClock(0),
    seed: 1,
    onAlert: () => undefined,
    credentials: parseConfig({ credentials }).credentials,
  };
}

function settings(extra: Record<string, unknown> = {}) {
  return parseVenueConfig(evmVenue, {
    routes: [ROUTE],
    chainId: 1,
    ethUsd: 3000,
    executorAddress: address(4),
    ...extra,
  });
}

const rpcUrl = 'http://127.0.0.1:9/key-in-the-url';

describe('evmVenue', () => {
  it('parses its settings with defaults and refuses a missing route list, naming the field', () => {
    expect(settings()).toMatchObject({
      pollIntervalMs: 1000,
      rpcTimeoutMs: 10_000,
      useRelay: false,
      relayTargetBlocks: 3,
    });
    expect(() => parseVenueConfig(evmVenue, { chainId: 1, ethUsd: 3000 })).toThrow(
      /invalid settings for venue evm/,
    );
  });

  it('gives pools, feed and executor one shared node link for one settings object', () => {
    const config = settings();
    const ctx = context({ dex: { rpcUrl, privateKey: TRADING_KEY } });
    const pools = evmVenue.createPools?.(config, ctx);
    expect(pools).toBeInstanceOf(ChainPoolSource);
    expect(evmVenue.createPools?.(config, ctx)).toBe(pools);
    expect(pools?.routeIds()).toEqual(['weth-usd:A->B']);
    const executors = evmVenue.createExecutors?.(config, ctx);
    expect(executors?.arbitrage).toBeInstanceOf(EvmArbitrageExecutor);
    const feed = evmVenue.createFeed(config, { ...ctx, symbols: ['WETHUSD'] });
    expect(feed.name).toBe('evm-pools:WETHUSD');
    void feed.stop(); // closes the (never used) node connection
  });

  it('names each missing credential or setting and never shows a key', () => {
    const refusal = (config: ReturnType<typeof settings>, credentials: Record<string, unknown>) => {
      try {
        evmVenue.createExecutors?.(config, context(credentials));
        return 'built';
      } catch (err) {
        return inspect(err);
      }
    };
    const noRpc = refusal(settings(), { dex: { privateKey: TRADING_KEY } });
    const noKey = refusal(settings(), { dex: { rpcUrl } });
    const noContract = refusal(parseVenueConfig(evmVenue, { routes: [ROUTE], chainId: 1, ethUsd: 3000 }), {
      dex: { rpcUrl, privateKey: TRADING_KEY },
    });
    const relay = settings({ useRelay: true });
    const noRelayUrl = refusal(relay, { dex: { rpcUrl, privateKey: TRADING_KEY }, mevAuthKey: AUTH_KEY });
    const noAuthKey = refusal(relay, {
      dex: { rpcUrl, privateKey: TRADING_KEY },
      mevRelayUrl: 'http://127.0.0.1:9/',
    });
    const sameKey = refusal(relay, {
      dex: { rpcUrl, privateKey: TRADING_KEY },
      mevRelayUrl: 'http://127.0.0.1:9/',
      mevAuthKey: TRADING_KEY,
    });
    const ok = refusal(relay, {
      dex: { rpcUrl, privateKey: TRADING_KEY },
      mevRelayUrl: 'http://127.0.0.1:9/',
      mevAuthKey: AUTH_KEY,
    });
    expect(noRpc).toContain('DEX_RPC is not set');
    expect(noKey).toContain('DEX_PRIVKEY is not set');
    expect(noContract).toContain('executorAddress is not set');
    expect(noRelayUrl).toContain('MEV_RELAY_URL is not set');
    expect(noAuthKey).toContain('MEV_AUTH_KEY is not set');
    expect(sameKey).toContain('the relay signing key is the trading key');
    expect(ok).toBe('built');
    const all = [noRpc, noKey, noContract, noRelayUrl, noAuthKey, sameKey].join('\n');
    expect(all.includes('ab'.repeat(32))).toBe(false);
    expect(all.includes('cd'.repeat(32))).toBe(false);
    expect(all.includes('key-in-the-url')).toBe(false);
  });
});
