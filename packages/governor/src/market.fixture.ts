import {
  type Decision,
  Rng,
  type RouteCandidate,
  type SpotExit,
  type Swing,
  type TradeOutcome,
} from '@omni/core';
import type { FeatureVector } from '@omni/features';

/** One tick of the synthetic test market: hand-built features and the price window ending at it. */
export interface MarketTick {
  readonly index: number;
  readonly features: FeatureVector;
  readonly window: Float64Array;
  /**
   * Volatility of a synthetic pool's own price (std of its last 20 log returns): the tick price
   * times 1 + d/2, d a seeded AR(1) dislocation (φ 0.9, σ 5 bp). Undefined while warming up.
   */
  readonly dexVolatility: number | undefined;
}

/** Options of {@link syntheticMarket}. */
export interface SyntheticMarketOptions {
  readonly seed: number;
  readonly count: number;
  readonly startPrice?: number;
  readonly stepMs?: number;
  readonly windowLength?: number;
  /** Zigzag reversal that confirms a swing, as a fraction of price (default 0.004). */
  readonly swingFraction?: number;
}

const SYMBOL = 'EURUSD';
const T0 = 1_704_153_600_000; // 2024-01-02T00:00:00Z

/**
 * A seeded price path with trending, choppy and volatile stretches, and the FeatureVector of every
 * tick built by hand (ATR of |Δp|, rolling std of log returns, volatility percentile, zigzag swings
 * confirmed without repainting), each from data up to that tick only. Test support, not product code.
 */
export function syntheticMarket(options: SyntheticMarketOptions): MarketTick[] {
  const rng = new Rng(options.seed).fork('test-market');
  const poolRng = new Rng(options.seed).fork('test-market/pool');
  const poolPrices: number[] = [];
  let dislocation = 0;
  const stepMs = options.stepMs ?? 60_000;
  const windowLength = options.windowLength ?? 64;
  const swingFraction = options.swingFraction ?? 0.004;
  const prices: number[] = [];
  const stds: number[] = [];
  const swings: Swing[] = [];
  const ticks: MarketTick[] = [];
  let price = options.startPrice ?? 1.1;
  let drift = 0;
  let sd = 0.0006;
  let extreme = price;
  let extremeIndex = 0;
  let direction: 'up' | 'down' | undefined;
  for (let i = 0; i < options.count; i++) {
    if (i % 150 === 0) {
      const regime = rng.int(0, 3);
      drift = regime === 0 ? (rng.bernoulli(0.5) ? 1 : -1) * 0.0004 : 0;
      sd = regime === 2 ? 0.0016 : 0.0006;
    }
    if (i > 0) price *= Math.exp(drift + sd * rng.normal());
    prices.push(price);
    dislocation = 0.9 * dislocation + 0.0005 * poolRng.normal();
    poolPrices.push(price * (1 + dislocation / 2));
    const tsMs = T0 + i * stepMs;
    let newSwing: Swing | null = null;
    if (direction === undefined) {
      if (Math.abs(price / extreme - 1) >= swingFraction) direction = price > extreme ? 'up' : 'down';
      if (direction !== undefined) {
        extreme = price;
        extremeIndex = i;
      }
    } else if (direction === 'up' ? price > extreme : price < extreme) {
      extreme = price;
      extremeIndex = i;
    } else if (Math.abs(price / extreme - 1) >= swingFraction) {
      newSwing = {
        kind: direction === 'up' ? 'high' : 'low',
        price: extreme,
        tsMs: T0 + extremeIndex * stepMs,
        index: extremeIndex,
        confirmedTsMs: tsMs,
      };
      swings.push(newSwing);
      if (swings.length > 16) swings.shift();
      direction = direction === 'up' ? 'down' : 'up';
      extreme = price;
      extremeIndex = i;
    }
    const n = prices.length;
    let atr: number | null = null;
    if (n > 14) {
      let s = 0;
      for (let k = n - 14; k < n; k++) s += Math.abs((prices[k] as number) - (prices[k - 1] as number));
      atr = s / 14;
    }
    const rollingStd = n > 20 ? logReturnStd(prices, n, 20) : null;
    if (rollingStd !== null) stds.push(rollingStd);
    const dexVolatility = n > 20 ? logReturnStd(poolPrices, n, 20) : undefined;
    let volatilityPercentile: number | null = null;
    if (rollingStd !== null && stds.length >= 30) {
      const recent = stds.slice(-200);
      volatilityPercentile = recent.filter((s) => s <= (rollingStd as number)).length / recent.length;
    }
    const window = Float64Array.from(prices.slice(Math.max(0, n - windowLength)));
    const features: FeatureVector = {
      symbol: SYMBOL,
      tsMs,
      price,
      spread: null,
      tickCount: n,
      barCount: n,
      barClosed: true,
      logReturn: n > 1 ? Math.log(price / (prices[n - 2] as number)) : null,
      sma: null,
      ema: null,
      rollingStd,
      atr,
      momentumGradient: null,
      volatilityPercentile,
      trendStrength: null,
      swings: [...swings],
      newSwing,
    };
    ticks.push({ index: i, features, window, dexVolatility });
  }
  return ticks;
}

/** Sample std of the last `period` log returns of `series[0..n)`. */
function logReturnStd(series: readonly number[], n: number, period: number): number {
  const r: number[] = [];
  for (let k = n - period; k < n; k++) r.push(Math.log((series[k] as number) / (series[k - 1] as number)));
  const mean = r.reduce((a, b) => a + b, 0) / r.length;
  return Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / (r.length - 1));
}

