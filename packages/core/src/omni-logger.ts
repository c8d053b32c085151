import { join } from 'node:path';
import type { Alert } from './alert.js';
import type { CounterfactualGate } from './decision-brain.js';
import { JournalError } from './errors.js';
import {
  type JournalPosition,
  JournalWriter,
  type JournalWriterOptions,
  journalPositionOnDisk,
} from './journal.js';
import type { Tick } from './tick.js';
import type { TradeOutcome } from './trade-outcome.js';

/** The journal files an {@link OmniLogger} writes inside its directory. */
export const JOURNAL_FILES = {
  ticks: 'ticks.jsonl',
  decisions: 'decisions.jsonl',
  trades: 'trades.jsonl',
  alerts: 'alerts.jsonl',
  counterfactual: 'counterfactual.jsonl',
} as const;

/**
 * One line of `counterfactual.jsonl`: a candidate a gate stopped, settled by the shadow rules from
 * later prices. Never a trade: it is in no PnL, safety state or ledger.
 */
export interface CounterfactualRecord {
  /** Always true: tells a reader of a mixed stream that this outcome was never traded. */
  readonly counterfactual: true;
  /** The gate that stopped the candidate. */
  readonly gate: CounterfactualGate;
  /** USD the candidate would have risked (1 R). */
  readonly riskUsd: number;
  /** `rewardR(outcome.pnl, riskUsd)`, unclipped; null when the risk is 0. */
  readonly r: number | null;
  readonly outcome: TradeOutcome;
}

/** Options of an {@link OmniLogger}. */
export interface OmniLoggerOptions extends JournalWriterOptions {
  /** Journal every tick (large in live runs). Default true. */
  logTicks?: boolean;
  /**
   * Write each trade, counterfactual outcome and alert to disk before the call returns (default
   * true). A backtest passes false: its folder is published only when the run succeeded, so a
   * crash keeps nothing anyway, and a write per record would cost more than the engine's tick.
   */
  durable?: boolean;
}

/**
 * The specification's OmniLogger: one append-only JSONL journal each for ticks, decisions,
 * trades, alerts and counterfactual outcomes, in one directory, in the format the
 * TrainingOrchestrator reads back. Files are opened lazily, so a run that raises no alert leaves no
 * `alerts.jsonl`.
 *
 * What a crash can lose: nothing of trades, counterfactual outcomes and alerts (each record is
 * written before the call returns, unless `durable: false`); of ticks and decisions at most the last `flushIntervalMs` (default 250 ms) of records
 * or one 64 KiB buffer, whichever is less.
 *
 * @example
 * const logger = new OmniLogger('omni-logs/run-1');
 * logger.logTick(tick);
 * logger.logAlert({ tsMs, level: 'warn', code: 'FEED_SPIKE', message: 'skipped a spike', source: 'MarketNormalizer' });
 * logger.close();
 */
export class OmniLogger {
  readonly dir: string;
  readonly #options: OmniLoggerOptions;
  #ticks: JournalWriter<Tick> | undefined;
  #decisions: JournalWriter<object> | undefined;
  #trades: JournalWriter<TradeOutcome> | undefined;
  #alerts: JournalWriter<Alert> | undefined;
  #counterfactual: JournalWriter<CounterfactualRecord> | undefined;
  #muted = false;
  /** Journals whose folder could not be created, reported to `onWriteFailure` once: their records are dropped. */
  readonly #unopenable = new Set<string>();

  constructor(dir: string, options: OmniLoggerOptions = {}) {
    this.dir = dir;
    this.#options = { flushIntervalMs: 250, ...options };
  }

  /**
   * While muted nothing is journaled: a run that resumes from a checkpoint replays the ticks
   * before it silently (their records are on disk already).
   */
  mute(muted: boolean): void {
    this.#muted = muted;
  }

  get muted(): boolean {
    return this.#muted;
  }

  logTick(tick: Tick): void {
    if (this.#options.logTicks === false || this.#muted) return;
    this.#ticks ??= this.#open(JOURNAL_FILES.ticks);
    this.#ticks?.append(tick);
  }

  /** Journals a decision record (the decision plus whatever inputs explain it). */
  logDecision(record: object): void {
    if (this.#muted) return;
    this.#decisions ??= this.#open(JOURNAL_FILES.decisions);
    this.#decisions?.append(record);
  }

  /** Journals a settled trade and flushes at once: it is on disk before the next decision. */
  logTrade(outcome: TradeOutcome): void {
    if (this.#muted) return;
    this.#trades ??= this.#open(JOURNAL_FILES.trades);
    this.#trades?.append(outcome);
    if (this.#options.durable !== false) this.#trades?.flush();
  }

  /** Journals an alert and flushes at once: alerts must survive a crash that follows them. */
  logAlert(alert: Alert): void {
    if (this.#muted) return;
    this.#alerts ??= this.#open(JOURNAL_FILES.alerts);
    this.#alerts?.append(alert);
    if (this.#options.durable !== false) this.#alerts?.flush();
  }

  /** Journals a counterfactual outcome and flushes at once, like a trade. */
  logCounterfactual(record: CounterfactualRecord): void {
    if (this.#muted) return;
    this.#counterfactual ??= this.#open(JOURNAL_FILES.counterfactual);
    this.#counterfactual?.append(record);
    if (this.#options.durable !== false) this.#counterfactual?.flush();
  }

  flush(): void {
    for (const w of this.#writers()) w.flush();
  }

  close(): void {
    for (const w of this.#writers()) w.close();
  }

  /** Flushes and returns where each journal written so far stands, by file name (e.g. `trades.jsonl`). */
  positions(): Record<string, JournalPosition> {
    const out: Record<string, JournalPosition> = {};
    const named: [string, JournalWriter<never> | undefined][] = [
      [JOURNAL_FILES.ticks, this.#ticks],
      [JOURNAL_FILES.decisions, this.#decisions],
      [JOURNAL_FILES.trades, this.#trades],
      [JOURNAL_FILES.alerts, this.#alerts],
      [JOURNAL_FILES.counterfactual, this.#counterfactual],
    ];
    for (const [name, w] of named) out[name] = w ? w.position() : journalPositionOnDisk(join(this.dir, name));
    return out;
  }

  #writers(): JournalWriter<never>[] {
    return [this.#ticks, this.#decisions, this.#trades, this.#alerts, this.#counterfactual].filter(
      (w): w is JournalWriter<never> => w !== undefined,
    );
  }

  /**
   * Opens a journal on its first record. When its folder cannot be created (gone, read-only) and an
   * `onWriteFailure` is set, the failure goes there once and the journal's records are dropped, like
   * those of a writer that failed later; without one it is thrown.
   */
  #open<T>(name: string): JournalWriter<T> | undefined {
    if (this.#unopenable.has(name)) return undefined;
    try {
      return new JournalWriter<T>(join(this.dir, name), this.#options);
    } catch (err) {
      const onWriteFailure = this.#options.onWriteFailure;
      if (
        onWriteFailure === undefined ||
        !(err instanceof JournalError) ||
        err.code !== 'JOURNAL_WRITE_FAILED'
      )
        throw err;
      this.#unopenable.add(name);
      onWriteFailure(err);
      return undefined;
    }
  }
}
