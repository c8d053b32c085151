import { FeedError, Rng, type Tick } from '@omni/core';

/** One volatility regime of the synthetic generator. */
export interface SyntheticRegime {
  /** Label, e.g. `calm`. */
  readonly name: string;
  /** Annualised volatility of log returns (e.g. 0.08 = 8 %/year). */
  readonly volAnnual: number;
  /** Annualised drift of the price (the GBM `mu`). Default 0. */
  readonly driftAnnual?: number;
  /** Mean time spent in this regime before switching (exponentially distributed). */
  readonly meanDurationMs: number;
  /** Full bid/ask spread in basis points of the mid. */
  readonly spreadBps: number;
}

/** Options of {@link generateSyntheticTicks}. */
export interface SyntheticTickOptions {
  /** Symbol on every tick. Default `SYNTH`. */
  readonly symbol?: string;
  /** Seed of the core `Rng`; the same seed and options give the same ticks. */
  readonly seed: number | string;
  /** Number of ticks to generate. */
  readonly count: number;
  /** Timestamp of the first tick (epoch ms). Default 2024-01-01T00:00:00Z. */
  readonly startMs?: number;
  /** Mid price of the first tick. Default 1.1. */
  readonly startPrice?: number;
  /** Mean gap between ticks (exponential inter-arrival times, at least 1 ms). Default 250 ms. */
  readonly meanIntervalMs?: number;
  /** Regimes of the Markov switching chain; the first is the starting one. Default calm/trending/volatile. */
  readonly regimes?: readonly SyntheticRegime[];
  /** Expected number of jumps per day (Poisson). Default 2; 0 disables jumps. */
  readonly jumpsPerDay?: number;
  /** Standard deviation of a jump's log size (normal, mean 0). Default 0.002 (about 20 pips on 1.1). */
  readonly jumpLogSd?: number;
  /** Mean traded volume per tick (exponential). Default 1; 0 omits volume. */
  readonly meanVolume?: number;
}

/** The default regimes: a calm, a trending and a volatile market, FX-like magnitudes. */
export const DEFAULT_SYNTHETIC_REGIMES: readonly SyntheticRegime[] = [
  { name: 'calm', volAnnual: 0.05, meanDurationMs: 3_600_000, spreadBps: 0.8 },
  { name: 'trending', volAnnual: 0.09, driftAnnual: 0.6, meanDurationMs: 1_800_000, spreadBps: 1 },
  { name: 'volatile', volAnnual: 0.25, meanDurationMs: 900_000, spreadBps: 3 },
];

const YEAR_MS = 365 * 86_400_000;
const DAY_MS = 86_400_000;

function check(ok: boolean, message: string, context: Record<string, unknown>): void {
  if (!ok)
    throw new FeedError('FEED_BAD_OPTION', message, { component: 'generateSyntheticTicks', ...context });
}

/**
 * Generates SYNTHETIC ticks (source `synthetic:gbm-regime:seed=<seed>`): geometric Brownian motion
 * with Markov regime switches, Poisson log-normal jumps (Merton 1976), a bid/ask spread per
 * regime and exponential inter-arrival times.
 *
 * Step over dt years: ln S' = ln S + (mu − σ²/2)·dt + σ·√dt·Z + J, Z ~ N(0,1), J ~ N(0, jumpLogSd²)
 * with probability 1 − e^(−λ·dt). Each component draws from its own `rng.fork`, so enabling jumps
 * does not change the diffusion draws.
 *
 * @example
 * for (const tick of generateSyntheticTicks({ seed: 7, count: 1000 })) bars.update(tick);
 */
export function* generateSyntheticTicks(options: SyntheticTickOptions): Generator<Tick> {
  const symbol = options.symbol ?? 'SYNTH';
  const regimes = options.regimes ?? DEFAULT_SYNTHETIC_REGIMES;
  const meanIntervalMs = options.meanIntervalMs ?? 250;
  const jumpsPerDay = options.jumpsPerDay ?? 2;
  const jumpLogSd = options.jumpLogSd ?? 0.002;
  const meanVolume = options.meanVolume ?? 1;
  let tsMs = options.startMs ?? Date.UTC(2024, 0, 1);
  let price = options.startPrice ?? 1.1;
  check(Number.isInteger(options.count) && options.count >= 0, 'count must be a whole number >= 0', {
    count: options.count,
  });
  check(Number.isFinite(price) && price > 0, 'startPrice must be positive and finite', { startPrice: price });
  check(Number.isInteger(tsMs) && tsMs >= 0, 'startMs must be a whole epoch ms >= 0', { startMs: tsMs });
  check(meanIntervalMs > 0 && Number.isFinite(meanIntervalMs), 'meanIntervalMs must be > 0', {
    meanIntervalMs,
  });
  check(regimes.length > 0, 'at least one regime is needed', {});
  for (const r of regimes) {
    check(
      r.volAnnual >= 0 && r.meanDurationMs > 0 && r.spreadBps > 0 && Number.isFinite(r.volAnnual),
      'a regime needs volAnnual >= 0, meanDurationMs > 0 and spreadBps > 0',
      { regime: r.name },
    );
  }

  const root = new Rng(options.seed);
  const arrivals = root.fork('synthetic/arrivals');
  const diffusion = root.fork('synthetic/diffusion');
  const switching = root.fork('synthetic/regime');
  const jumps = root.fork('synthetic/jumps');
  const volumes = root.fork('synthetic/volume');
  const source = `synthetic:gbm-regime:seed=${String(options.seed)}`;

  let regimeIndex = 0;
  let regime = regimes[0] as SyntheticRegime;
  for (let i = 0; i < options.count; i++) {
    if (i > 0) {
      const dtMs = Math.max(1, Math.round(arrivals.exponential(1 / meanIntervalMs)));
      tsMs += dtMs;
      if (regimes.length > 1 && switching.bernoulli(1 - Math.exp(-dtMs / regime.meanDurationMs))) {
        const step = switching.int(1, regimes.length);
        regimeIndex = (regimeIndex + step) % regimes.length;
        regime = regimes[regimeIndex] as SyntheticRegime;
      }
      const dt = dtMs / YEAR_MS;
      const sigma = regime.volAnnual;
      const mu = regime.driftAnnual ?? 0;
      let logReturn = (mu - 0.5 * sigma * sigma) * dt + sigma * Math.sqrt(dt) * diffusion.normal();
      if (jumpsPerDay > 0 && jumps.bernoulli(1 - Math.exp((-jumpsPerDay * dtMs) / DAY_MS))) {
        logReturn += jumps.normal(0, jumpLogSd);
      }
      price *= Math.exp(logReturn);
    }
    const half = price * regime.spreadBps * 0.5e-4;
    const tick: Tick =
      meanVolume > 0
        ? {
            symbol,
            tsMs,
            price,
            bid: price - half,
            ask: price + half,
            volume: volumes.exponential(1 / meanVolume),
            source,
          }
        : { symbol, tsMs, price, bid: price - half, ask: price + half, source };
    yield tick;
  }
}