/** Three routes whose true mean net profit differs (USD); the fixture prices each at 8 USD expected. */
export const TEST_ROUTES: readonly { readonly routeId: string; readonly meanProfitUsd: number }[] = [
  { routeId: 'pool-a>pool-b', meanProfitUsd: 6 },
  { routeId: 'pool-a>pool-c', meanProfitUsd: -4 },
  { routeId: 'pool-b>pool-c', meanProfitUsd: 1 },
];

/** The route candidates of the fixture (constant: 1 token in, 0.004 token profit). */
export function testRouteCandidates(): RouteCandidate[] {
  return TEST_ROUTES.map((r) => ({
    routeId: r.routeId,
    amountInWei: 10n ** 18n,
    expectedProfitWei: 4n * 10n ** 15n,
    expectedProfitUsd: 8,
  }));
}

/** Gas the fixture charges an arbitrage (USD). */
export const TEST_GAS_USD = 15;

/**
 * Settles a decision from the later ticks of the market (binary at expiry vs entry with payout
 * 0.8, ties refunded; spot by stop / take-profit crossings, stop first, rules like the shadow
 * executor's), or, for arbitrage, the route's true mean plus a noise seeded by the decision id.
 * Returns the outcome and the index of the tick it settles on, or undefined if the data ends first.
 */
export function settleOnMarket(
  decision: Decision,
  ticks: readonly MarketTick[],
  at: number,
): { readonly outcome: TradeOutcome; readonly settleIndex: number } | undefined {
  const entry = ticks[at] as MarketTick;
  const entryPrice = entry.features.price;
  const entryTs = entry.features.tsMs;
  switch (decision.engine) {
    case 'none':
      return undefined;
    case 'binary': {
      const expiry = entryTs + decision.expirySec * 1000;
      for (let i = at + 1; i < ticks.length; i++) {
        const t = ticks[i] as MarketTick;
        if (t.features.tsMs < expiry) continue;
        const p = t.features.price;
        const up = p > entryPrice;
        const tie = p === entryPrice;
        const win = !tie && up === (decision.direction === 'call');
        return {
          settleIndex: i,
          outcome: {
            decisionId: decision.id,
            engine: 'binary',
            symbol: decision.symbol,
            direction: decision.direction,
            entryTs,
            entryPrice,
            settleTs: t.features.tsMs,
            settlePrice: p,
            stake: decision.stakeUsd,
            payout: 0.8,
            fees: 0,
            pnl: tie ? 0 : win ? decision.stakeUsd * 0.8 : -decision.stakeUsd,
            rule: tie ? 'binary-tie-refund' : win ? 'binary-expiry-win' : 'binary-expiry-loss',
            exit: { kind: 'expiry', result: tie ? 'tie-refund' : win ? 'win' : 'loss' },
          },
        };
      }
      return undefined;
    }
    case 'spot': {
      const sign = decision.side === 'buy' ? 1 : -1;
      let remaining = decision.size;
      let notional = 0;
      let next = 0;
      const legs: SpotExit[] = [];
      const of = decision.takeProfits.length;
      for (let i = at + 1; i < ticks.length; i++) {
        const p = (ticks[i] as MarketTick).features.price;
        let closed = false;
        if (sign * (p - decision.stopPrice) <= 0) {
          notional += remaining * decision.stopPrice;
          remaining = 0;
          legs.push({ kind: 'stop', gap: false, bothCrossed: false }); // filled at the stop price
          closed = true;
        } else {
          while (next < decision.takeProfits.length) {
            const rung = decision.takeProfits[next] as { price: number; fraction: number };
            if (sign * (p - rung.price) < 0) break;
            const last = next === decision.takeProfits.length - 1;
            const leg = last ? remaining : Math.min(remaining, rung.fraction * decision.size);
            notional += leg * rung.price;
            remaining -= leg;
            next++;
            legs.push({ kind: 'take-profit', level: next, of });
            if (last) {
              closed = true;
              break;
            }
          }
        }
        if (!closed) continue;
        const settlePrice = notional / decision.size;
        return {
          settleIndex: i,
          outcome: {
            decisionId: decision.id,
            engine: 'spot',
            symbol: decision.symbol,
            direction: decision.side,
            entryTs,
            entryPrice: decision.entryPrice,
            settleTs: (ticks[i] as MarketTick).features.tsMs,
            settlePrice,
            size: decision.size,
            fees: 0,
            pnl: sign * (settlePrice - decision.entryPrice) * decision.size,
            rule: `spot-${legs.map((l) => (l.kind === 'take-profit' ? `tp-${l.level}` : l.kind)).join('+')}`,
            exit: legs[legs.length - 1] as SpotExit,
            legs,
          },
        };
      }
      return undefined;
    }
    case 'arbitrage': {
      const route = TEST_ROUTES.find((r) => r.routeId === decision.routeId);
      const noise = new Rng(`arb/${decision.id}`).normal(0, 4);
      const pnl = (route?.meanProfitUsd ?? 0) + noise;
      return {
        settleIndex: at,
        outcome: {
          decisionId: decision.id,
          engine: 'arbitrage',
          symbol: entry.features.symbol,
          direction: 'buy',
          entryTs,
          entryPrice,
          settleTs: entryTs,
          settlePrice: entryPrice,
          stake: TEST_GAS_USD,
          fees: TEST_GAS_USD,
          pnl,
          rule: 'arbitrage-filled-synthetic',
          exit: { kind: 'atomic', result: 'filled' },
        },
      };
    }
  }
}
