import { AnalysisError } from '@omni/core';

/** The three volatility channels the spec fuses. */
export type VolatilityChannel = 'fx' | 'binary' | 'dex';

/** One observation per channel; missing channels are left out of the score. */
export type VolatilitySample = Readonly<Partial<Record<VolatilityChannel, number>>>;

/** Options of {@link VolatilityScoreMatrix}. */
export interface VolatilityScoreOptions {
  /** Rolling window of each channel's mean (default 50). */
  readonly window?: number;
  /** Channel weights (default 1 each). */
  readonly weights?: Readonly<Partial<Record<VolatilityChannel, number>>>;
}

const CHANNELS: readonly VolatilityChannel[] = ['fx', 'binary', 'dex'];

/** Adds `x` to `channel` when present; throws for a value that is not a finite number ≥ 0. */
function pushSample(channel: Channel, name: VolatilityChannel, x: number | undefined): void {
  if (x === undefined) return;
  if (!Number.isFinite(x) || x < 0) {
    throw new AnalysisError('ANALYSIS_BAD_INPUT', 'volatility must be a finite number >= 0', {
      channel: name,
      value: String(x),
    });
  }
  channel.push(x);
}

class Channel {
  readonly buf: Float64Array;
  sum = 0;
  count = 0;
  next = 0;
  last = 0;
  constructor(window: number) {
    this.buf = new Float64Array(window);
  }
  push(x: number): void {
    if (this.count === this.buf.length) this.sum -= this.buf[this.next] as number;
    else this.count++;
    this.buf[this.next] = x;
    this.sum += x;
    this.next = (this.next + 1) % this.buf.length;
    this.last = x;
  }
}

/**
 * Fused fx/binary/dex volatility score (the spec's VolatilityScoreMatrix), O(1) per update.
 * Formula: score = Σ wᵢ·(lastᵢ / meanᵢ) / Σ wᵢ over channels with data, meanᵢ over the last `window` values;
 * 1 = each channel at its recent average, 2 = twice as volatile as usual.
 *
 * @example
 * const vsm = new VolatilityScoreMatrix({ window: 100 });
 * vsm.update({ fx: fv.rollingStd ?? undefined, dex: poolVol });
 */
export class VolatilityScoreMatrix {
  readonly #channels: Record<VolatilityChannel, Channel>;
  readonly #weights: Record<VolatilityChannel, number>;
  /** The channels and their weights in CHANNELS order (fx, binary, dex). */
  readonly #ordered: readonly Channel[];
  readonly #orderedWeights: readonly number[];
  #score: number | null = null;

  constructor(options: VolatilityScoreOptions = {}) {
    const window = options.window ?? 50;
    if (!Number.isInteger(window) || window < 1) {
      throw new AnalysisError(
        'ANALYSIS_BAD_OPTION',
        'VolatilityScoreMatrix window must be a whole number >= 1',
        {
          window,
        },
      );
    }
    this.#channels = { fx: new Channel(window), binary: new Channel(window), dex: new Channel(window) };
    this.#weights = { fx: 1, binary: 1, dex: 1 };
    for (const c of CHANNELS) {
      const w = options.weights?.[c];
      if (w !== undefined) {
        if (!Number.isFinite(w) || w < 0) {
          throw new AnalysisError(
            'ANALYSIS_BAD_OPTION',
            'VolatilityScoreMatrix weights must be finite and >= 0',
            {
              channel: c,
              weight: w,
            },
          );
        }
        this.#weights[c] = w;
      }
    }
    this.#ordered = CHANNELS.map((c) => this.#channels[c]);
    this.#orderedWeights = CHANNELS.map((c) => this.#weights[c]);
  }

  /** The last fused score, or null before any data. */
  get score(): number | null {
    return this.#score;
  }

