import { z } from 'zod';
import { isotonicRegression } from './isotonic-regression.js';
import { requireNumberInRange, requireOption } from './numeric-input.js';
import { CountSchema, parseLearnerState } from './persisted-state.js';

const KIND = 'signal-confidence-calibrator';
const VERSION = 1;

/** Options of {@link SignalConfidenceCalibrator}. */
export interface SignalConfidenceCalibratorOptions {
  /** Equal-width bins over raw confidence [0, 1]; default 20. */
  readonly bins?: number;
  /** Pseudo-outcomes per bin pulling an unobserved bin towards its centre (identity map); default 2. */
  readonly priorStrength?: number;
}

/** One row of the reliability table (a calibration curve): what was predicted, what happened. */
export interface ReliabilityRow {
  /** Raw-confidence bin [lower, upper) (the last bin includes 1). */
  readonly lower: number;
  readonly upper: number;
  /** Settled outcomes in this bin. */
  readonly count: number;
  /** Mean raw confidence of those outcomes, or `null` when the bin is empty. */
  readonly meanRaw: number | null;
  /** Observed win rate, or `null` when the bin is empty. */
  readonly observedRate: number | null;
  /** What {@link SignalConfidenceCalibrator.calibrate} returns for this bin. */
  readonly calibrated: number;
}

/** Brier scores (mean squared error of probabilities against 0/1 outcomes; lower is better). */
export interface BrierReport {
  readonly count: number;
  /** Of the raw confidences, or `null` before any outcome. */
  readonly raw: number | null;
  /** In-sample, of the calibrated probabilities, or `null` before any outcome. */
  readonly calibrated: number | null;
}

/** Zod schema of the persisted {@link SignalConfidenceCalibrator} state (version 1). */
export const SignalConfidenceCalibratorStateSchema = z
  .object({
    kind: z.literal(KIND),
    version: z.literal(VERSION),
    options: z.object({ bins: z.number().int().min(1).max(1000), priorStrength: z.number().gt(0).finite() }),
    counts: z.array(CountSchema),
    wins: z.array(CountSchema),
    sumRaw: z.array(z.number().finite().nonnegative()),
    rawSquaredError: z.number().finite().nonnegative(),
  })
  .refine(
    (s) =>
      s.counts.length === s.options.bins &&
      s.wins.length === s.options.bins &&
      s.sumRaw.length === s.options.bins &&
      s.wins.every((w, i) => w <= (s.counts[i] as number)),
    { message: 'counts, wins and sumRaw need one entry per bin, and wins ≤ counts' },
  );
/** The persisted {@link SignalConfidenceCalibrator} state. */
export type SignalConfidenceCalibratorState = z.infer<typeof SignalConfidenceCalibratorStateSchema>;

/**
 * Maps a raw signal confidence to a calibrated win probability learned from settled outcomes.
 *
 * Isotonic regression (pool-adjacent-violators) over equal-width bins of raw confidence: the map
 * is a non-decreasing step function, so a higher raw confidence never calibrates lower
 * (Zadrozny & Elkan 2002, "Transforming classifier scores into accurate multiclass probability
 * estimates"). Each bin adds `priorStrength` pseudo-outcomes at its centre, so with no data the
 * map is the identity (bin centre) and data overrides it. `observe` is O(1); the O(bins) refit
 * runs lazily on the next `calibrate`.
 *
 * @example
 * const cal = new SignalConfidenceCalibrator();
 * for (const t of settled) cal.observe(t.rawConfidence, t.pnl > 0);
 * cal.calibrate(0.7); // e.g. 0.58 if 70% signals won 58% of the time
 * cal.brierScore(); // { count, raw, calibrated }
 */
export class SignalConfidenceCalibrator {
  readonly bins: number;
  readonly priorStrength: number;
  readonly #counts: Float64Array;
  readonly #wins: Float64Array;
  readonly #sumRaw: Float64Array;
  readonly #fitted: Float64Array;
  readonly #fitValues: Float64Array;
  readonly #fitWeights: Float64Array;
  #rawSquaredError = 0;
  #total = 0;
  #dirty = true;

  constructor(options: SignalConfidenceCalibratorOptions = {}) {
    this.bins = requireOption(options.bins ?? 20, 'bins', 1, 1000, true);
    this.priorStrength = requireOption(options.priorStrength ?? 2, 'priorStrength', Number.MIN_VALUE, 1e9);
    this.#counts = new Float64Array(this.bins);
    this.#wins = new Float64Array(this.bins);
    this.#sumRaw = new Float64Array(this.bins);
    this.#fitted = new Float64Array(this.bins);
    this.#fitValues = new Float64Array(this.bins);
    this.#fitWeights = new Float64Array(this.bins);
  }

