import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { findRunRecords, promotionVerdict, scaledStakeCap, strategyDigest } from './live-promotion.js';

const config = parseConfig({});
const rule = config.live.scaled;

function writeRun(
  root: string,
  name: string,
  mode: string,
  trades: number,
  pnl: number,
  dd = 0.05,
  over = {},
) {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const summary = {
    run: { mode },
    trades,
    pnl,
    maxDrawdownPct: dd,
    lastTsMs: trades,
    config: { ...parseConfig(over), credentials: {} },
  };
  writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary));
  return dir;
}

describe('scaled-live promotion (runbook 6)', () => {
  it('needs a passed backtest, shadow and micro-live record of the same strategy', () => {
    const root = mkdtempSync(join(tmpdir(), 'omni-promo-'));
    const digest = strategyDigest(config);
    writeRun(root, 'backtest', 'backtest', 100, 50);
    writeRun(root, 'shadow', 'shadow', 10, 5); // too few trades
    writeRun(root, 'micro', 'micro-live', 25, 3, 0.2); // drawdown 20 % > 10 %
    writeRun(root, 'other/micro', 'micro-live', 30, 9, 0.05, {
      engines: { governor: { minConfidence: 0.7 } },
    });
    const refused = promotionVerdict(findRunRecords(root), digest, rule);
    expect(refused).toEqual({
      ok: false,
      missing: [
        'a shadow run with a positive PnL over at least 20 trades',
        'a micro-live run with a net profit over at least 20 trades and a drawdown of at most 10%',
      ],
    });
    writeRun(root, 'shadow2', 'shadow', 40, 12);
    writeRun(root, 'micro2', 'micro-live', 22, 1.5, 0.04);
    expect(promotionVerdict(findRunRecords(root), digest, rule)).toEqual({
      ok: true,
      evidence: {
        backtest: join(root, 'backtest'),
        shadow: join(root, 'shadow2'),
        'micro-live': join(root, 'micro2'),
      },
    });
  });

  it('the strategy digest ignores risk caps and mode, and follows the engines and the model', () => {
    const base = strategyDigest(parseConfig({}));
    expect(strategyDigest(parseConfig({ mode: 'micro-live', risk: { maxStakeUsd: 1 } }))).toBe(base);
    expect(strategyDigest(parseConfig({ engines: { binary: { payout: 0.9 } } }))).not.toBe(base);
    expect(strategyDigest(parseConfig({ seqModelOnnx: 'models/x.onnx' }))).not.toBe(base);
  });

  it('raises the stake cap by doubling per stepTrades profitable scaled-live trades, up to the maximum', () => {
    const root = mkdtempSync(join(tmpdir(), 'omni-ramp-'));
    const digest = strategyDigest(config);
    const cap = () => scaledStakeCap(findRunRecords(root), digest, 1, 25, 20);
    expect(cap()).toBe(1);
    writeRun(root, 's1', 'scaled-live', 45, 10);
    expect(cap()).toBe(4);
    writeRun(root, 's2', 'scaled-live', 100, 10);
    expect(cap()).toBe(25);
    writeRun(root, 's3', 'scaled-live', 5, -30);
    expect(cap()).toBe(1);
  });
});
