import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Alert,
  type AuditableDecision,
  type Clock,
  type DecisionBrain,
  type JournalFileWrite,
  type OmniConfig,
  OmniLogger,
  Rng,
  type StateFileWrite,
  type StateSaveOptions,
  spotRoundTripCostBps,
  writeJsonAtomic,
} from '@omni/core';
import {
  type ExecutionHub,
  type PoolStateSource,
  PositionLedger,
  ShadowExecutionHub,
  SyntheticPoolPair,
} from '@omni/execution';
import { FeatureExtractorEngine, type FeatureExtractorOptions } from '@omni/features';
import { EmergencyShutdownController, SafetyManager } from '@omni/safety';
import { defaultModelPath, FallbackSequenceModel } from '@omni/sequence';
import { counterfactualSettings } from './counterfactual-settler.js';
import { DecisionJournal, type DecisionJournalLevel } from './decision-journal.js';
import { createDefaultBrain, type DefaultBrain } from './default-brain.js';
import { openSession } from './engine-session.js';
import { ModelledOperator, type OperatorReviewPolicy } from './modelled-operator.js';
import { OmniRuntime } from './omni-runtime.js';
import { PerformanceRecorder } from './performance-recorder.js';
import { reconcileLedger } from './reconcile-ledger.js';
import { PoolRouteCandidates } from './route-candidates.js';
import { nextRunId, type SessionCheckpoint, SessionCheckpointer } from './session-checkpoint.js';
import { WalkForwardRetrainer } from './walk-forward-retrainer.js';
import { WriteFaultGuard } from './write-fault-guard.js';

/** What a hub factory gets from {@link createOmniEngine}. */
export interface EngineHubParts {
  readonly ledger: PositionLedger;
  readonly onAlert: (alert: Alert) => void;
}

/** Options of {@link createOmniEngine}. */
export interface OmniEngineOptions {
  readonly config: OmniConfig;
  /** Where the run's journals go: decisions.jsonl (audit trail), trades.jsonl, alerts.jsonl, ticks.jsonl. */
  readonly runDir: string;
  /** ManualClock for backtests and replays, SystemClock for live feeds. */
  readonly clock: Clock;
  /** Symbol traded (the synthetic arbitrage pools follow its price). Default `config.symbols[0]`. */
  readonly symbol?: string;
  /** Feature settings. Default: one bar per tick (daily data), ATR swings of 3 × ATR(14), a 64-price window. */
  readonly features?: FeatureExtractorOptions;
  /** ONNX model path; `null` = momentum only. Default `config.seqModelOnnx ?? defaultModelPath()`. */
  readonly modelPath?: string | null;
  /**
   * Directory for persistent state (safety.json, governor.json) across runs; shadow and live runs set it.
   * Backtests leave it unset: every run starts fresh and nothing outside `runDir` is written.
   */
  readonly stateDir?: string;
  /**
   * Execution hub, or a factory of one given the engine's position ledger and alert sink (a live
   * hub records fills in the ledger and journals its incidents). Default a ShadowExecutionHub
   * (settles from later prices, never places an order).
   */
  readonly hub?: ExecutionHub | ((parts: EngineHubParts) => ExecutionHub);
  /** Pool states for arbitrage. Default a seeded SyntheticPoolPair (labelled synthetic); `null` disables arbitrage. */
  readonly pools?: PoolStateSource | null;
  /** A custom brain instead of MasterGovernorX100. */
  readonly brain?: DecisionBrain;
  /** Journal every tick to ticks.jsonl. Default false (the replayed file is the record). */
  readonly logTicks?: boolean;
  /** Prefix of decision ids. Default `run`; a resumable run takes `<runIdPrefix>-<n>` from `stateDir` (see below). */
  readonly runId?: string;
  /**
   * Checkpoint the run in `runDir` and resume it there (needs `stateDir` and a hub that places no
   * real orders). A new run copies the state it starts from into `<runDir>/origin`, takes a run id
   * no earlier run on `stateDir` used, and checkpoints after every settled trade, every
   * `checkpointEveryTicks` ticks and at shutdown. When `runDir` holds a checkpoint, its journals
   * are put back where the checkpoint says and the runtime replays the first `resume.ticks` ticks of
   * the feed silently (the caller feeds the run from its first tick again), which rebuilds exactly
   * the state of the checkpoint; then the run goes on. Default false.
   */
  readonly resumable?: boolean;
  /** Also called with every alert the engine journals (e.g. to show it on a console); not during a silent replay. */
  readonly onAlert?: (alert: Alert) => void;
  /** Prefix of the run ids of resumable runs and of runs on a `stateDir` (`<prefix>-<n>`, never repeated). Default `run`. */
  readonly runIdPrefix?: string;
  /** Ticks between periodic checkpoints of a resumable run. Default 1,000. */
  readonly checkpointEveryTicks?: number;
  /**
   * Walk-forward retraining of the sequence model every this many ms of market time, on the prices
   * seen so far (models written to `<runDir>/models`). Default: off.
   */
  readonly retrainEveryMs?: number;
  /**
   * Model the operator who lifts a tripped cooldown (backtests: see {@link OperatorReviewPolicy}).
   * Default: none — only a real operator (`omni safety reset`) lifts it, as in shadow and live.
   */
  readonly operatorReview?: OperatorReviewPolicy;
  /**
   * What decisions.jsonl records (see {@link DecisionJournal}): `all` decisions, or the `actions`
   * the runtime records, the rest counted in checkpoint lines. Default `config.journal.decisions`,
   * else `all` (backtests pass `actions`).
   */
  readonly decisionJournal?: DecisionJournalLevel;
  /**
   * Write each settled trade, counterfactual outcome and alert before going on (default true).
   * Backtests pass false: their folder is published only when the run succeeded. With durable
   * journals, a journal or state file that cannot be written stops trading ({@link WriteFaultGuard});
   * without, the run fails with `JOURNAL_WRITE_FAILED` or `STATE_WRITE_FAILED`.
   */
  readonly durableJournals?: boolean;
  /** Where journal bytes go (default `fs.writeSync`): the fault-injection seam of the disk tests. */
  readonly journalWrite?: JournalFileWrite;
  /** How state files are written (default `writeJsonAtomic`): the state-file seam of the disk tests. */
  readonly stateWrite?: StateFileWrite;
  /** Skipped decisions per checkpoint line of a journal at level `actions`. Default 10,000. */
  readonly decisionCheckpointEvery?: number;
}

