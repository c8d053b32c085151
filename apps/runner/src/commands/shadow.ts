import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Alert,
  type DecisionBrain,
  JOURNAL_FILES,
  ManualClock,
  type OmniConfig,
  RuntimeError,
  SystemClock,
  streamJournal,
  type Tick,
  TickSchema,
  writeJsonAtomic,
} from '@omni/core';
import type { PriceFeed } from '@omni/feeds';
import { createOmniEngine, type OmniEngine, omniMainLoop, safetySummary } from '@omni/runtime';
import type { CliIo } from '../cli-io.js';
import { noTicksError, replayFeed, selectData, sketchSeries, sketchTicks } from '../data-source.js';
import { checkOutputDir, markRunFolder, RUN_MARKER } from '../output-dir.js';
import type { RunSummary } from '../run-summary.js';
import { openVenueFeed, openVenuePools, selectedVenue, type VenueFlags } from '../venues.js';
import { stateDir } from './check.js';
import { writeReport } from './report.js';

/** Flags of `omni shadow`. */
export interface ShadowFlags extends VenueFlags {
  readonly data?: string;
  readonly symbol?: string;
  readonly speed?: number;
  readonly out?: string;
  /** Stop after this many new ticks (ticks replayed to resume do not count). */
  readonly maxTicks?: number;
}

/** Hooks for embedding and tests. */
export interface ShadowHooks {
  /** Called after each tick the engine processed (replayed ones too). */
  readonly afterTick?: (engine: OmniEngine) => void;
  /** A brain of your own instead of MasterGovernorX100 (SafetyManager still approves every order). */
  readonly brain?: DecisionBrain;
}

/**
 * The feed of a live shadow run that resumes: the ticks it had journaled up to its checkpoint
 * (replayed silently), then the live feed.
 */
async function* resumeThenLive(
  runDir: string,
  replayTicks: number,
  live: AsyncIterable<Tick>,
): AsyncGenerator<Tick> {
  let n = 0;
  if (replayTicks > 0) {
    for await (const tick of journaledTicks(runDir)) {
      if (n >= replayTicks) break;
      n++;
      yield tick;
    }
  }
  if (n < replayTicks) {
    throw new RuntimeError(
      'RUNTIME_BAD_INPUT',
      'cannot resume: ticks.jsonl holds fewer ticks than the checkpoint; move the run folder aside to start anew',
      { file: join(runDir, JOURNAL_FILES.ticks), ticks: n, checkpointTicks: replayTicks },
    );
  }
  yield* live;
}

/** Ends the feed after `max` ticks that are not replays of an earlier session. */
async function* limitNew(
  feed: AsyncIterable<Tick>,
  engine: OmniEngine,
  max: number | undefined,
  hooks: ShadowHooks,
): AsyncGenerator<Tick> {
  const start = engine.resumedFrom?.ticks ?? 0;
  let first = true;
  for await (const tick of feed) {
    if (!first) hooks.afterTick?.(engine);
    first = false;
    if (max !== undefined && engine.runtime.ticks - start >= max) return;
    yield tick;
  }
  if (!first) hooks.afterTick?.(engine);
}

/** A console line for the alerts a person at the terminal needs (feed outages and retries, safety trips). */
function consoleAlert(alert: Alert): string | undefined {
  if (alert.level === 'info' && !alert.code.startsWith('SAFETY_')) return undefined;
  return `${alert.level}: ${alert.message} [${alert.code}]`;
}

/**
 * Shadow mode: the same engine as live, with the ShadowExecutionHub (no real order). The run in
 * `--out` is resumable: it is checkpointed after every settled trade, and a later `omni shadow` with
 * the same `--out` resumes after the last processed tick (the ticks before it are replayed
 * silently, which rebuilds exactly the learned state), so a killed run ends with the same trades as
 * one never stopped. Safety and learner state also persist under `<logDir>/state` across runs. A
 * replay feed runs on tick time (ManualClock); a live feed (Binance) on the system clock. SIGINT and
 * SIGTERM stop at once, also during a feed outage, saving state.
 */
