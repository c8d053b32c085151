import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Alert,
  type Clock,
  type DecisionBrain,
  JOURNAL_FILES,
  ManualClock,
  type Market,
  type Mode,
  type OmniConfig,
  RuntimeError,
  SystemClock,
  writeJsonAtomic,
} from '@omni/core';
import { createLiveExecutionHub, type ExecutionHub } from '@omni/execution';
import type { PriceFeed } from '@omni/feeds';
import {
  createOmniEngine,
  type OmniEngine,
  type OmniEngineOptions,
  omniMainLoop,
  safetySummary,
} from '@omni/runtime';
import { DeploymentChecklist } from '@omni/safety';
import type { CliIo } from '../cli-io.js';
import { sketchTicks } from '../data-source.js';
import { readAllowance } from '../live-allowance.js';
import { findRunRecords, promotionVerdict, scaledStakeCap, strategyDigest } from '../live-promotion.js';
import { checkOutputDir, markRunFolder, RUN_MARKER } from '../output-dir.js';
import type { RunSummary } from '../run-summary.js';
import {
  openVenueFeed,
  openVenuePools,
  type SelectedVenue,
  selectedVenue,
  type VenueFlags,
} from '../venues.js';
import { formatChecklist, runCheck, stateDir } from './check.js';
import { writeReport } from './report.js';
import { journaledTicks } from './shadow.js';

/** Flags of `omni live`. */
export interface LiveFlags extends VenueFlags {
  readonly symbol?: string;
  /** `micro-live` or `scaled-live`; default the config's mode. */
  readonly mode?: string;
  /** The explicit opt-in (also `OMNI_CONFIRM_LIVE=1`). `--live` is kept as its alias. */
  readonly confirmLive?: boolean;
  readonly live?: boolean;
  readonly out?: string;
  readonly maxTicks?: number;
  /** Where the run folders of earlier runs are (scaled-live reads their summary.json). Default `omni-runs`. */
  readonly records?: string;
}

/** Hooks for tests and embedding. */
export interface LiveHooks {
  /** The engine's clock. Default the system clock; a ManualClock follows the ticks' times. */
  readonly clock?: Clock;
  /** A brain of your own instead of MasterGovernorX100 (SafetyManager still approves every order). */
  readonly brain?: DecisionBrain;
  /** Feature settings. Default: one-minute bars. */
  readonly features?: OmniEngineOptions['features'];
  /** Called once the engine is running, with it (e.g. to stop it from a test). */
  readonly onStarted?: (engine: OmniEngine, hub: ExecutionHub) => void;
  /** Called after each tick the engine processed. */
  readonly afterTick?: (engine: OmniEngine) => void;
}

/** How a live start was prepared: the config it runs with and what was decided on the way. */
export interface LivePlan {
  readonly mode: Extract<Mode, 'micro-live' | 'scaled-live'>;
  readonly config: OmniConfig;
  readonly venue: SelectedVenue;
  readonly markets: readonly Market[];
  /** What the plan changed, for the console and the summary (caps applied, stake cap, evidence). */
  readonly notes: readonly string[];
}

function liveMode(flags: LiveFlags, config: OmniConfig): LivePlan['mode'] {
  const mode = flags.mode ?? config.mode;
  if (mode !== 'micro-live' && mode !== 'scaled-live') {
    throw new RuntimeError(
      'RUNTIME_LIVE_REFUSED',
      `live refused: --mode must be micro-live or scaled-live (got ${mode}); start with micro-live`,
      { mode },
    );
  }
  return mode;
}

/**
 * Everything `omni live` checks before it connects, in order, each refusal a typed error naming
 * what to do: a live mode; a venue with executors; the deployment checklist for that venue's
 * credentials (printed); the explicit opt-in; for scaled-live, the change-management record.
 * Micro-live tightens the risk caps to `live.micro`; scaled-live caps the stake by its ramp.
 */
