import { join, resolve } from 'node:path';
import { type Alert, ManualClock, type OmniConfig, RuntimeError, SystemClock, type Tick } from '@omni/core';
import { BinanceFeed, type PriceFeed } from '@omni/feeds';
import { createOmniEngine, omniMainLoop } from '@omni/runtime';
import { replayFeed, selectData } from '../data-source.js';
import type { CliIo } from '../program.js';
import type { RunSummary } from './backtest.js';
import { stateDir } from './check.js';

/** Flags of `omni shadow`. */
export interface ShadowFlags {
  readonly feed?: string;
  readonly data?: string;
  readonly symbol?: string;
  readonly speed?: number;
  readonly binanceUrl?: string;
  readonly out?: string;
  readonly maxTicks?: number;
}

async function* limit(feed: AsyncIterable<Tick>, max: number | undefined): AsyncGenerator<Tick> {
  let n = 0;
  for await (const tick of feed) {
    if (max !== undefined && n >= max) return;
    n++;
    yield tick;
  }
}

/**
 * Shadow mode: the same engine as live, with the ShadowExecutionHub (no real order). Safety and
 * governor state persist under `<logDir>/state` across runs; journals go to `--out`. A replay feed
 * runs on tick time (ManualClock); a live feed (Binance) on the system clock. SIGINT/SIGTERM stop
 * cleanly, persisting state.
 */
export async function runShadow(config: OmniConfig, flags: ShadowFlags, io: CliIo): Promise<RunSummary> {
  const kind = flags.feed ?? 'replay';
  if (kind !== 'replay' && kind !== 'binance') {
    throw new RuntimeError('RUNTIME_BAD_INPUT', '--feed must be replay or binance', { feed: kind });
  }
  const outDir = resolve(flags.out ?? 'omni-runs/shadow');
  const live = kind === 'binance';
  const clock = live ? new SystemClock() : new ManualClock(0);
  const selection = live ? undefined : selectData(flags);
  const symbol = selection ? selection.symbol : (flags.symbol ?? 'btcusdt').toUpperCase();
  const engine = await createOmniEngine({
    config,
    runDir: outDir,
    clock,
    symbol,
    stateDir: stateDir(config),
    logTicks: live,
    ...(live ? { features: { bars: { kind: 'time', intervalMs: 60_000 } } } : {}),
  });
  const onAlert = (alert: Alert): void => engine.logger.logAlert(alert);
  const feed: PriceFeed = selection
    ? replayFeed(selection, onAlert, flags.speed ?? 0)
    : new BinanceFeed({
        streams: [`${symbol.toLowerCase()}@trade`],
        ...(flags.binanceUrl ? { baseUrl: flags.binanceUrl } : {}),
        onAlert,
      });
  io.err(`shadow: ${feed.name} → ${outDir} (state in ${join(config.logDir, 'state')}); Ctrl-C stops cleanly`);
  try {
    await feed.start();
    await omniMainLoop(limit(feed, flags.maxTicks), engine.runtime, {
      ...(clock instanceof ManualClock ? { clock } : {}),
      handleSignals: true,
    });
  } finally {
    await feed.stop();
    await engine.close();
  }
  return {
    ...engine.performance.summary(),
    run: {
      mode: 'shadow',
      symbol,
      data: feed.name,
      bundledData: false,
      from: null,
      to: null,
      seed: config.seed,
      model: engine.modelName,
      decisions: engine.runtime.decisions,
      openAtEnd: engine.runtime.openTrades,
      outDir,
      modelTrainedThrough: null,
    },
    safety: {
      mode: engine.safety.status().mode,
      cooldown: null,
      blockedTicks: engine.runtime.blockedTicks,
    },
    config,
  };
}
