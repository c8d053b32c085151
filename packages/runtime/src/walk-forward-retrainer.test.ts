import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Alert, ModelError, type Tick } from '@omni/core';
import { generateSyntheticTicks } from '@omni/feeds';
import type { TrainedSequenceModel } from '@omni/learning';
import type { ModelSwapResult } from '@omni/sequence';
import { describe, expect, it } from 'vitest';
import { parseRetrainPeriod, WalkForwardRetrainer } from './walk-forward-retrainer.js';

const DAY = 86_400_000;

function dailyTicks(n: number): Tick[] {
  const out: Tick[] = [];
  let i = 0;
  for (const t of generateSyntheticTicks({ seed: 3, count: n, symbol: 'EURUSD' })) {
    out.push({ ...t, tsMs: Date.UTC(2015, 0, 1) + i * DAY });
    i++;
  }
  return out;
}

function fakeTrained(logLoss: number, alwaysUp: number): TrainedSequenceModel {
  const scores = (l: number) => ({ n: 10, accuracy: 0.5, logLoss: l, brier: 0.25 });
  return {
    onnx: new Uint8Array([1, 2, 3]),
    report: {
      outOfSample: { model: scores(logLoss), alwaysUp: scores(alwaysUp), momentum: scores(1) },
      verdict: 'v',
    },
  } as unknown as TrainedSequenceModel;
}

describe('parseRetrainPeriod', () => {
  it('reads days, weeks, 30-day months and 365-day years', () => {
    expect(parseRetrainPeriod('90d')).toBe(90 * DAY);
    expect(parseRetrainPeriod('2w')).toBe(14 * DAY);
    expect(parseRetrainPeriod('6mo')).toBe(180 * DAY);
    expect(parseRetrainPeriod('1y')).toBe(365 * DAY);
    expect(() => parseRetrainPeriod('yearly')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => parseRetrainPeriod('0d')).toThrow();
  });

  it('refuses 6m as ambiguous and says to write 6min or 6mo', () => {
    expect(() => parseRetrainPeriod('6m')).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        shortMessage: '--retrain-every "6m" is ambiguous (m could mean minutes or months): write 6min or 6mo',
      }),
    );
  });
});

describe('WalkForwardRetrainer', () => {
  it('retrains on schedule on past prices only, and serves a model that beats always-up', async () => {
    const ticks = dailyTicks(800);
    const seen: { lastTs: number; n: number; now: number }[] = [];
    const swaps: string[] = [];
    const alerts: Alert[] = [];
    let now = 0;
    const retrainer = new WalkForwardRetrainer({
      everyMs: 365 * DAY,
      minPrices: 100,
      dir: mkdtempSync(join(tmpdir(), 'omni-wf-')),
      sequence: {
        swapModel: async (path): Promise<ModelSwapResult> => {
          swaps.push(path);
          return { ok: true, name: 'onnx:x', previous: 'momentum' };
        },
      },
      onAlert: (a) => alerts.push(a),
      train: (series) => {
        const s = series[0];
        seen.push({ lastTs: s?.tsMs[s.tsMs.length - 1] ?? -1, n: s?.tsMs.length ?? 0, now });
        return fakeTrained(0.69, 0.7);
      },
    });
    for (const tick of ticks) {
      now = tick.tsMs;
      retrainer.observe(tick);
      await retrainer.maybeRetrain(tick.tsMs);
    }
    // 800 days: due after 365 days, then 365 days later.
    expect(seen.map((s) => s.n)).toEqual([366, 731]);
    for (const s of seen) expect(s.lastTs).toBeLessThanOrEqual(s.now);
    expect(swaps).toHaveLength(2);
    expect(retrainer.history.map((h) => h.status)).toEqual(['served', 'served']);
    expect(alerts.map((a) => a.code)).toEqual(['MODEL_RETRAINED', 'MODEL_RETRAINED']);
  });

  it('keeps the serving model when the new one shows no edge, or when the swap is refused', async () => {
    const ticks = dailyTicks(400);
    let call = 0;
    const alerts: Alert[] = [];
    const retrainer = new WalkForwardRetrainer({
      everyMs: 150 * DAY,
      minPrices: 50,
      dir: mkdtempSync(join(tmpdir(), 'omni-wf-')),
      sequence: {
        swapModel: async (): Promise<ModelSwapResult> => ({
          ok: false,
          error: new ModelError('MODEL_CONTRACT_MISMATCH', 'wrong input shape'),
          serving: 'momentum',
        }),
      },
      onAlert: (a) => alerts.push(a),
      train: () => (++call === 1 ? fakeTrained(0.71, 0.69) : fakeTrained(0.6, 0.69)),
    });
    for (const tick of ticks) {
      retrainer.observe(tick);
      await retrainer.maybeRetrain(tick.tsMs);
    }
    expect(retrainer.history.map((h) => h.status)).toEqual(['no-edge', 'refused']);
    expect(alerts.map((a) => a.code)).toEqual(['MODEL_NOT_PROMOTED', 'MODEL_CONTRACT_MISMATCH']);
  });

  it('trains a real model from the runtime prices and journals a failure without throwing', async () => {
    const ticks = dailyTicks(700);
    const alerts: Alert[] = [];
    const retrainer = new WalkForwardRetrainer({
      everyMs: 600 * DAY,
      minPrices: 600,
      requireEdge: false,
      dir: mkdtempSync(join(tmpdir(), 'omni-wf-')),
      trainer: { epochs: 2 },
      sequence: {
        swapModel: async (): Promise<ModelSwapResult> => ({ ok: true, name: 'onnx:wf', previous: 'x' }),
      },
      onAlert: (a) => alerts.push(a),
    });
    for (const tick of ticks) {
      retrainer.observe(tick);
      await retrainer.maybeRetrain(tick.tsMs);
    }
    expect(retrainer.history).toHaveLength(1);
    expect(retrainer.history[0]?.prices).toBe(601);
    expect(Number.isFinite(retrainer.history[0]?.logLoss)).toBe(true);
    const failing = new WalkForwardRetrainer({
      everyMs: DAY,
      minPrices: 1,
      dir: mkdtempSync(join(tmpdir(), 'omni-wf-')),
      sequence: { swapModel: async (): Promise<ModelSwapResult> => ({ ok: true, name: 'x', previous: 'y' }) },
      onAlert: (a) => alerts.push(a),
      train: () => {
        throw new Error('not enough rows');
      },
    });
    for (const tick of ticks.slice(0, 3)) {
      failing.observe(tick);
      await failing.maybeRetrain(tick.tsMs);
    }
    expect(alerts.at(-1)).toMatchObject({ level: 'warn', code: 'MODEL_TRAINING_FAILED' });
  });
});
