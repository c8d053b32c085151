import type { AuditableDecision, Decision, Tick } from '@omni/core';
import { isTradeDecision } from '@omni/core';
import type { FeatureVector } from '@omni/features';
import { FUNNEL_STAGES, type FunnelStage } from './decision-funnel.js';
import type { DecisionJournal } from './decision-journal.js';
import { featureSnapshot } from './runtime-components.js';

/** The digest code of each funnel stage of a skipped decision (its index in {@link FUNNEL_STAGES}). */
const STAGE_CODE = new Map<FunnelStage, number>(FUNNEL_STAGES.map((stage, i) => [stage, i]));
const BLOCKED_CODE = STAGE_CODE.get('blocked') as number;

/** What the runtime knows of a decision when it journals it. */
export interface DecidedTick<A> {
  readonly seq: number;
  readonly tick: Tick;
  readonly features: FeatureVector;
  readonly answer: A;
  readonly decision: Decision;
  readonly stage: FunnelStage;
  readonly approval?: Record<string, unknown>;
  readonly execution?: Record<string, unknown>;
}

/**
 * Decides which decisions go into decisions.jsonl and builds their entries. At journal level `all`
 * every decision is recorded with its inputs. At `actions` only what a reader of the run needs line
 * by line is: every decision that is not `none` (a trade sent, refused by SafetyManager or by the
 * venue) and every change of state — the first tick of a safety block (or a change of its reason)
 * and the first decision after it. Every other decision is handed to {@link DecisionJournal.skip}:
 * a few numbers into the running digest, no entry object, no JSON, no hash — which is what makes a
 * backtest's decision path cheap.
 */
export class DecisionRecorder<A extends AuditableDecision> {
  readonly #journal: DecisionJournal;
  readonly #all: boolean;
  /** The code of the safety block in force on the last tick, or undefined when trading was allowed. */
  #blocked: string | undefined;

  constructor(journal: DecisionJournal) {
    this.#journal = journal;
    this.#all = journal.level === 'all';
  }

  /** Journals a decision of the brain (with SafetyManager's and the venue's answers, if any). */
  decided(d: DecidedTick<A>): void {
    const changed = this.#blocked !== undefined;
    this.#blocked = undefined;
    if (this.#all && this.#journal.muted) return; // a silent replay: nothing to count at level all
    if (this.#all || changed || isTradeDecision(d.decision)) {
      this.#journal.append({
        ...d.answer,
        decision: d.decision,
        tsMs: d.tick.tsMs,
        symbol: d.tick.symbol,
        price: d.tick.price,
        features: featureSnapshot(d.features),
        ...(d.approval ? { approval: d.approval } : {}),
        ...(d.execution ? { execution: d.execution } : {}),
      });
      return;
    }
    this.#journal.skip(d.seq, d.tick.tsMs, d.tick.price, STAGE_CODE.get(d.stage) as number);
  }

  /** Journals a tick SafetyManager blocked (decision `<runId>-<seq>`, engine none). */
  blocked(runId: string, seq: number, tick: Tick, code: string, reason: string): void {
    const changed = this.#blocked !== code;
    this.#blocked = code;
    if (this.#all && this.#journal.muted) return;
    if (!this.#all && !changed) {
      this.#journal.skip(seq, tick.tsMs, tick.price, BLOCKED_CODE);
      return;
    }
    this.#journal.append({
      decision: {
        engine: 'none',
        id: `${runId}-${seq}`,
        tsMs: tick.tsMs,
        symbol: tick.symbol,
        reason: `${code}: ${reason}`,
      },
      regimeKey: 'blocked',
      tsMs: tick.tsMs,
      symbol: tick.symbol,
      price: tick.price,
      mode: 'COOLDOWN',
    });
  }
}