  /** Settled outcomes observed so far. */
  get count(): number {
    return this.#total;
  }

  /** Records one settled outcome of a signal that had raw confidence `rawConfidence` ∈ [0, 1]. O(1). */
  observe(rawConfidence: number, won: boolean): void {
    const raw = requireNumberInRange(rawConfidence, 'rawConfidence', 0, 1);
    const b = this.#bin(raw);
    const y = won ? 1 : 0;
    this.#counts[b] = (this.#counts[b] as number) + 1;
    this.#wins[b] = (this.#wins[b] as number) + y;
    this.#sumRaw[b] = (this.#sumRaw[b] as number) + raw;
    this.#rawSquaredError += (raw - y) * (raw - y);
    this.#total++;
    this.#dirty = true;
  }

  /** The calibrated probability for a raw confidence ∈ [0, 1]: the isotonic fit of its bin. */
  calibrate(rawConfidence: number): number {
    const raw = requireNumberInRange(rawConfidence, 'rawConfidence', 0, 1);
    this.#refit();
    return this.#fitted[this.#bin(raw)] as number;
  }

  /** Brier scores of the raw confidences and of the calibrated map over every observed outcome. */
  brierScore(): BrierReport {
    if (this.#total === 0) return { count: 0, raw: null, calibrated: null };
    this.#refit();
    let sse = 0;
    for (let b = 0; b < this.bins; b++) {
      const f = this.#fitted[b] as number;
      const n = this.#counts[b] as number;
      const w = this.#wins[b] as number;
      sse += n * f * f - 2 * f * w + w;
    }
    return { count: this.#total, raw: this.#rawSquaredError / this.#total, calibrated: sse / this.#total };
  }

  /** One row per bin: predicted (mean raw) vs observed win rate, and the calibrated value. */
  reliabilityTable(): readonly ReliabilityRow[] {
    this.#refit();
    const rows: ReliabilityRow[] = [];
    for (let b = 0; b < this.bins; b++) {
      const n = this.#counts[b] as number;
      rows.push({
        lower: b / this.bins,
        upper: (b + 1) / this.bins,
        count: n,
        meanRaw: n > 0 ? (this.#sumRaw[b] as number) / n : null,
        observedRate: n > 0 ? (this.#wins[b] as number) / n : null,
        calibrated: this.#fitted[b] as number,
      });
    }
    return rows;
  }

  /** The calibrator as plain JSON. */
  toJSON(): SignalConfidenceCalibratorState {
    return {
      kind: KIND,
      version: VERSION,
      options: { bins: this.bins, priorStrength: this.priorStrength },
      counts: Array.from(this.#counts),
      wins: Array.from(this.#wins),
      sumRaw: Array.from(this.#sumRaw),
      rawSquaredError: this.#rawSquaredError,
    };
  }

  /** Restores a calibrator saved with {@link SignalConfidenceCalibrator.toJSON}. */
  static fromJSON(data: unknown): SignalConfidenceCalibrator {
    const state = parseLearnerState(SignalConfidenceCalibratorStateSchema, data, {
      kind: KIND,
      version: VERSION,
    });
    const cal = new SignalConfidenceCalibrator(state.options);
    cal.#counts.set(state.counts);
    cal.#wins.set(state.wins);
    cal.#sumRaw.set(state.sumRaw);
    cal.#rawSquaredError = state.rawSquaredError;
    cal.#total = state.counts.reduce((a, b) => a + b, 0);
    return cal;
  }

  #bin(raw: number): number {
    const b = Math.floor(raw * this.bins);
    return b >= this.bins ? this.bins - 1 : b;
  }

  #refit(): void {
    if (!this.#dirty) return;
    const s = this.priorStrength;
    for (let b = 0; b < this.bins; b++) {
      const n = this.#counts[b] as number;
      const centre = (b + 0.5) / this.bins;
      this.#fitValues[b] = ((this.#wins[b] as number) + s * centre) / (n + s);
      this.#fitWeights[b] = n + s;
    }
    isotonicRegression(this.#fitValues, this.#fitWeights, this.#fitted);
    this.#dirty = false;
  }
}
