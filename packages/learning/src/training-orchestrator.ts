import { writeFileSync } from 'node:fs';
import {
  DEFAULT_REWARD_CLIP_R,
  type Decision,
  DecisionSchema,
  type Engine,
  EngineSettingsSchema,
  isTradeDecision,
  ModelError,
  type OmniConfig,
  readJournal,
  rewardR,
  settledRiskUsd,
  spotRoundTripCostBps,
  type TradeDecision,
  type TradeOutcome,
  TradeOutcomeSchema,
} from '@omni/core';
import { ONNXSequenceAdapter } from '@omni/sequence';
import { z } from 'zod';
import type { ModelMutationController, MutationOutcome } from './model-mutation-controller.js';
import type { PriceSeries } from './price-series.js';
import { type SequenceTrainerOptions, type TrainingReport, trainSequenceModel } from './sequence-trainer.js';

/** What RegimeSwitchingRL must offer to learn from settled trades (structural: any class with it fits). */
export interface RegimeLearner {
  update(stateKey: string, engine: Engine, reward: number): void;
}

/** What ArbitrageRLAgent must offer to learn from settled arbitrage trades (realised net profit in USD). */
export interface RouteLearner {
  updateRoute(routeId: string, profitUsd: number): void;
}

/** The learners {@link TrainingOrchestrator.updateRlFromTrades} feeds; either may be absent. */
export interface RlLearners {
  readonly regime?: RegimeLearner;
  readonly routes?: RouteLearner;
}

const PlainDecisionRecordSchema = z.looseObject({
  decision: DecisionSchema,
  regimeKey: z.string().min(1),
  /** The runtime's SafetyManager verdict; `riskUsd` is the USD at risk it approved (1 R). */
  approval: z.looseObject({ riskUsd: z.number().finite().nonnegative().optional() }).optional(),
});

/**
 * One decisions.jsonl record as far as learning needs it (other fields are kept but ignored):
 * either a plain `{ decision, regimeKey }` line, or a line of the runtime's hash-chained
 * DecisionAuditTrail (`{ seq, prevHash, hash, entry: { decision, regimeKey, approval, ... } }`),
 * unwrapped.
 */
export const DecisionRecordSchema = z.preprocess(
  (line) =>
    typeof line === 'object' && line !== null && 'entry' in line && 'hash' in line
      ? (line as { entry: unknown }).entry
      : line,
  PlainDecisionRecordSchema,
);

/**
 * The seal a clean close of the runtime's DecisionAuditTrail writes last (`{ seq, prevHash, hash,
 * seal: { records, headHash } }`): a line of the chain that carries no decision, skipped by learning.
 */
const AuditSealLineSchema = z.looseObject({
  seq: z.number(),
  hash: z.string(),
  seal: z.looseObject({ records: z.number(), headHash: z.string() }),
});

/**
 * A checkpoint a DecisionJournal at level `actions` writes for the decisions it did not record
 * (`{ seq, prevHash, hash, checkpoint: { fromDecision, toDecision, skipped, ... } }`): no decision
 * to join a trade to, skipped by learning.
 */
const AuditCheckpointLineSchema = z.looseObject({
  seq: z.number(),
  hash: z.string(),
  checkpoint: z.looseObject({ fromDecision: z.number(), toDecision: z.number(), skipped: z.number() }),
});

/** One line of decisions.jsonl: a decision record, or an audit-trail seal or checkpoint (checked first). */
const DecisionsJournalLineSchema = z.union([
  AuditSealLineSchema,
  AuditCheckpointLineSchema,
  DecisionRecordSchema,
]);

/** Counts from one {@link TrainingOrchestrator.updateRlFromTrades} pass. */
export interface RlUpdateSummary {
  readonly trades: number;
  readonly regimeUpdates: number;
  readonly routeUpdates: number;
  /** decisionIds of trades with no trade decision record (not learned from). */
  readonly unmatchedDecisionIds: readonly string[];
  /** decisionIds of trades whose reward is null, e.g. no positive USD risk (the regime learner skips them). */
  readonly unrewardedDecisionIds: readonly string[];
  /** Torn last lines skipped (a writer crashed mid-record), at most one per file read. */
  readonly tornLines: number;
}

