import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AuditableDecision,
  type DecideInput,
  type DecisionBrain,
  ManualClock,
  type OmniConfig,
  parseConfig,
  type RouteCandidate,
  Secret,
} from '@omni/core';
import type { ExecutionHub, RealTimeExecutionHub, ShadowArbitrageExecutor } from '@omni/execution';
import type { OmniEngine } from '@omni/runtime';
import {
  ArbMarket,
  BundleSigner,
  ChainPoolSource,
  type EvmArbitrageExecutor,
  type LocalRpcServer,
} from '@omni/venue-evm';
import { FakeRelay } from '@omni/venue-evm/testing';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { RunSummary } from '../run-summary.js';
import { allText, capture, until } from './live.fixture.js';
import { runLive } from './live.js';
import { runShadow } from './shadow.js';

// `omni live --venue evm` end to end on a local chain reached through a JSON-RPC server on
// 127.0.0.1 (the real JsonRpcProvider(DEX_RPC) path). One chain for the file; the tests run in order.

/** The relay identity key: configured, unused by a public-mempool run, and never written anywhere. */
const MEV_AUTH_KEY = `0x${'22'.repeat(32)}`;

/** Trades the first priced arbitrage route it is offered, once; holds otherwise. */
class FirstRouteBrain implements DecisionBrain {
  traded = false;
  /** The route it traded, as priced on the decision's block. */
  taken: RouteCandidate | undefined;
  decide(input: DecideInput): AuditableDecision {
    const tsMs = input.features.tsMs;
    const route = input.arbitrage?.candidates[0];
    if (this.traded || route === undefined) {
      return {
        decision: { engine: 'none', id: input.decisionId, tsMs, reason: 'no route' },
        regimeKey: 'arb',
      };
    }
    this.traded = true;
    this.taken = route;
    return {
      decision: {
        engine: 'arbitrage',
        id: input.decisionId,
        tsMs,
        confidence: 1,
        reasons: ['priced route'],
        routeId: route.routeId,
        amountInWei: route.amountInWei,
        minProfitWei: 0n,
      },
      regimeKey: 'arb',
    };
  }
  learn(): void {}
}

let market: ArbMarket;
let server: LocalRpcServer;

beforeAll(async () => {
  market = await ArbMarket.start();
  server = await market.chain.serve();
});

afterAll(async () => {
  await server?.stop();
  await market?.close();
});

/** A micro-live run on the evm venue: state, run folder and console of its own. */
class EvmLiveRun {
  readonly dir = mkdtempSync(join(tmpdir(), 'omni-live-evm-'));
  readonly out = join(this.dir, 'run');
  readonly io = capture();
  readonly config: OmniConfig;
  engine: OmniEngine | undefined;
  hub: ExecutionHub | undefined;
  processed = 0;
  failed: Error | undefined;

  readonly #useRelay: boolean;

  constructor(relayUrl?: string) {
    this.#useRelay = relayUrl !== undefined;
    this.config = parseConfig({
      mode: 'micro-live',
      logDir: join(this.dir, 'logs'),
      credentials: {
        dex: { rpcUrl: server.url, privateKey: market.trader.privateKey },
        mevAuthKey: MEV_AUTH_KEY,
        ...(relayUrl === undefined ? {} : { mevRelayUrl: relayUrl }),
      },
      live: { confirm: true },
      // Gas of 250 000 at 1 gwei and 3 000 USD/ETH: 0.75 USD, inside the micro-live caps.
      engines: { arbitrage: { gasPriceGwei: 1 } },
    });
  }

  start(brain: DecisionBrain, maxTicks: number): Promise<RunSummary> {
    const venueConfig = JSON.stringify({
      routes: [market.route],
      chainId: market.chain.chainId,
      executorAddress: market.arbContract,
      ethUsd: 3000,
      pollIntervalMs: 5,
      rpcTimeoutMs: 5000,
      useRelay: this.#useRelay,
    });
    return runLive(
      this.config,
      { venue: 'evm', symbol: 'WETHUSD', out: this.out, maxTicks, venueConfig },
      this.io,
      {
        clock: new ManualClock(1_700_000_000_000), // before the chain's first block: the loop moves it to each tick's time
        brain,
        features: { bars: { kind: 'ticks', count: 1 }, priceWindow: 64 },
        onStarted: (engine, hub) => {
          this.engine = engine;
          this.hub = hub;
        },
        afterTick: (engine) => {
          this.processed = engine.runtime.ticks;
        },
      },
    ).catch((err: unknown) => {
      this.failed = new Error(`${String(err)}\n${this.io.text()}`);
      throw this.failed;
    });
  }

