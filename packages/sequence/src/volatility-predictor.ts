import { assertPriceWindow, logReturnStd } from './window-statistics.js';

/** Volatility estimates of one window, per step (the window's sampling interval). */
export interface VolatilityForecast {
  /** Sample std of one-step log returns (equal weights). */
  readonly stdPerStep: number;
  /** Exponentially weighted std of one-step log returns: the one-step-ahead forecast. */
  readonly ewmaStdPerStep: number;
}

/**
 * Volatility forecast from a price window (spec Tier 3 VolatilityPredictor).
 * Why: the EWMA recursion σ²ₜ = λ·σ²ₜ₋₁ + (1 − λ)·r²ₜ (RiskMetrics, J.P. Morgan 1996, λ = 0.94) reacts to
 * recent shocks faster than the equal-weight std, which it is seeded with; both are returned.
 *
 * @example
 * new VolatilityPredictor().predict(window).ewmaStdPerStep;
 */
export class VolatilityPredictor {
  readonly #lambda: number;

  constructor(options: { lambda?: number } = {}) {
    this.#lambda = options.lambda ?? 0.94;
    if (!(this.#lambda > 0 && this.#lambda < 1)) {
      throw new RangeError(`lambda must be in (0, 1), got ${this.#lambda}`);
    }
  }

  /** Both volatility estimates for `window` (at least 3 prices, oldest first). */
  predict(window: ArrayLike<number>): VolatilityForecast {
    assertPriceWindow(window, 3, 'VolatilityPredictor');
    const std = logReturnStd(window);
    let variance = std * std;
    for (let i = 1; i < window.length; i++) {
      const r = Math.log((window[i] as number) / (window[i - 1] as number));
      variance = this.#lambda * variance + (1 - this.#lambda) * r * r;
    }
    return { stdPerStep: std, ewmaStdPerStep: Math.sqrt(variance) };
  }
}
