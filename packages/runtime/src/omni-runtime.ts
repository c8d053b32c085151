import {
  type Alert,
  type AuditableDecision,
  type Decision,
  isTradeDecision,
  RuntimeError,
  type Tick,
  type TradeDecision,
  type TradeOutcome,
} from '@omni/core';
import type { FeatureVector } from '@omni/features';
import { CounterfactualSettler, counterfactualSink } from './counterfactual-settler.js';
import {
  brainStage,
  DecisionFunnel,
  type FunnelStage,
  type FunnelSummary,
  isCounterfactualGate,
  isExploration,
} from './decision-funnel.js';
import { DecisionRecorder } from './decision-recorder.js';
import {
  type CheckpointPoint,
  featureSnapshot,
  type OmniRuntimeComponents,
  type SilentReplayOptions,
  type TickResult,
} from './runtime-components.js';
import { SilentReplay } from './silent-replay.js';
import { WindowPrefetch } from './window-prefetch.js';

export type { CheckpointPoint, OmniRuntimeComponents, SilentReplayOptions, TickResult };
export { featureSnapshot };

/** The shortest window a sequence model can read (momentum needs three prices for two returns). */
const MIN_OBSERVE_WINDOW = 3;
const WARMING_UP: TickResult = { kind: 'warming-up', settled: 0 }; // shared: results are read-only

type OpenTrade<A> = { readonly audit: A; readonly confidence: number; readonly riskUsd: number };

/**
 * The specification's OmniRuntime: the primary loop for one tick, in this order —
 * journal the tick; settle what the tick settles (feedback to the brain, safety and metrics);
 * update features (always, so indicators never miss data during a cooldown);
 * `SafetyManager.canTrade()`; prepare the sequence model; `brain.decide`; `SafetyManager.approve`;
 * `ExecutionHub.execute`; journal the decision with its inputs in the hash-chained audit trail;
 * `maybeRetrain`. Nothing reaches the hub without SafetyManager's approval.
 *
 * With `counterfactual` settings, every candidate a gate stopped (the brain's `regime`,
 * `confidence`, `sizing`, `veto`, and trades SafetyManager refused) also goes into a private shadow
 * hub; its outcomes settle from later ticks (before deciding, like real ones), are journaled to
 * `counterfactual.jsonl` and handed to `brain.learnCounterfactual` — never to SafetyManager, the
 * ledger or the metrics. The {@link DecisionFunnel} counts where every tick ended.
 *
 * @example
 * const runtime = new OmniRuntime({ runId, features, brain, hub, safety, logger, audit, performance });
 * for await (const tick of feed) await runtime.onTick(tick);
 * await runtime.shutdown();
 */
export class OmniRuntime<A extends AuditableDecision = AuditableDecision> {
  readonly #c: OmniRuntimeComponents<A>;
  readonly #open = new Map<string, OpenTrade<A>>();
  readonly #funnel = new DecisionFunnel();
  readonly #counterfactual: CounterfactualSettler<A> | undefined;
  readonly #minWindow: number;
  readonly #windowLength: number | undefined;
  #windowBuffer: Float64Array | undefined;
  #seq = 0;
  #blocked = 0;
  #ticks = 0;
  #lastTsMs = Number.NEGATIVE_INFINITY;
  #lastPrice = Number.NaN;
  #closed = false;
  readonly #replay: SilentReplay;
  #settledThisTick = false;
  readonly #prefetch: WindowPrefetch;
  readonly #recorder: DecisionRecorder<A>;
  #lastBlocked: Extract<TickResult, { kind: 'blocked' }> = { kind: 'blocked', reason: '', settled: 0 };