/** A trainer: the built-in one or an external pipeline (e.g. a PyTorch script) that returns an ONNX path. */
export type SequenceTrainer = () => Promise<string> | string;

/** What {@link TrainingOrchestrator.retrainSequenceModel} did with the trainer's model. */
export type RetrainOutcome =
  | { readonly status: 'invalid'; readonly modelPath: string; readonly error: ModelError }
  | { readonly status: 'validated'; readonly modelPath: string; readonly windowLength: number }
  | ({ readonly modelPath: string } & Exclude<MutationOutcome, { status: 'invalid' }>);

/** What a reward function sees besides the settled trade. */
export interface RewardContext {
  /** The trade decision the trade settles (as approved: clipped stake or size). */
  readonly decision: TradeDecision;
  /**
   * USD at risk of the trade (1 R): `approval.riskUsd` of the runtime's audit record when present,
   * else `settledRiskUsd` of @omni/core, recomputed from the trade and decision with `engines` costs.
   */
  readonly riskUsd: number;
}

/** Options of {@link TrainingOrchestrator}. */
export interface TrainingOrchestratorOptions {
  /**
   * Reward of a settled trade; `null` skips the trade. Default: `rewardR(trade.pnl, riskUsd,
   * DEFAULT_REWARD_CLIP_R)` of @omni/core, the clipped R-multiple in USD that MasterGovernorX100
   * learns online, so replayed and online learning agree (a stop-out is −1 R whatever the quote currency).
   */
  readonly reward?: (trade: TradeOutcome, context: RewardContext) => number | null;
  /**
   * Spot and arbitrage costs (`config.engines`) used to recompute the USD risk of a record without
   * `approval.riskUsd` (a plain `{ decision, regimeKey }` line). Default: the configuration defaults.
   */
  readonly engines?: Pick<OmniConfig['engines'], 'spot' | 'arbitrage'>;
  /** When given, a validated model goes through it (promotion only if it beats the serving model). */
  readonly mutation?: ModelMutationController;
}

/**
 * The learning loop of spec 2.9 / flow "Learning & Evolution": RL updates from realised R-multiples, and
 * sequence-model retraining whose output is validated against the model contract before promotion.
 * Why: the system evolves offline from its own journals, never by trusting an unchecked file.
 *
 * @example
 * const orchestrator = new TrainingOrchestrator({ mutation: controller });
 * await orchestrator.updateRlFromTrades('runs/1/trades.jsonl', 'runs/1/decisions.jsonl', { regime: rl, routes: arb });
 * await orchestrator.retrainSequenceModel(builtInSequenceTrainer(series, 'candidate.onnx'));
 */
export class TrainingOrchestrator {
  readonly #reward: (trade: TradeOutcome, context: RewardContext) => number | null;
  readonly #engines: Pick<OmniConfig['engines'], 'spot' | 'arbitrage'>;
  readonly #mutation: ModelMutationController | undefined;

  constructor(options: TrainingOrchestratorOptions = {}) {
    this.#reward =
      options.reward ?? ((trade, { riskUsd }) => rewardR(trade.pnl, riskUsd, DEFAULT_REWARD_CLIP_R));
    this.#engines = options.engines ?? EngineSettingsSchema.parse({});
    this.#mutation = options.mutation;
  }