/** A fully assembled engine: the runtime and the parts a caller may want to inspect. */
export interface OmniEngine {
  readonly runtime: OmniRuntime;
  readonly performance: PerformanceRecorder;
  readonly safety: SafetyManager;
  /**
   * The emergency controller over `safety`, cancelling through `hub`: `freeze(reason)` halts and
   * cancels pending orders (closed in the ledger); with `risk.freezeOnCapTrip` a tripped cap freezes.
   */
  readonly emergency: EmergencyShutdownController;
  readonly hub: ExecutionHub;
  readonly features: FeatureExtractorEngine;
  readonly sequence: FallbackSequenceModel;
  readonly brain: DecisionBrain;
  /** The default brain when no custom one was given (for persistence), else undefined. */
  readonly governor: DefaultBrain | undefined;
  readonly logger: OmniLogger;
  /** decisions.jsonl (the runtime's `audit`): its level, counts and head. */
  readonly journal: DecisionJournal<AuditableDecision>;
  /** Which sequence model serves: `onnx:<file>` or the momentum fallback's name. */
  readonly modelName: string;
  /** Journals an alert (and passes it to `options.onAlert`): the sink for feeds and other parts. */
  alert(alert: Alert): void;
  /** The modelled operator of a backtest (see `operatorReview`), if any. */
  readonly operator: ModelledOperator | undefined;
  /** The run id (prefix of decision ids). */
  readonly runId: string;
  /**
   * For a resumable run that continues an earlier session: the checkpoint it resumes from (the
   * caller must feed the run from its first tick again; the first `ticks` are replayed silently).
   */
  readonly resumedFrom: SessionCheckpoint | undefined;
  /** Persists learner state (when `stateDir` is set) and releases the model. Call after the loop ends. */
  close(): Promise<void>;
}

