import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig, type Tick, type TradeOutcome } from '@omni/core';
import { generateSyntheticTicks } from '@omni/feeds';
import { beforeAll, describe, expect, it } from 'vitest';
import { BacktestEngine, type BacktestSummary } from './backtest-engine.js';
import { tempRunDir } from './runtime.fixture.js';

/** Free gas, so that the synthetic pools' routes pay; everything else the defaults. */
const config = parseConfig({ seed: 2, symbols: ['SYNTH'], engines: { arbitrage: { gasPriceGwei: 0 } } });

async function* dailyTicks(): AsyncGenerator<Tick> {
  yield* generateSyntheticTicks({ symbol: 'SYNTH', seed: 2, count: 3000, meanIntervalMs: 86_400_000 });
}

function jsonl(path: string): TradeOutcome[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as TradeOutcome);
}

async function run(
  label: string,
): Promise<{ dir: string; summary: BacktestSummary; arbitrage: TradeOutcome[] }> {
  const dir = tempRunDir(label);
  const engine = new BacktestEngine({ config, modelPath: null });
  const summary = await engine.run(dailyTicks(), { runDir: dir });
  return {
    dir,
    summary,
    arbitrage: jsonl(join(dir, 'trades.jsonl')).filter((t) => t.engine === 'arbitrage'),
  };
}

describe('honest arbitrage in a backtest (decide on block n, execute in block n+1)', () => {
  let a: Awaited<ReturnType<typeof run>>;
  let b: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    a = await run('honest-arb-a');
    b = await run('honest-arb-b');
  }, 60_000);

  it('with free gas routes pay, and some of them revert after the next block’s rivals and noise', () => {
    const rules: Record<string, number> = {};
    for (const t of a.arbitrage) rules[t.rule ?? ''] = (rules[t.rule ?? ''] ?? 0) + 1;
    expect(rules).toEqual({ 'arbitrage-filled-synthetic': 7, 'arbitrage-reverted-min-profit-synthetic': 4 });
    // A revert traded nothing and lost only its gas (0 here): neither a win nor a loss.
    expect(a.summary.byEngine.arbitrage).toMatchObject({
      trades: 11,
      wins: 7,
      losses: 0,
      fees: 0,
      reverts: 4,
    });
    expect(a.summary.byEngine.arbitrage.pnl).toBeCloseTo(16.551850350234222, 10);
    for (const t of a.arbitrage) {
      if (t.exit?.kind !== 'atomic' || t.exit.result === 'filled') continue;
      expect(t).toMatchObject({ exit: { result: 'reverted-min-profit' }, pnl: 0, fees: 0 });
      expect(t.settlePrice).toBe(t.entryPrice);
    }
    const filledPnl = a.arbitrage
      .filter((t) => t.rule === 'arbitrage-filled-synthetic')
      .reduce((s, t) => s + t.pnl, 0);
    expect(filledPnl).toBeCloseTo(a.summary.byEngine.arbitrage.pnl, 9);
  });

  it('repeats byte for byte', () => {
    expect(readFileSync(join(a.dir, 'trades.jsonl')).equals(readFileSync(join(b.dir, 'trades.jsonl')))).toBe(
      true,
    );
    expect(
      readFileSync(join(a.dir, 'counterfactual.jsonl')).equals(
        readFileSync(join(b.dir, 'counterfactual.jsonl')),
      ),
    ).toBe(true);
  });
});