export async function runShadow(
  config: OmniConfig,
  flags: ShadowFlags,
  io: CliIo,
  hooks: ShadowHooks = {},
): Promise<RunSummary> {
  const venue = selectedVenue(flags);
  const live = venue !== undefined;
  const selection = live ? undefined : selectData({ ...flags, defaultSymbol: config.symbols[0] });
  const outDir = checkOutputDir(flags.out ?? 'omni-runs/shadow', {
    inputs: selection ? [selection.path] : [],
  }).path;
  mkdirSync(outDir, { recursive: true });
  if (!existsSync(join(outDir, RUN_MARKER))) markRunFolder(outDir);

  const clock = live ? new SystemClock() : new ManualClock(0);
  const symbol = selection ? selection.symbol : (flags.symbol ?? 'btcusdt').toUpperCase();
  // A chain venue's pools replace the synthetic ones: decisions settle at the next block.
  let engineAlert: ((alert: Alert) => void) | undefined;
  const pools =
    venue &&
    openVenuePools(venue, {
      clock,
      seed: config.seed,
      onAlert: (alert) => engineAlert?.(alert),
      credentials: config.credentials,
    });
  const engine = await createOmniEngine({
    config,
    runDir: outDir,
    clock,
    symbol,
    stateDir: stateDir(config),
    resumable: true,
    runIdPrefix: 'shadow',
    logTicks: live,
    ...(pools ? { pools } : {}),
    ...(hooks.brain ? { brain: hooks.brain } : {}),
    ...(live ? { features: { bars: { kind: 'time', intervalMs: 60_000 } } } : {}),
    onAlert: (alert) => {
      const line = consoleAlert(alert);
      if (line) io.err(line);
    },
  });
  const onAlert = (alert: Alert): void => engine.alert(alert);
  engineAlert = onAlert;
  const source: PriceFeed = selection
    ? replayFeed(selection, onAlert, flags.speed ?? 0)
    : openVenueFeed(venue!, { symbol, clock, seed: config.seed, onAlert, credentials: config.credentials }); // no selection: a venue
  const resumed = engine.resumedFrom;
  io.err(
    resumed
      ? `shadow: resuming ${engine.runId} after tick ${resumed.ticks} (session ${resumed.sessions + 1}); replaying the ticks before it silently`
      : `shadow: ${source.name} → ${outDir} as ${engine.runId} (state in ${stateDir(config)}); Ctrl-C stops and saves`,
  );
  const ticks =
    live && resumed ? resumeThenLive(outDir, resumed.ticks, source) : (source as AsyncIterable<Tick>);
  let loopEnd: string;
  try {
    await source.start();
    const result = await omniMainLoop(limitNew(ticks, engine, flags.maxTicks, hooks), engine.runtime, {
      ...(clock instanceof ManualClock ? { clock } : {}),
      handleSignals: true,
      onStopRequested: () => {
        io.err('shadow: stopping — saving state (the feed is closed first)');
        void source.stop();
      },
    });
    loopEnd = result.end;
    if (engine.runtime.replaying) {
      throw new RuntimeError(
        'RUNTIME_BAD_INPUT',
        'cannot resume: the feed ended before the tick this run was checkpointed at (the data file is shorter than before)',
        { ticks: engine.runtime.ticks, checkpointTicks: resumed?.ticks ?? 0, feed: source.name },
      );
    }
  } finally {
    await source.stop();
    await engine.close();
  }

  const summary: RunSummary = {
    ...engine.performance.summary(),
    run: {
      mode: 'shadow',
      symbol,
      data: selection ? selection.path : join(outDir, JOURNAL_FILES.ticks),
      bundledData: selection?.bundled ?? false,
      from: null,
      to: null,
      seed: config.seed,
      model: engine.modelName,
      decisions: engine.runtime.decisions,
      openAtEnd: engine.runtime.openTrades,
      outDir,
      modelTrainedThrough: null,
    },
    safety: safetySummary(engine.safety.status(), engine.runtime.blockedTicks),
    funnel: engine.runtime.funnel,
    config,
  };
  writeJsonAtomic(join(outDir, 'summary.json'), summary);
  // A run without trades or alerts still has those journals (empty), so readers need no special case.
  for (const name of [JOURNAL_FILES.trades, JOURNAL_FILES.alerts, JOURNAL_FILES.counterfactual]) {
    appendFileSync(join(outDir, name), '');
  }
  // The report's chart: the data streamed once more through a bounded sketch, never held whole.
  const prices = selection ? await sketchSeries(selection) : await sketchTicks(journaledTicks(outDir));
  if (selection && prices.count === 0) throw noTicksError(selection);
  await writeReport(outDir, { summary, prices: prices.points() });
  if (loopEnd === 'signal') io.err('shadow: stopped by signal; state saved — run the same command to resume');
  return summary;
}

/** The ticks a live shadow run journaled, oldest first (none when it journaled none). */
export async function* journaledTicks(runDir: string): AsyncGenerator<Tick> {
  const file = join(runDir, JOURNAL_FILES.ticks);
  if (existsSync(file)) yield* streamJournal(file, { schema: TickSchema });
}