/** Default features for daily bars: each tick is a bar. */
export const DAILY_FEATURES: FeatureExtractorOptions = {
  bars: { kind: 'ticks', count: 1 },
  swing: { mode: 'atr', multiple: 3, atrPeriod: 14 },
  priceWindow: 64,
};

/**
 * Assembles the whole engine from a configuration — features, sequence model (with fallback),
 * the default brain (MasterGovernorX100 and its learners), SafetyManager, execution hub, journals
 * and metrics — into an {@link OmniRuntime}. Backtest, shadow and live differ only in the clock,
 * the hub and the feed the caller drives it with.
 */
export async function createOmniEngine(options: OmniEngineOptions): Promise<OmniEngine> {
  const { config, clock } = options;
  const symbol = options.symbol ?? config.symbols[0] ?? 'EURUSD';
  const session = openSession(options);
  const durable = options.durableJournals ?? true;
  const onAlert = (alert: Alert): void => {
    if (logger.muted) return; // replaying what an earlier session journaled already
    logger.logAlert(alert);
    options.onAlert?.(alert);
  };
  const guard = durable ? new WriteFaultGuard(clock, onAlert) : undefined;
  const writing = {
    ...(guard ? { onWriteFailure: guard.onWriteFailure } : {}),
    ...(options.journalWrite ? { write: options.journalWrite } : {}),
  };
  // safety.json, ledger.json, governor.json and checkpoint.json: a failed save stops trading, never the run.
  const saving: StateSaveOptions = {
    ...(guard ? { onSaveFailure: guard.onSaveFailure } : {}),
    ...(options.stateWrite ? { writeState: options.stateWrite } : {}),
  };
  const logger = new OmniLogger(options.runDir, { logTicks: options.logTicks ?? false, durable, ...writing });
  const rng = new Rng(config.seed);

  const modelPath =
    options.modelPath === null ? undefined : (options.modelPath ?? config.seqModelOnnx ?? defaultModelPath());
  const sequence = await FallbackSequenceModel.create({ modelPath, clock, alertSink: onAlert });

  const pools =
    options.pools === null
      ? undefined
      : (options.pools ?? new SyntheticPoolPair({ seed: config.seed, symbol }));
  // The one record of open positions: persisted beside the safety state, shared by the hub and SafetyManager.
  const ledger = PositionLedger.open({
    ...saving,
    ...(options.stateDir ? { path: join(options.stateDir, 'ledger.json'), autoSave: !session } : {}),
    ...(session?.resumed ? { from: join(session.origin, 'ledger.json') } : {}),
  });
  const hub =
    typeof options.hub === 'function'
      ? options.hub({ ledger, onAlert })
      : (options.hub ??
        new ShadowExecutionHub({ engines: config.engines, ledger, ...(pools ? { pools } : {}) }));
  const safety = SafetyManager.open({
    ledger,
    limits: config.risk,
    clock,
    arbitrageCost: config.engines.arbitrage,
    spotCostBps: spotRoundTripCostBps(config),
    onAlert,
    ...saving,
    ...(options.stateDir
      ? {
          statePath: join(options.stateDir, 'safety.json'),
          // A resumable run saves safety state at its checkpoints, together with the learners.
          autoSave: !session,
          ...(session?.resumed ? { initialStatePath: join(session.origin, 'safety.json') } : {}),
        }
      : {}),
  });
  guard?.attach(safety);
  reconcileLedger(ledger, hub, safety, onAlert, clock);
  // The specification's risk loops: a tripped cap freezes when configured (pending orders cancelled
  // through the hub and closed in the ledger), and a venue's health report gates its market.
  const emergency = new EmergencyShutdownController({
    safety,
    cancelPort: hub,
    clock,
    onAlert,
    freezeOnCapTrip: config.risk.freezeOnCapTrip,
  });
  hub.onHealth?.((report) => safety.noteBrokerHealth(report.market, report.ok));
  const features = new FeatureExtractorEngine(options.features ?? DAILY_FEATURES);
  const governor = options.brain
    ? undefined
    : createDefaultBrain({
        config,
        rng: rng.fork('governor'),
        sequence,
        ...(options.stateDir ? { statePath: join(options.stateDir, 'governor.json') } : {}),
        ...(session?.resumed ? { initialStatePath: join(session.origin, 'governor.json') } : {}),
        // A resumable run saves the learners at its checkpoints, with the ledger and safety state.
        saveAfterLearn: !session,
        ...saving,
      });
  if (session && !session.resumed) {
    // The state this run starts from, for a resume to replay from.
    mkdirSync(session.origin, { recursive: true });
    const writeOrigin = options.stateWrite ?? writeJsonAtomic; // before any trade: a failure fails the start
    writeOrigin(join(session.origin, 'safety.json'), safety.toState());
    writeOrigin(join(session.origin, 'ledger.json'), ledger.toState());
    if (governor) writeOrigin(join(session.origin, 'governor.json'), governor.governor.snapshot());
  }
  const brain: DecisionBrain = options.brain ?? (governor as DefaultBrain);
  const performance = new PerformanceRecorder({ startingBalanceUsd: config.startingBalanceUsd });
  const audit = await DecisionJournal.open<AuditableDecision>(join(options.runDir, 'decisions.jsonl'), {
    level: options.decisionJournal ?? config.journal?.decisions ?? 'all',
    ...writing,
    ...(options.decisionCheckpointEvery !== undefined
      ? { checkpointEvery: options.decisionCheckpointEvery }
      : {}),
  });
  const training =
    options.retrainEveryMs === undefined
      ? undefined
      : new WalkForwardRetrainer({
          everyMs: options.retrainEveryMs,
          sequence,
          dir: join(options.runDir, 'models'),
          onAlert,
        });
  const operator =
    options.operatorReview === undefined ? undefined : new ModelledOperator(safety, options.operatorReview);
  // Decision ids must never repeat on a state folder (a live venue's order book refuses a second
  // order for an id): a run on one with a prefix numbers itself from `<stateDir>/runs.json`.
  const runId =
    session?.runId ??
    options.runId ??
    (options.stateDir !== undefined && options.runIdPrefix !== undefined
      ? nextRunId(options.stateDir, options.runIdPrefix)
      : 'run');
  const checkpointer = session
    ? new SessionCheckpointer({
        runDir: options.runDir,
        runId,
        configDigest: session.configDigest,
        sessions: session.sessions,
        logger,
        audit,
        safety,
        ...(governor ? { saveLearners: () => governor.save() } : {}),
        ...(options.stateDir ? { saveLedger: () => ledger.save() } : {}),
        onAlert,
        ...saving,
      })
    : undefined;
  const runtime = new OmniRuntime({
    runId,
    features,
    brain,
    hub,
    safety,
    logger,
    audit,
    performance,
    sequence,
    ...(pools ? { routes: new PoolRouteCandidates(pools, config.engines.arbitrage) } : {}),
    ...(training ? { training } : {}),
    ...(checkpointer ? { onCheckpoint: (point) => checkpointer.save(point) } : {}),
    ...(operator ? { operator } : {}),
    ...(options.checkpointEveryTicks !== undefined
      ? { checkpointEveryTicks: options.checkpointEveryTicks }
      : {}),
    // Stopped candidates settle in a hub of their own: never the ledger, SafetyManager or the metrics.
    counterfactual: counterfactualSettings(config, pools),
  });
  if (session?.resumed) {
    const from = session.resumed;
    runtime.replaySilently(from.ticks, {
      lastTick: from.lastTick,
      onResumed: () => checkpointer?.adoptOperatorActions(clock.nowMs()),
    });
  } else if (checkpointer) {
    checkpointer.save({ ticks: 0, decisions: 0, lastTick: null, reason: 'resumed' });
  }

  return {
    runtime,
    performance,
    safety,
    emergency,
    hub,
    features,
    sequence,
    brain,
    governor,
    logger,
    journal: audit,
    modelName: sequence.name,
    alert: onAlert,
    operator,
    runId,
    resumedFrom: session?.resumed,
    async close(): Promise<void> {
      await runtime.shutdown();
      // A resumable run saved its learners at its last checkpoint (and must not save a half-replayed state).
      if (governor && options.stateDir && !session) governor.save();
      await sequence.close();
    },
  };
}