  /** Resolves once `ready()` holds; throws at once when the run failed. */
  async until(ready: () => boolean): Promise<void> {
    await until(() => ready() || this.failed !== undefined);
    if (this.failed !== undefined) throw this.failed;
  }

  /** Mines a block and waits until the engine processed its tick. */
  async block(): Promise<void> {
    const seen = this.processed;
    await market.chain.mine();
    await this.until(() => this.processed > seen);
  }

  alertCodes(): string[] {
    return readFileSync(join(this.out, 'alerts.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => (JSON.parse(l) as { code: string }).code);
  }
}

async function usdBalance(who: string): Promise<bigint> {
  return (await market.usd.getFunction('balanceOf')(who)) as bigint;
}

describe('omni live --venue evm (local chain behind a JSON-RPC server on 127.0.0.1)', () => {
  it.each(['the public mempool', 'a relay'])(
    'finds an injected gap, executes one flash swap through %s, realises the prediction to the wei, and leaks no key',
    async (path) => {
      const relay = path === 'a relay' ? await FakeRelay.start({ chain: market.chain }) : undefined;
      onTestFinished(() => relay?.close());
      const run = new EvmLiveRun(relay?.url);
      const brain = new FirstRouteBrain();
      const done = run.start(brain, 40);
      await run.until(() => run.engine !== undefined && run.processed >= 1);
      for (let i = 0; i < 33; i++) await run.block(); // the 32-price window fills: decisions start
      const before = await usdBalance(market.trader.address);
      const ticks = run.processed;
      await market.injectGap(200); // two blocks (mint, swap): the next tick sees the gap
      await run.until(() => run.processed > ticks);
      while (run.processed < 40) await run.block();
      await market.chain.mine(); // the tick after the last ends the run
      const summary = await done;
      const executor = (run.hub as RealTimeExecutionHub | undefined)?.executorFor('arbitrage') as
        | EvmArbitrageExecutor
        | undefined;
      const attempt = executor?.lastAttempt;
      if (attempt?.sent !== true)
        throw new Error(`nothing sent: ${JSON.stringify(attempt)}\n${run.io.text()}`);
      expect(brain.traded).toBe(true);
      expect(attempt.status).toBe('filled');
      expect(attempt.realisedProfitWei).toBe(attempt.predictedProfitWei);
      expect((await usdBalance(market.trader.address)) - before).toBe(attempt.realisedProfitWei);
      const trades = readFileSync(join(run.out, 'trades.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { engine: string; rule: string; pnl: number; fees: number });
      expect(trades.map((t) => [t.engine, t.rule])).toEqual([['arbitrage', 'arbitrage-filled']]);
      const gasUsd = (Number(attempt.gasUsed * attempt.effectiveGasPrice) / 1e18) * 3000;
      expect(trades[0]?.pnl).toBeCloseTo(Number(attempt.realisedProfitWei) / 1e18 - gasUsd, 6);
      expect([summary.trades, summary.run.mode, summary.byEngine.arbitrage.trades]).toEqual([
        1,
        'micro-live',
        1,
      ]);
      if (relay !== undefined) {
        // Simulated, then sent for blocks n+1..n+3 (mined in n+1), every request signed with MEV_AUTH_KEY.
        expect(relay.received.map((r) => r.method)).toEqual([
          'eth_callBundle',
          'eth_sendBundle',
          'eth_sendBundle',
          'eth_sendBundle',
        ]);
        expect(relay.bundles[0]?.blockNumber).toBe(BigInt(attempt.blockNumber));
        const relayIdentity = new BundleSigner(new Secret(MEV_AUTH_KEY)).address;
        expect(relay.received.every((r) => r.signature.ok && r.signature.address === relayIdentity)).toBe(
          true,
        );
      }
      const everything = `${allText(run.dir)}\n${run.io.text()}`.toLowerCase();
      expect(everything.includes(market.trader.privateKey.slice(2).toLowerCase())).toBe(false);
      expect(everything.includes(MEV_AUTH_KEY.slice(2))).toBe(false);
    },
  );

  it('turns arbitrage off through SafetyManager when the node goes down (runbook 5.2), and the run carries on', async () => {
    const run = new EvmLiveRun();
    const done = run.start(new FirstRouteBrain(), 6);
    await run.until(() => run.engine !== undefined && run.processed >= 1);
    await run.block();
    await server.stop(); // the node is down: polls fail, 3 in a row turn the venue unhealthy
    await run.until(() => run.engine?.safety.status().unhealthyMarkets.includes('arbitrage') === true);
    await server.resume();
    await run.block(); // the node answers again: ticks resume, the venue is healthy
    while (run.processed < 6) await run.block();
    await market.chain.mine();
    const summary = await done;
    const codes = run.alertCodes();
    const at = (code: string) => codes.indexOf(code);
    expect(at('FEED_CONNECTION')).toBeGreaterThanOrEqual(0);
    expect(at('SAFETY_BROKER_UNHEALTHY')).toBeGreaterThan(at('FEED_CONNECTION'));
    expect(at('SAFETY_BROKER_HEALTHY')).toBeGreaterThan(at('SAFETY_BROKER_UNHEALTHY'));
    expect(summary.run.decisions).toBeGreaterThanOrEqual(0);
    expect(run.engine?.runtime.ticks).toBe(6);
  });

  it('omni shadow --venue evm prices arbitrage on the chain pools and settles each decision at the next block', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omni-shadow-evm-'));
    const out = join(dir, 'run');
    const io = capture();
    const config = parseConfig({
      logDir: join(dir, 'logs'),
      credentials: { dex: { rpcUrl: server.url } },
      engines: { arbitrage: { gasPriceGwei: 1 } },
    });
    let engine: OmniEngine | undefined;
    let failed: unknown;
    const venueConfig = JSON.stringify({
      routes: [market.route],
      chainId: market.chain.chainId,
      ethUsd: 3000,
      pollIntervalMs: 5,
    });
    const brain = new FirstRouteBrain();
    const done = runShadow(config, { venue: 'evm', symbol: 'WETHUSD', out, maxTicks: 45, venueConfig }, io, {
      brain,
      afterTick: (e) => {
        engine = e;
      },
    }).catch((err: unknown) => {
      failed = err;
      throw new Error(`${String(err)}\n${io.text()}`);
    });
    const ticks = () => engine?.runtime.ticks ?? 0;
    const block = async () => {
      const seen = ticks();
      await market.chain.mine();
      await until(() => ticks() > seen || failed !== undefined);
    };
    // A shadow run reports a tick once the next one arrives: mine until the first is reported.
    while (ticks() < 1 && failed === undefined) {
      await market.chain.mine();
      for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
    }
    for (let i = 0; i < 33; i++) await block();
    await market.injectGap(300);
    while (ticks() < 45 && failed === undefined) await block();
    await market.chain.mine();
    const summary = await done;
    const arbitrage = (engine?.hub as RealTimeExecutionHub | undefined)?.executorFor('arbitrage') as
      | ShadowArbitrageExecutor
      | undefined;
    expect(arbitrage?.pools).toBeInstanceOf(ChainPoolSource); // the chain's pools, not the synthetic pair
    const trades = readFileSync(join(out, 'trades.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .filter((l) => l !== '')
      .map(
        (l) =>
          JSON.parse(l) as {
            engine: string;
            rule: string;
            entryTs: number;
            settleTs: number;
            pnl: number;
            fees: number;
          },
      );
    const arb = trades.filter((t) => t.engine === 'arbitrage');
    expect(arb.map((t) => t.rule)).toEqual(['arbitrage-filled']);
    const [trade] = arb;
    // Settled on the next block (an empty one): after the decision, at the same reserves, so the
    // realised profit is the one priced on the decision's block; gas at block n+1's base fee.
    expect(trade?.settleTs).toBeGreaterThan(trade?.entryTs ?? Number.POSITIVE_INFINITY);
    expect((trade?.pnl ?? 0) + (trade?.fees ?? 0)).toBeCloseTo(
      Number(brain.taken?.expectedProfitWei) / 1e18,
      9,
    );
    expect(trade?.fees).toBeGreaterThan(0);
    expect(summary.byEngine.arbitrage.trades).toBe(1);
  });
});