  constructor(components: OmniRuntimeComponents<A>) {
    this.#c = components;
    const { counterfactual, logger, brain } = components;
    this.#counterfactual =
      counterfactual &&
      new CounterfactualSettler<A>(
        counterfactual,
        counterfactualSink({ logger, funnel: this.#funnel, brain }),
      );
    this.#minWindow = components.minWindow ?? 32;
    this.#windowLength = components.windowLength;
    this.#prefetch = new WindowPrefetch(components.sequence);
    this.#recorder = new DecisionRecorder<A>(components.audit);
    this.#replay = new SilentReplay([components.logger, components.audit]);
  }

  /** Decisions taken so far (including `none`). */
  get decisions(): number {
    return this.#seq;
  }

  /** Ticks on which SafetyManager allowed no trading (cooldown, reduce-only, frozen, stale data). */
  get blockedTicks(): number {
    return this.#blocked;
  }

  /** Trades placed and not yet settled. */
  get openTrades(): number {
    return this.#open.size;
  }

  /** Ticks processed since the run began, including ticks replayed silently on a resume. */
  get ticks(): number {
    return this.#ticks;
  }

  /** Where every tick ended, and what the candidates each gate stopped would have done. */
  get funnel(): FunnelSummary {
    return this.#funnel.summary();
  }

  /** True while the runtime replays ticks that an earlier session already journaled. */
  get replaying(): boolean {
    return this.#replay.active;
  }

  /**
   * Resumes a run from a checkpoint at `ticks`: the caller feeds the run's ticks from the first
   * one again; the first `ticks` of them go through the whole engine (features, brain, safety,
   * shadow fills and settlement, metrics) with nothing journaled, which rebuilds exactly the state
   * the run had at the checkpoint — the engine is deterministic. Then `onResumed` runs and the run
   * continues as if it had never stopped. Only a hub that places no real orders may be replayed:
   * the caller checks that.
   */
  replaySilently(ticks: number, options: SilentReplayOptions = {}): void {
    this.#replay.start(ticks, options, this.#ticks);
  }

  /** The next ticks (a backtest's chunk): their windows are predicted in batches first ({@link WindowPrefetch}). */
  prefetch(ticks: readonly Tick[]): Promise<void> | undefined {
    return this.#prefetch.prefetch(ticks);
  }

  /** Runs the primary loop for one tick. Ticks must arrive in time order. */
  async onTick(tick: Tick): Promise<TickResult> {
    return this.advance(tick);
  }

  /**
   * {@link OmniRuntime.onTick} that returns the result at once when nothing had to wait (no order
   * sent, no inference run), else a promise: await it either way. Bad input throws, not rejects.
   */
  advance(tick: Tick): TickResult | Promise<TickResult> {
    if (this.#closed)
      throw new RuntimeError('RUNTIME_NOT_STARTED', 'onTick after shutdown', { tsMs: tick.tsMs });
    if (!(tick.tsMs >= this.#lastTsMs)) {
      throw new RuntimeError('RUNTIME_BAD_INPUT', 'ticks must arrive in time order', {
        tsMs: tick.tsMs,
        previousTsMs: this.#lastTsMs,
      });
    }
    this.#lastTsMs = tick.tsMs;
    this.#lastPrice = tick.price;
    this.#ticks++;
    this.#settledThisTick = false;
    let result: TickResult | Promise<TickResult>;
    try {
      result = this.#step(tick);
    } catch (err) {
      this.#afterTick();
      throw err;
    }
    if (!(result instanceof Promise)) {
      this.#afterTick();
      return result;
    }
    return result.finally(() => this.#afterTick());
  }

  #step(tick: Tick): TickResult | Promise<TickResult> {
    const c = this.#c;
    c.logger.logTick(tick);
    c.training?.observe?.(tick);
    c.operator?.observe(tick.tsMs);
    c.safety.noteTick(tick);
    c.performance.noteTick(tick.tsMs);

    let settled = 0;
    const outcomes = c.hub.onTick(tick);
    for (let i = 0; i < outcomes.length; i++) {
      this.#settle(outcomes[i] as TradeOutcome);
      settled++;
    }
    this.#counterfactual?.onTick(tick);
    c.routes?.observe?.(tick);

    const features = c.features.update(tick);

    const window = this.#window(tick.symbol);
    const dex = c.routes?.dexVolatility ?? undefined; // the pools' volatility (DEX channel), if any
    const verdict = c.safety.canTrade();
    if (!verdict.ok) {
      if (window.length >= MIN_OBSERVE_WINDOW) c.brain.observe?.({ features, window, dexVolatility: dex });
      this.#blocked++;
      this.#funnel.note('blocked', tick.tsMs);
      this.#recorder.blocked(c.runId, ++this.#seq, tick, verdict.code, verdict.reason);
      return this.#finish(this.#blockedResult(verdict.reason, settled), tick.tsMs);
    }
    if (window.length < this.#minWindow) {
      this.#funnel.note('warming-up', tick.tsMs);
      if (window.length >= MIN_OBSERVE_WINDOW) c.brain.observe?.({ features, window, dexVolatility: dex });
      return this.#finish(settled === 0 ? WARMING_UP : { kind: 'warming-up', settled }, tick.tsMs);
    }

    const prepared = c.sequence?.needsPrepare === false ? undefined : c.sequence?.prepare(window);
    if (prepared instanceof Promise) {
      return prepared.then(() => this.#decide(tick, features, window, settled));
    }
    return this.#decide(tick, features, window, settled);
  }

  /** Decides on a tick whose sequence model is prepared; async only when a trade or candidate is sent. */
  #decide(
    tick: Tick,
    features: FeatureVector,
    window: Float64Array,
    settled: number,
  ): TickResult | Promise<TickResult> {
    const c = this.#c;
    const decisionId = `${c.runId}-${++this.#seq}`;
    const candidates = c.routes?.candidates(tick);
    const answer = c.brain.decide({
      decisionId,
      features,
      window,
      balanceUsd: c.performance.balance,
      ...(candidates ? { arbitrage: { candidates } } : {}),
      dexVolatility: c.routes?.dexVolatility ?? undefined,
    });
    const decision = answer.decision;
    const stage = brainStage(answer);
    if (isTradeDecision(decision)) return this.#trade(tick, features, answer, decision, settled);
    if (answer.candidate && isCounterfactualGate(stage) && this.#counterfactual) {
      const counterfactual = this.#counterfactual;
      const candidate = answer.candidate;
      return (async () => {
        await counterfactual.open(candidate, stage, answer, tick);
        return this.#record(tick, features, answer, decision, stage, settled, false);
      })();
    }
    return this.#record(tick, features, answer, decision, stage, settled, false);
  }

  /** SafetyManager's approval, then the hub (async: the venue answers). */
  async #trade(
    tick: Tick,
    features: FeatureVector,
    answer: A,
    proposed: TradeDecision,
    settled: number,
  ): Promise<TickResult> {
    const c = this.#c;
    const verdict = c.safety.approve(proposed, { balanceUsd: c.performance.balance });
    if (!verdict.approved) {
      const refusal = { approved: false, code: verdict.code, reason: verdict.reason };
      await this.#counterfactual?.open(proposed, 'safety', answer, tick);
      return this.#record(tick, features, answer, proposed, 'safety', settled, false, refusal);
    }
    const order = verdict.decision;
    const approval = { approved: true, clipped: verdict.clipped, riskUsd: verdict.riskUsd };
    const report = await c.hub.execute(order, tick);
    const execution: Record<string, unknown> = { status: report.status, venue: report.venue };
    if (report.status === 'rejected') {
      const refused = { ...execution, code: report.code, reason: report.reason };
      return this.#record(tick, features, answer, order, 'rejected', settled, false, approval, refused);
    }
    const fill = report.status === 'accepted' ? report.fill : undefined;
    c.safety.registerOpen(order, {
      venue: report.venue,
      ...(fill ? { entryTs: fill.tsMs, entryPrice: fill.price } : {}),
    });
    this.#open.set(order.id, { audit: answer, confidence: order.confidence, riskUsd: verdict.riskUsd });
    if (report.status === 'settled') this.#settle(report.outcome);
    return this.#record(tick, features, answer, order, 'traded', settled, true, approval, execution);
  }

  /** Counts the tick in the funnel, journals the decision with its inputs, and retrains when due. */
  #record(
    tick: Tick,
    features: FeatureVector,
    answer: A,
    decision: Decision,
    stage: FunnelStage,
    settled: number,
    executed: boolean,
    approval?: Record<string, unknown>,
    execution?: Record<string, unknown>,
  ): TickResult | Promise<TickResult> {
    this.#funnel.note(stage, tick.tsMs, stage === 'traded' && isExploration(answer));
    this.#recorder.decided({
      seq: this.#seq,
      tick,
      features,
      answer,
      decision,
      stage,
      ...(approval ? { approval } : {}),
      ...(execution ? { execution } : {}),
    });
    return this.#finish({ kind: 'decided', decision, executed, settled }, tick.tsMs);
  }