export async function planLive(
  config: OmniConfig,
  flags: LiveFlags,
  io: CliIo,
  clock: Clock,
): Promise<LivePlan> {
  const mode = liveMode(flags, config);
  if (flags.venue === undefined) {
    throw new RuntimeError(
      'RUNTIME_LIVE_REFUSED',
      'live refused: name the venue (--venue deriv, mt5 or evm)',
      {},
    );
  }
  const venue = selectedVenue(flags);
  if (
    venue === undefined ||
    venue.venue.createExecutors === undefined ||
    venue.venue.executorMarkets.length === 0
  ) {
    throw new RuntimeError(
      'RUNTIME_LIVE_REFUSED',
      `live refused: venue ${flags.venue} has no executors (omni venues lists what each venue provides)`,
      { venue: flags.venue },
    );
  }
  const markets = venue.venue.executorMarkets;
  const venues = Object.fromEntries(markets.map((m) => [m, venue.venue.name]));
  const checklist = new DeploymentChecklist();
  const result = await runCheck({ ...config, mode }, clock, { markets, venues });
  io.err(formatChecklist(result));
  checklist.assertLiveAllowed(mode, {
    liveFlag: flags.confirmLive === true || flags.live === true || config.live.confirm,
    result,
  });
  const notes: string[] = [];
  let risk = config.risk;
  if (mode === 'micro-live') {
    const micro = config.live.micro;
    risk = {
      ...risk,
      maxDailyLossUsd: Math.min(risk.maxDailyLossUsd, micro.maxDailyLossUsd),
      maxDailyTrades: Math.min(risk.maxDailyTrades, micro.maxDailyTrades),
      maxLossStreak: Math.min(risk.maxLossStreak, micro.maxLossStreak),
    };
    notes.push(
      `micro-live: orders at the venue minimum; caps daily loss ${risk.maxDailyLossUsd} USD, ${risk.maxDailyTrades} trades a day, loss streak ${risk.maxLossStreak}`,
    );
  } else {
    const digest = strategyDigest(config);
    const records = findRunRecords(flags.records ?? 'omni-runs');
    const verdict = promotionVerdict(records, digest, config.live.scaled);
    if (!verdict.ok) {
      throw new RuntimeError(
        'RUNTIME_LIVE_REFUSED',
        `scaled-live refused: the runbook's change management needs a passed backtest, shadow and micro-live record of this strategy (digest ${digest}) under ${flags.records ?? 'omni-runs'}`,
        { digest, records: records.length },
        { details: verdict.missing.map((m) => `missing: ${m}`) },
      );
    }
    const cap = scaledStakeCap(records, digest, 1, risk.maxStakeUsd, config.live.scaled.stepTrades);
    risk = { ...risk, maxStakeUsd: cap };
    notes.push(
      `scaled-live: evidence ${Object.entries(verdict.evidence)
        .map(([m, d]) => `${m} ${d}`)
        .join(', ')}; stake cap ${cap} USD (raised as scaled-live trades prove themselves)`,
    );
  }
  return { mode, config: { ...config, mode, risk }, venue, markets, notes };
}

/** A console line for alerts a person at the terminal needs. */
function consoleAlert(alert: Alert): string | undefined {
  if (alert.level === 'info' && !alert.code.startsWith('SAFETY_') && !alert.code.startsWith('VENUE_'))
    return undefined;
  return `${alert.level}: ${alert.message} [${alert.code}]`;
}

/**
 * `omni live --venue deriv|mt5|evm --symbol … --mode micro-live|scaled-live --confirm-live`: the
 * engine on the venue's feed with its executors behind the failover of runbook 5.1 (the engines the
 * venue has no executor for stay in shadow); a venue with pools (evm) gives the engine its pool states. Not resumable by replay: a restart reconciles the position
 * ledger and the venue's order book with the account instead. SIGINT/SIGTERM stop and save.
 */