  /**
   * Joins each trade (trades.jsonl, core TradeOutcome) to its decision (decisions.jsonl) by `decisionId`,
   * then calls `regime.update(regimeKey, decision.engine, reward)` with the R-multiple in USD (see
   * `reward`; a null reward skips it) and, for arbitrage, `routes.updateRoute(routeId, trade.pnl)`
   * with the realised net profit in USD — what MasterGovernorX100.learn feeds the same learners —
   * in the trades' file order. Invalid lines throw JournalError naming file and line.
   *
   * @param tradesJsonl trades.jsonl, or a rotated journal's files in write order (`listJournalFiles` of @omni/core).
   * @param decisionsJsonl decisions.jsonl, or its rotated files in write order.
   */
  async updateRlFromTrades(
    tradesJsonl: string | readonly string[],
    decisionsJsonl: string | readonly string[],
    learners: RlLearners,
  ): Promise<RlUpdateSummary> {
    const decisions = await readJournals(decisionsJsonl, DecisionsJournalLineSchema);
    const byId = new Map<
      string,
      { decision: Decision; regimeKey: string; approval?: { riskUsd?: number } }
    >();
    for (const record of decisions.records) {
      if (!('seal' in record) && !('checkpoint' in record)) byId.set(record.decision.id, record);
    }
    const trades = await readJournals(tradesJsonl, TradeOutcomeSchema);
    let regimeUpdates = 0;
    let routeUpdates = 0;
    const unmatched: string[] = [];
    const unrewarded: string[] = [];
    const spotCostBps = spotRoundTripCostBps({ engines: this.#engines });
    for (const trade of trades.records) {
      const joined = byId.get(trade.decisionId);
      if (!joined || !isTradeDecision(joined.decision)) {
        unmatched.push(trade.decisionId);
        continue;
      }
      const riskUsd =
        joined.approval?.riskUsd ??
        settledRiskUsd(trade, joined.decision, this.#engines.arbitrage, spotCostBps);
      const reward = this.#reward(trade, { decision: joined.decision, riskUsd });
      if (reward === null) unrewarded.push(trade.decisionId);
      else if (learners.regime) {
        learners.regime.update(joined.regimeKey, joined.decision.engine, reward);
        regimeUpdates++;
      }
      if (learners.routes && joined.decision.engine === 'arbitrage') {
        learners.routes.updateRoute(joined.decision.routeId, trade.pnl);
        routeUpdates++;
      }
    }
    return {
      trades: trades.records.length,
      regimeUpdates,
      routeUpdates,
      unmatchedDecisionIds: unmatched,
      unrewardedDecisionIds: unrewarded,
      tornLines: decisions.tornLines + trades.tornLines,
    };
  }

  /**
   * Runs `trainer`, validates the returned ONNX file against docs/model-contract.md (load + warm-up in
   * ONNXSequenceAdapter) and, with a mutation controller, lets it decide promotion. Never promotes an
   * invalid file. Errors thrown by the trainer itself become ModelError `MODEL_TRAINING_FAILED`.
   */
  async retrainSequenceModel(trainer: SequenceTrainer): Promise<RetrainOutcome> {
    let modelPath: string;
    try {
      modelPath = await trainer();
    } catch (err) {
      throw new ModelError('MODEL_TRAINING_FAILED', 'the sequence-model trainer failed', {}, { cause: err });
    }
    let windowLength: number;
    try {
      const adapter = await ONNXSequenceAdapter.load(modelPath);
      windowLength = adapter.windowLength;
      await adapter.close();
    } catch (err) {
      if (err instanceof ModelError) return { status: 'invalid', modelPath, error: err };
      throw err;
    }
    if (!this.#mutation) return { status: 'validated', modelPath, windowLength };
    const outcome = await this.#mutation.consider(modelPath, 'retrainSequenceModel');
    if (outcome.status === 'invalid') return { status: 'invalid', modelPath, error: outcome.error };
    return { modelPath, ...outcome };
  }
}

/** The records of one journal file or of a rotated journal's files (in the order given), and how many ended torn. */
async function readJournals<T>(
  files: string | readonly string[],
  schema: z.ZodType<T>,
): Promise<{ records: T[]; tornLines: number }> {
  const records: T[] = [];
  let tornLines = 0;
  for (const file of typeof files === 'string' ? [files] : files) {
    const read = await readJournal(file, { schema });
    for (const record of read.records) records.push(record);
    if (read.torn) tornLines++;
  }
  return { records, tornLines };
}

/**
 * The built-in trainer as a {@link SequenceTrainer}: trains on `series`, writes the ONNX file to `outPath`
 * and hands its report to `onReport`. Why: `retrainSequenceModel` treats it exactly like an external one.
 */
export function builtInSequenceTrainer(
  series: readonly PriceSeries[],
  outPath: string,
  options: SequenceTrainerOptions & { onReport?: (report: TrainingReport) => void } = {},
): SequenceTrainer {
  return () => {
    const trained = trainSequenceModel(series, options);
    writeFileSync(outPath, trained.onnx);
    options.onReport?.(trained.report);
    return outPath;
  };
}
