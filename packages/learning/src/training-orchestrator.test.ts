import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Decision, type Engine, JournalWriter, Rng, type TradeOutcome } from '@omni/core';
import { defaultModelPath } from '@omni/sequence';
import { describe, expect, it } from 'vitest';
import { exportLstmSequenceOnnx, randomLstmSequenceWeights } from './lstm-sequence-model.js';
import { TrainingOrchestrator } from './training-orchestrator.js';

const dir = mkdtempSync(join(tmpdir(), 'omni-orch-'));

function trade(decisionId: string, engine: TradeOutcome['engine'], pnl: number): TradeOutcome {
  return {
    decisionId,
    engine,
    symbol: 'EURUSD',
    direction: 'buy',
    entryTs: 1,
    entryPrice: 1.1,
    settleTs: 2,
    settlePrice: 1.2,
    fees: 0,
    pnl,
    rule: 'test',
  };
}

describe('TrainingOrchestrator.updateRlFromTrades', () => {
  it('rewards the regime learner and the route learner with realised PnL, joined by decisionId', async () => {
    const decisions = new JournalWriter<{ decision: Decision; regimeKey: string }>(
      join(dir, 'decisions.jsonl'),
    );
    decisions.append({
      decision: {
        engine: 'binary',
        id: 'd1',
        tsMs: 1,
        confidence: 0.6,
        reasons: [],
        symbol: 'EURUSD',
        direction: 'call',
        stakeUsd: 10,
        expirySec: 60,
      },
      regimeKey: 'hv|trend',
    });
    decisions.append({
      decision: {
        engine: 'arbitrage',
        id: 'd2',
        tsMs: 2,
        confidence: 0.7,
        reasons: [],
        routeId: 'uni-sushi',
        amountInWei: 10n,
        minProfitWei: 1n,
      },
      regimeKey: 'lv|range',
    });
    decisions.close();
    const trades = new JournalWriter<TradeOutcome>(join(dir, 'trades.jsonl'));
    trades.append(trade('d1', 'binary', 8));
    trades.append(trade('d2', 'arbitrage', -1.5));
    trades.append(trade('d9', 'spot', 3));
    trades.close();
    const regimeCalls: [string, Engine, number][] = [];
    const routeCalls: [string, number][] = [];
    const summary = await new TrainingOrchestrator().updateRlFromTrades(
      join(dir, 'trades.jsonl'),
      join(dir, 'decisions.jsonl'),
      {
        regime: { update: (k, e, r) => regimeCalls.push([k, e, r]) },
        routes: { updateRoute: (id, r) => routeCalls.push([id, r]) },
      },
    );
    expect(regimeCalls).toEqual([
      ['hv|trend', 'binary', 8],
      ['lv|range', 'arbitrage', -1.5],
    ]);
    expect(routeCalls).toEqual([['uni-sushi', -1.5]]);
    expect(summary).toEqual({
      trades: 3,
      regimeUpdates: 2,
      routeUpdates: 1,
      unmatchedDecisionIds: ['d9'],
      tornLines: 0,
    });
  });

  it('reads the runtime audit trail format, where each record is wrapped in a hash-chained line', async () => {
    const sub = mkdtempSync(join(tmpdir(), 'omni-audit-join-'));
    const decision: Decision = {
      engine: 'spot',
      id: 'run-7',
      tsMs: 5,
      confidence: 0.6,
      reasons: [],
      symbol: 'EURUSD',
      side: 'buy',
      size: 1000,
      entryPrice: 1.1,
      stopPrice: 1.09,
      takeProfits: [{ price: 1.12, fraction: 1 }],
    };
    const line = {
      seq: 1,
      prevHash: '0'.repeat(64),
      hash: 'f'.repeat(64),
      entry: { decision, regimeKey: 'k1', price: 1.1 },
    };
    // The seal a clean close of the trail writes last: a line of the chain with no decision in it.
    const seal = {
      seq: 2,
      prevHash: line.hash,
      hash: 'e'.repeat(64),
      seal: { records: 1, headHash: line.hash },
    };
    writeFileSync(join(sub, 'decisions.jsonl'), `${JSON.stringify(line)}\n${JSON.stringify(seal)}\n`);
    const trades = new JournalWriter<TradeOutcome>(join(sub, 'trades.jsonl'));
    trades.append(trade('run-7', 'spot', -4));
    trades.close();
    const calls: [string, Engine, number][] = [];
    const summary = await new TrainingOrchestrator().updateRlFromTrades(
      join(sub, 'trades.jsonl'),
      join(sub, 'decisions.jsonl'),
      { regime: { update: (k, e, r) => calls.push([k, e, r]) } },
    );
    expect(calls).toEqual([['k1', 'spot', -4]]);
    expect(summary.unmatchedDecisionIds).toEqual([]);
  });
});

describe('TrainingOrchestrator.retrainSequenceModel', () => {
  it('validates an external trainer’s model against the contract', async () => {
    const file = join(dir, 'external-lstm.onnx');
    writeFileSync(file, exportLstmSequenceOnnx(randomLstmSequenceWeights(20, 3, new Rng('ext'))));
    const outcome = await new TrainingOrchestrator().retrainSequenceModel(async () => file);
    expect(outcome).toEqual({ status: 'validated', modelPath: file, windowLength: 20 });
  });

  it('refuses a truncated model from the trainer as invalid', async () => {
    const file = join(dir, 'external-broken.onnx');
    writeFileSync(file, readFileSync(defaultModelPath()).subarray(0, 100));
    const outcome = await new TrainingOrchestrator().retrainSequenceModel(() => file);
    expect(outcome.status).toBe('invalid');
    if (outcome.status === 'invalid') expect(outcome.error.code).toBe('MODEL_CORRUPT');
  });

  it('wraps a trainer that throws in MODEL_TRAINING_FAILED', async () => {
    await expect(
      new TrainingOrchestrator().retrainSequenceModel(() => {
        throw new Error('python not found');
      }),
    ).rejects.toMatchObject({ code: 'MODEL_TRAINING_FAILED' });
  });
});
