/** Out-of-sample scores of probabilistic up/down forecasts. */
export interface ProbabilityScores {
  readonly n: number;
  /** Share of rows where (p > 0.5) equals the label. */
  readonly accuracy: number;
  /** Mean −[y·ln p + (1−y)·ln(1−p)], p clipped to [1e-7, 1 − 1e-7]. ln 2 ≈ 0.6931 is a coin flip. */
  readonly logLoss: number;
  /** Mean (p − y)² (Brier, 1950). 0.25 is a coin flip. */
  readonly brier: number;
}

/**
 * Accuracy, log loss and Brier score of `probs[i]` against `labels[rows[i]]`.
 * Why: the three numbers every model and baseline is reported with.
 */
export function scoreProbabilities(
  probs: ArrayLike<number>,
  labels: Uint8Array,
  rows: ArrayLike<number>,
): ProbabilityScores {
  let hits = 0;
  let logLoss = 0;
  let brier = 0;
  for (let i = 0; i < rows.length; i++) {
    const y = labels[rows[i] as number] as number;
    const p = probs[i] as number;
    if ((p > 0.5 ? 1 : 0) === y) hits++;
    const q = Math.min(1 - 1e-7, Math.max(1e-7, p));
    logLoss -= y === 1 ? Math.log(q) : Math.log(1 - q);
    brier += (p - y) * (p - y);
  }
  const n = rows.length;
  return { n, accuracy: n ? hits / n : 0, logLoss: n ? logLoss / n : 0, brier: n ? brier / n : 0 };
}