export async function runLive(
  config: OmniConfig,
  flags: LiveFlags,
  io: CliIo,
  hooks: LiveHooks = {},
): Promise<RunSummary> {
  const clock = hooks.clock ?? new SystemClock();
  const plan = await planLive(config, flags, io, clock);
  const run = plan.config;
  for (const note of plan.notes) io.err(note);
  const outDir = checkOutputDir(flags.out ?? defaultOutDir(plan.mode, clock), { inputs: [] }).path;
  if (existsSync(join(outDir, 'decisions.jsonl'))) {
    // A live session is not replayed into an earlier one's folder: its state carries over in <logDir>/state.
    throw new RuntimeError(
      'RUNTIME_BAD_INPUT',
      `${outDir} holds an earlier session; give a new --out (or none: each session gets omni-runs/${plan.mode}/<time>)`,
      { out: outDir },
    );
  }
  mkdirSync(outDir, { recursive: true });
  if (!existsSync(join(outDir, RUN_MARKER))) markRunFolder(outDir);
  const symbol = flags.symbol ?? run.symbols[0] ?? 'EURUSD';
  const state = stateDir(run);
  const { venue, config: venueConfig } = plan.venue;
  const createExecutors = venue.createExecutors?.bind(venue);
  if (createExecutors === undefined)
    throw new RuntimeError('RUNTIME_LIVE_REFUSED', `venue ${venue.name} has no executors`, {});
  // A chain venue's pool states (one read per block, shared with its feed and executor); else no arbitrage.
  let engineAlert: ((alert: Alert) => void) | undefined;
  const pools = openVenuePools(plan.venue, {
    clock,
    seed: run.seed,
    onAlert: (alert) => engineAlert?.(alert),
    credentials: run.credentials,
  });
  const engine = await createOmniEngine({
    config: run,
    runDir: outDir,
    clock,
    symbol,
    stateDir: state,
    runIdPrefix: plan.mode,
    logTicks: true,
    pools: pools ?? null,
    features: hooks.features ?? { bars: { kind: 'time', intervalMs: 60_000 } },
    ...(hooks.brain ? { brain: hooks.brain } : {}),
    onAlert: (alert) => {
      const line = consoleAlert(alert);
      if (line) io.err(line);
    },
    hub: ({ ledger, onAlert }) =>
      createLiveExecutionHub({
        engines: run.engines,
        ledger,
        clock,
        onAlert,
        allowance: (name) => readAllowance(state, name),
        live: createExecutors(venueConfig, {
          clock,
          seed: run.seed,
          onAlert,
          credentials: run.credentials,
          stateDir: state,
          onPositionState: (id, patch) => void ledger.update(id, patch),
          engines: run.engines,
          minimumSizes: plan.mode === 'micro-live',
        }),
      }).hub,
  });
  const onAlert = (alert: Alert): void => engine.alert(alert);
  engineAlert = onAlert;
  const source: PriceFeed = openVenueFeed(plan.venue, {
    symbol,
    clock,
    seed: run.seed,
    onAlert,
    credentials: run.credentials,
  });
  let end = 'feed-ended';
  try {
    io.err(
      `${plan.mode}: connecting to ${venue.name} (${plan.markets.join(', ')} live; other engines in shadow) → ${outDir}`,
    );
    await engine.hub.start?.();
    await source.start();
    hooks.onStarted?.(engine, engine.hub);
    io.err(`${plan.mode}: running as ${engine.runId}; Ctrl-C stops and saves`);
    const start = engine.runtime.ticks;
    const result = await omniMainLoop(
      limitTicks(source, engine, start, flags.maxTicks, hooks.afterTick),
      engine.runtime,
      {
        ...(clock instanceof ManualClock ? { clock } : {}),
        handleSignals: true,
        // Close the venue while the journals are open: its goodbye alerts are journaled.
        beforeShutdown: async () => {
          await source.stop();
          await engine.hub.stop?.().catch((err: unknown) => onAlert(stopAlert(clock, err)));
        },
        onStopRequested: () => {
          io.err(
            `${plan.mode}: stopping — saving state (open contracts stay at the venue and in the ledger)`,
          );
          void source.stop();
        },
      },
    );
    end = result.end;
  } finally {
    // Stopped already by the loop, unless the start failed (then the journals are open yet).
    await source.stop();
    await engine.hub
      .stop?.()
      .catch((err: unknown) => io.err(`warn: ${stopAlert(clock, err).message} [VENUE_STOP_FAILED]`));
    await engine.close();
  }
  const summary: RunSummary = {
    ...engine.performance.summary(),
    run: {
      mode: plan.mode,
      symbol,
      data: join(outDir, JOURNAL_FILES.ticks),
      bundledData: false,
      from: null,
      to: null,
      seed: run.seed,
      model: engine.modelName,
      decisions: engine.runtime.decisions,
      openAtEnd: engine.runtime.openTrades,
      outDir,
      modelTrainedThrough: null,
    },
    safety: safetySummary(engine.safety.status(), engine.runtime.blockedTicks),
    funnel: engine.runtime.funnel,
    config: run,
  };
  writeJsonAtomic(join(outDir, 'summary.json'), summary);
  for (const name of [JOURNAL_FILES.trades, JOURNAL_FILES.alerts, JOURNAL_FILES.counterfactual]) {
    appendFileSync(join(outDir, name), '');
  }
  const prices = await sketchTicks(journaledTicks(outDir));
  await writeReport(outDir, { summary, prices: prices.points() });
  if (end === 'signal') io.err(`${plan.mode}: stopped by signal; state saved`);
  return summary;
}

/** `omni-runs/<mode>/<UTC time of the start>`: one folder per live session. */
function defaultOutDir(mode: string, clock: Clock): string {
  const stamp = new Date(Math.floor(clock.nowMs()))
    .toISOString()
    .slice(0, 19)
    .replace(/[-:]/g, '')
    .replace('T', '-');
  return join('omni-runs', mode, stamp);
}

async function* limitTicks(
  feed: PriceFeed,
  engine: OmniEngine,
  start: number,
  max: number | undefined,
  afterTick: ((engine: OmniEngine) => void) | undefined,
) {
  for await (const tick of feed) {
    if (max !== undefined && engine.runtime.ticks - start >= max) return;
    yield tick;
    // Resumed when the loop asks for the next tick: this one is processed.
    afterTick?.(engine);
  }
}

function stopAlert(clock: Clock, err: unknown): Alert {
  return {
    tsMs: Math.max(0, Math.floor(clock.nowMs())),
    level: 'warn',
    code: 'VENUE_STOP_FAILED',
    message: `closing the venue failed: ${err instanceof Error ? err.message : String(err)}`,
    source: 'omni live',
  };
}