  /** The result of a blocked tick: one object per reason while nothing settles (results are read-only). */
  #blockedResult(reason: string, settled: number): TickResult {
    if (settled > 0) return { kind: 'blocked', reason, settled };
    if (this.#lastBlocked.reason !== reason) this.#lastBlocked = { kind: 'blocked', reason, settled: 0 };
    return this.#lastBlocked;
  }

  /** Runs the retrainer (when there is one) after the tick; sync when there is none. */
  #finish(result: TickResult, nowMs: number): TickResult | Promise<TickResult> {
    const training = this.#c.training;
    if (!training) return result;
    return training.maybeRetrain(nowMs).then(() => result);
  }

  /** Ends the silent replay at its last tick, and asks for a checkpoint when one is due. */
  #afterTick(): void {
    if (this.#replay.ended(this.#ticks, this.#lastTsMs, this.#lastPrice)) this.#checkpoint('resumed');
    else if (this.#replay.active) return;
    else if (this.#settledThisTick) this.#checkpoint('settled');
    else if (this.#ticks % (this.#c.checkpointEveryTicks ?? 1000) === 0) this.#checkpoint('periodic');
  }

  #checkpoint(reason: CheckpointPoint['reason']): void {
    this.#c.onCheckpoint?.({
      ticks: this.#ticks,
      decisions: this.#seq,
      lastTick: this.#ticks > 0 ? { tsMs: this.#lastTsMs, price: this.#lastPrice } : null,
      reason,
    });
  }

  /** Journals an alert through the logger (used by feeds, safety and the sequence model). */
  alert(alert: Alert): void {
    this.#c.logger.logAlert(alert);
  }

  /** Flushes every journal. */
  flush(): void {
    this.#c.logger.flush();
    this.#c.audit.flush();
  }

  /** Flushes and closes journals and saves the safety state. Idempotent. */
  async shutdown(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#replay.active) {
      // Stopped during a silent replay: the checkpoint on disk is still the latest; touch nothing
      // (no seal either: the trail stays as the checkpoint left it).
      this.#c.logger.mute(false);
      this.#c.audit.close({ seal: false });
      this.#c.logger.close();
      return;
    }
    if (this.#c.onCheckpoint) this.#checkpoint('shutdown');
    else if (this.#c.safety.statePath !== undefined) this.#c.safety.save();
    this.#c.audit.close();
    this.#c.logger.close();
  }

  #settle(outcome: TradeOutcome): void {
    const c = this.#c;
    this.#settledThisTick = true;
    if (outcome.exit?.kind === 'cancelled') {
      // Never opened (e.g. a spot fill beyond its stop): journaled, closed in the ledger, but not a
      // trade — no PnL in the metrics, no loss for the streak, nothing for the brain to learn.
      c.safety.releaseOpen(outcome.decisionId);
      c.logger.logTrade(outcome);
      this.#open.delete(outcome.decisionId);
      return;
    }
    c.safety.registerOutcome(outcome);
    c.logger.logTrade(outcome);
    const open = this.#open.get(outcome.decisionId);
    c.performance.recordTrade(outcome, open ? { confidence: open.confidence, riskUsd: open.riskUsd } : {});
    if (open) {
      this.#open.delete(outcome.decisionId);
      c.brain.learn(outcome, open.audit, { riskUsd: open.riskUsd });
    }
  }

  #window(symbol: string): Float64Array {
    this.#windowBuffer ??= new Float64Array(this.#c.features.options.priceWindow);
    const full = this.#c.features.priceWindow(symbol, this.#windowBuffer);
    if (this.#windowLength === undefined || full.length <= this.#windowLength) return full;
    return full.subarray(full.length - this.#windowLength);
  }
}
