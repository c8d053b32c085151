import { describe, expect, it } from 'vitest';
import { SyntheticFeed } from './synthetic-feed.js';
import { generateSyntheticTicks } from './synthetic-ticks.js';

const YEAR_MS = 365 * 86_400_000;

describe('generateSyntheticTicks', () => {
  it('gives identical ticks for the same seed and different ones for another seed', () => {
    const a = [...generateSyntheticTicks({ seed: 42, count: 500 })];
    const b = [...generateSyntheticTicks({ seed: 42, count: 500 })];
    const c = [...generateSyntheticTicks({ seed: 43, count: 500 })];
    expect(a).toEqual(b);
    expect(a[499]?.price).not.toBe(c[499]?.price);
  });

  it('keeps prices positive, ask above bid and timestamps strictly increasing over 100k ticks', () => {
    // Count violations in one pass and assert once: 100k ticks x 4 expect calls took seconds on a busy machine.
    const violations = { ticks: 0, price: 0, bid: 0, crossed: 0, timestamp: 0 };
    let prevTs = -1;
    for (const t of generateSyntheticTicks({
      seed: 'stress',
      count: 100_000,
      jumpsPerDay: 50,
      jumpLogSd: 0.01,
    })) {
      violations.ticks++;
      if (!(t.price > 0 && Number.isFinite(t.price))) violations.price++;
      if (!((t.bid as number) > 0)) violations.bid++;
      if (!((t.ask as number) > (t.bid as number))) violations.crossed++;
      if (!(t.tsMs > prevTs)) violations.timestamp++;
      prevTs = t.tsMs;
    }
    expect(violations).toEqual({ ticks: 100_000, price: 0, bid: 0, crossed: 0, timestamp: 0 });
  });

  it('labels every tick as synthetic with its seed', () => {
    const [t] = generateSyntheticTicks({
      seed: 9,
      count: 1,
      symbol: 'EURUSD',
      startPrice: 1.2,
      startMs: 1000,
    });
    expect(t).toMatchObject({
      symbol: 'EURUSD',
      price: 1.2,
      tsMs: 1000,
      source: 'synthetic:gbm-regime:seed=9',
    });
  });

  it('reproduces the configured volatility in a single calm regime (sample vol within 3 %)', () => {
    const volAnnual = 0.08;
    const ticks = [
      ...generateSyntheticTicks({
        seed: 11,
        count: 40_000,
        regimes: [{ name: 'calm', volAnnual, meanDurationMs: 1e12, spreadBps: 1 }],
        jumpsPerDay: 0,
      }),
    ];
    // Returns scaled by 1/sqrt(dt) are iid N((mu - s^2/2) sqrt(dt), s^2): their sample std estimates s.
    let sum = 0;
    let sumSq = 0;
    for (let i = 1; i < ticks.length; i++) {
      const prev = ticks[i - 1] as (typeof ticks)[number];
      const cur = ticks[i] as (typeof ticks)[number];
      const z = Math.log(cur.price / prev.price) / Math.sqrt((cur.tsMs - prev.tsMs) / YEAR_MS);
      sum += z;
      sumSq += z * z;
    }
    const n = ticks.length - 1;
    const sd = Math.sqrt((sumSq - (sum * sum) / n) / (n - 1));
    // Standard error of a sample sd is s/sqrt(2n) = 0.35 % here; 3 % is > 8 standard errors.
    expect(Math.abs(sd / volAnnual - 1)).toBeLessThan(0.03);
  });

  it('draws irregular, exponential inter-arrival times with the configured mean', () => {
    const ticks = [...generateSyntheticTicks({ seed: 5, count: 20_001, meanIntervalMs: 400 })];
    const first = ticks[0]?.tsMs as number;
    const last = ticks[20_000]?.tsMs as number;
    const mean = (last - first) / 20_000;
    // Exponential gaps have sd = mean: the mean of 20k gaps has a 0.7 % standard error.
    expect(Math.abs(mean / 400 - 1)).toBeLessThan(0.03);
    const gaps = new Set<number>();
    for (let i = 1; i < 200; i++) gaps.add((ticks[i]?.tsMs as number) - (ticks[i - 1]?.tsMs as number));
    expect(gaps.size).toBeGreaterThan(100);
  });

  it('switches regimes: the spread takes every configured width over a long run', () => {
    const spreadsBps = new Set<number>();
    for (const t of generateSyntheticTicks({ seed: 3, count: 50_000 })) {
      spreadsBps.add(Math.round((((t.ask as number) - (t.bid as number)) / t.price) * 1e5) / 10);
    }
    expect([...spreadsBps].sort((a, b) => a - b)).toEqual([0.8, 1, 3]);
  });

  it('produces jumps: with jumps the largest scaled return is far beyond the diffusion', () => {
    const regimes = [{ name: 'calm', volAnnual: 0.05, meanDurationMs: 1e12, spreadBps: 1 }];
    const maxAbsLogReturn = (jumpsPerDay: number): number => {
      let prev = 0;
      let max = 0;
      for (const t of generateSyntheticTicks({
        seed: 8,
        count: 50_000,
        regimes,
        jumpsPerDay,
        jumpLogSd: 0.005,
      })) {
        if (prev > 0) max = Math.max(max, Math.abs(Math.log(t.price / prev)));
        prev = t.price;
      }
      return max;
    };
    // Diffusion only: sigma*sqrt(dt) ~ 0.05*sqrt(250ms/yr) ~ 1.4e-5 per tick; a 0.5 % jump dwarfs it.
    expect(maxAbsLogReturn(0)).toBeLessThan(2e-4);
    // 50k ticks x 250 ms = 0.145 day; 200 jumps/day gives ~29 jumps of sd 0.5 %.
    expect(maxAbsLogReturn(200)).toBeGreaterThan(2e-3);
  });

  it('rejects a non-positive start price with a FeedError naming the option', () => {
    expect(() => [...generateSyntheticTicks({ seed: 1, count: 1, startPrice: 0 })]).toThrow(
      expect.objectContaining({
        code: 'FEED_BAD_OPTION',
        context: expect.objectContaining({ startPrice: 0 }),
      }),
    );
  });
});

describe('SyntheticFeed', () => {
  it('yields the generator ticks as a PriceFeed and ends early after stop()', async () => {
    const feed = new SyntheticFeed({ seed: 42, count: 100, symbol: 'EURUSD' });
    expect(feed.name).toBe('synthetic:EURUSD');
    await feed.start();
    const seen: number[] = [];
    for await (const t of feed) {
      seen.push(t.price);
      if (seen.length === 10) await feed.stop();
    }
    expect(seen).toEqual(
      [...generateSyntheticTicks({ seed: 42, count: 10, symbol: 'EURUSD' })].map((t) => t.price),
    );
  });
});
