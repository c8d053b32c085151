import type { AuditableDecision, Decision, DecisionBrain, OmniLogger } from '@omni/core';
import type { ExecutionHub } from '@omni/execution';
import type { FeatureExtractorEngine, FeatureVector } from '@omni/features';
import type { SafetyManager } from '@omni/safety';
import type { CounterfactualSettings } from './counterfactual-settler.js';
import type { DecisionJournal } from './decision-journal.js';
import type { PerformanceRecorder } from './performance-recorder.js';
import type { PreparableSequenceModel, RetrainScheduler, RouteCandidateSource } from './ports.js';

/** Everything an {@link OmniRuntime} composes. The same runtime serves backtest, shadow and live. */
export interface OmniRuntimeComponents<A extends AuditableDecision = AuditableDecision> {
  /** Prefix of decision ids (`<runId>-<seq>`), so ids are unique across runs and deterministic within one. */
  readonly runId: string;
  readonly features: FeatureExtractorEngine;
  readonly brain: DecisionBrain<A>;
  readonly hub: ExecutionHub;
  readonly safety: SafetyManager;
  readonly logger: OmniLogger;
  /**
   * decisions.jsonl: at level `all` every decision is appended; at level `actions` the runtime
   * appends the decisions it records and `skip`s the others (counted in checkpoint lines).
   */
  readonly audit: DecisionJournal;
  readonly performance: PerformanceRecorder;
  /** Prepared before each decision (async ONNX inference). */
  readonly sequence?: PreparableSequenceModel;
  readonly routes?: RouteCandidateSource;
  readonly training?: RetrainScheduler;
  /** Decisions need at least this many prices in the window. Default 32. */
  readonly minWindow?: number;
  /** Length of the price window handed to the brain and sequence model. Default: the feature engine's window. */
  readonly windowLength?: number;
  /**
   * Called at the end of a tick on which a trade settled, every `checkpointEveryTicks` ticks, and at
   * shutdown — never while replaying silently (see {@link OmniRuntime.replaySilently}). A
   * SessionCheckpointer saves learner state, safety state and journal positions here.
   */
  readonly onCheckpoint?: (point: CheckpointPoint) => void;
  /** The modelled operator of a backtest: sees each tick's time before SafetyManager is asked. */
  readonly operator?: { observe(tsMs: number): void };
  /** Ticks between periodic checkpoints. Default 1,000. */
  readonly checkpointEveryTicks?: number;
  /**
   * Settle the candidates gates stopped (and trades SafetyManager refused) as counterfactual
   * outcomes in a private shadow hub: journaled to `counterfactual.jsonl`, handed to
   * `brain.learnCounterfactual`, never in PnL, safety or the ledger. Without it nothing is settled.
   */
  readonly counterfactual?: CounterfactualSettings;
}

/** Options of {@link OmniRuntime.replaySilently}. */
export interface SilentReplayOptions {
  /** The last tick of the checkpoint: the replay must reach exactly this tick, or it fails. */
  readonly lastTick?: { readonly tsMs: number; readonly price: number } | null;
  /** Runs when the replay reached the checkpoint, before the first journaled tick. */
  readonly onResumed?: () => void;
}

/** Where the runtime stands when it asks for a checkpoint. */
export interface CheckpointPoint {
  /** Ticks processed since the run began (all sessions). */
  readonly ticks: number;
  /** Decisions numbered so far (the `<runId>-<n>` counter). */
  readonly decisions: number;
  /** The last tick processed, to check on resume that the same feed is replayed. */
  readonly lastTick: { readonly tsMs: number; readonly price: number } | null;
  readonly reason: 'settled' | 'periodic' | 'shutdown' | 'resumed';
}

/** What one tick did. */
export type TickResult =
  | { readonly kind: 'blocked'; readonly reason: string; readonly settled: number }
  | { readonly kind: 'warming-up'; readonly settled: number }
  | {
      readonly kind: 'decided';
      readonly decision: Decision;
      readonly executed: boolean;
      readonly settled: number;
    };

/** A compact, JSON-safe copy of the features a decision saw (the vector itself is reused per tick). */
export function featureSnapshot(fv: FeatureVector): Record<string, unknown> {
  return {
    tsMs: fv.tsMs,
    price: fv.price,
    spread: fv.spread,
    barCount: fv.barCount,
    sma: fv.sma,
    ema: fv.ema,
    rollingStd: fv.rollingStd,
    atr: fv.atr,
    momentumGradient: fv.momentumGradient,
    volatilityPercentile: fv.volatilityPercentile,
    trendStrength: fv.trendStrength,
    swings: fv.swings.length,
    lastSwing: fv.swings.length > 0 ? fv.swings[fv.swings.length - 1] : null,
  };
}