  /** Adds one observation per present channel and returns the fused score. */
  update(sample: VolatilitySample): number | null {
    const channels = this.#channels;
    // Channel by channel in CHANNELS order, written out: no keyed lookups per tick.
    pushSample(channels.fx, 'fx', sample.fx);
    pushSample(channels.binary, 'binary', sample.binary);
    pushSample(channels.dex, 'dex', sample.dex);
    const ordered = this.#ordered;
    const weights = this.#orderedWeights;
    let num = 0;
    let den = 0;
    for (let i = 0; i < ordered.length; i++) {
      const ch = ordered[i] as Channel;
      const w = weights[i] as number;
      if (ch.count === 0 || w === 0) continue;
      const mean = ch.sum / ch.count;
      if (mean <= 0) continue;
      num += w * (ch.last / mean);
      den += w;
    }
    this.#score = den > 0 ? num / den : null;
    return this.#score;
  }

  /**
   * The batch form of the spec: normalise each series by its mean and weight the most recent values.
   * Why: scoring whole arrays (`fx_vol`, `binary_vol`, `dex_vol`) without streaming them.
   */
  static scoreOf(
    series: Readonly<Partial<Record<VolatilityChannel, readonly number[]>>>,
    weights: Readonly<Partial<Record<VolatilityChannel, number>>> = {},
  ): number | null {
    let num = 0;
    let den = 0;
    for (const c of CHANNELS) {
      const xs = series[c];
      if (!xs || xs.length === 0) continue;
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const w = weights[c] ?? 1;
      if (mean <= 0 || w === 0) continue;
      num += w * ((xs[xs.length - 1] as number) / mean);
      den += w;
    }
    return den > 0 ? num / den : null;
  }
}

/**
 * How the fused volatility score enters the final fib decision (the spec's "final_decision based on base_signal
 * + volatility_score + wave_state"; the spec names the inputs, not the rule, so this is ours).
 */
export interface VolatilityGateOptions {
  /** Scores up to this are usual volatility and leave confidence alone (default 1.5). */
  readonly usualMax?: number;
  /** Confidence falls as 1 / (1 + sensitivity·(score − usualMax)) above usualMax (default 0.5; 0 = no effect). */
  readonly sensitivity?: number;
  /**
   * Above this score binary and spot entries stand aside: a volatility shock overruns fib levels (default: never).
   * Beware pegged or near-flat series, where rolling volatility is near zero and any move scores high.
   */
  readonly maxScore?: number;
}

/** Resolved {@link VolatilityGateOptions}. */
export type VolatilityGate = Required<VolatilityGateOptions>;

/** Checks and fills in {@link VolatilityGateOptions}; throws AnalysisError `ANALYSIS_BAD_OPTION`. */
export function resolveVolatilityGate(options: VolatilityGateOptions = {}): VolatilityGate {
  const usualMax = options.usualMax ?? 1.5;
  const sensitivity = options.sensitivity ?? 0.5;
  const maxScore = options.maxScore ?? Number.POSITIVE_INFINITY;
  if (!(usualMax >= 1) || !(maxScore >= usualMax) || !(sensitivity >= 0) || !Number.isFinite(sensitivity)) {
    throw new AnalysisError(
      'ANALYSIS_BAD_OPTION',
      'volatility gate needs 1 <= usualMax <= maxScore and a finite sensitivity >= 0 (a score of 1 is usual volatility)',
      { usualMax, sensitivity, maxScore },
    );
  }
  return { usualMax, sensitivity, maxScore };
}

/**
 * The confidence weight of a fused volatility score for binary and spot fib entries: 1 up to `usualMax`,
 * 1 / (1 + sensitivity·(score − usualMax)) above it, 1 without a score.
 * Why: fib entries bet that a level holds; the more volatile than usual the market is, the more often levels are
 * overrun, so the entry is trusted less (and, with `maxScore` set, not at all above it; see {@link VolatilityGateOptions}).
 *
 * @example
 * volatilityConfidenceWeight(2, resolveVolatilityGate()); // 1 / (1 + 0.5·(2 − 1.5)) = 0.8
 */
export function volatilityConfidenceWeight(score: number | null, gate: VolatilityGate): number {
  if (score === null || !(score > gate.usualMax)) return 1;
  return 1 / (1 + gate.sensitivity * (score - gate.usualMax));
}
