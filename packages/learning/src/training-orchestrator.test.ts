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
  it('rewards the regime learner with the R-multiple in USD and the route learner with net USD profit, joined by decisionId', async () => {
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
    // Binary: +8 USD on a 10 USD stake = 0.8 R. Arbitrage: −1.5 USD over the default gas of
    // 20 gwei × 250 000 gas × 3000 USD/ETH = 15 USD at risk = −0.1 R; the route learns the −1.5 USD.
    expect(regimeCalls).toEqual([
      ['hv|trend', 'binary', 0.8],
      ['lv|range', 'arbitrage', expect.closeTo(-0.1, 12)],
    ]);
    expect(routeCalls).toEqual([['uni-sushi', -1.5]]);
    expect(summary).toEqual({
      trades: 3,
      regimeUpdates: 2,
      routeUpdates: 1,
      unmatchedDecisionIds: ['d9'],
      unrewardedDecisionIds: [],
      tornLines: 0,
    });
  });

  it('reads the runtime audit trail format, where each record is wrapped in a hash-chained line (checkpoints and seals skipped)', async () => {
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
    // A DecisionJournal at level actions counts decisions 1–6 in a checkpoint before recording decision 7.
    const checkpoint = {
      seq: 1,
      prevHash: '0'.repeat(64),
      hash: 'd'.repeat(64),
      checkpoint: {
        fromDecision: 1,
        toDecision: 6,
        skipped: 6,
        firstTsMs: 0,
        lastTsMs: 4,
        digest: '0123456789abcdef',
      },
    };
    const line = {
      seq: 2,
      prevHash: checkpoint.hash,
      hash: 'f'.repeat(64),
      entry: {
        decision,
        regimeKey: 'k1',
        price: 1.1,
        approval: { approved: true, clipped: false, riskUsd: 8 },
      },
    };
    // The seal a clean close of the trail writes last: a line of the chain with no decision in it.
    const seal = {
      seq: 3,
      prevHash: line.hash,
      hash: 'e'.repeat(64),
      seal: { records: 1, headHash: line.hash },
    };
    writeFileSync(
      join(sub, 'decisions.jsonl'),
      `${[checkpoint, line, seal].map((l) => JSON.stringify(l)).join('\n')}\n`,
    );
    const trades = new JournalWriter<TradeOutcome>(join(sub, 'trades.jsonl'));
    trades.append(trade('run-7', 'spot', -4));
    trades.close();
    const calls: [string, Engine, number][] = [];
    const summary = await new TrainingOrchestrator().updateRlFromTrades(
      join(sub, 'trades.jsonl'),
      join(sub, 'decisions.jsonl'),
      { regime: { update: (k, e, r) => calls.push([k, e, r]) } },
    );
    // −4 USD over the 8 USD SafetyManager approved = −0.5 R.
    expect(calls).toEqual([['k1', 'spot', -0.5]]);
    expect(summary.unmatchedDecisionIds).toEqual([]);
  });

  it('teaches a USDJPY stop-out as −1 R, from the approved risk or recomputed in USD, and clips at 5 R', async () => {
    const sub = mkdtempSync(join(tmpdir(), 'omni-usdjpy-'));
    const usdjpy = (id: string): Decision => ({
      engine: 'spot',
      id,
      tsMs: 5,
      confidence: 0.6,
      reasons: [],
      symbol: 'USDJPY',
      side: 'buy',
      size: 6000,
      entryPrice: 150,
      stopPrice: 149.5,
      takeProfits: [{ price: 151, fraction: 1 }],
    });
    // 6000 × (0.5 + 150 × 4 bp) JPY / 150 JPY per USD = 6000 × 0.56 / 150 = 22.4 USD at risk
    // (default costs: 2 × 1 bp commission + 2 × 0.5 bp slippage + 1 bp spread = 4 bp).
    const decisions = new JournalWriter<Record<string, unknown>>(join(sub, 'decisions.jsonl'));
    decisions.append({ decision: usdjpy('j1'), regimeKey: 'k', approval: { approved: true, riskUsd: 22.4 } });
    decisions.append({ decision: usdjpy('j2'), regimeKey: 'k' });
    decisions.append({ decision: usdjpy('j3'), regimeKey: 'k', approval: { approved: true, riskUsd: 22.4 } });
    decisions.close();
    const stop = (id: string, pnl: number): TradeOutcome => ({
      ...trade(id, 'spot', pnl),
      symbol: 'USDJPY',
      entryPrice: 150,
      settlePrice: 149.5,
      size: 6000,
      quoteUsd: 1 / 149.5,
    });
    const trades = new JournalWriter<TradeOutcome>(join(sub, 'trades.jsonl'));
    trades.append(stop('j1', -22.4));
    trades.append(stop('j2', -22.4));
    trades.append({ ...stop('j3', 300), settlePrice: 151 }); // 300 / 22.4 = 13.4 R, clipped to 5
    trades.close();
    const calls: number[] = [];
    await new TrainingOrchestrator().updateRlFromTrades(
      join(sub, 'trades.jsonl'),
      join(sub, 'decisions.jsonl'),
      {
        regime: { update: (_k, _e, r) => calls.push(r) },
      },
    );
    // The raw-PnL reward taught −22.4 here; size × |entry − stop| in yen (3000) would give −0.0075.
    expect(calls).toEqual([-1, expect.closeTo(-1, 12), 5]);
  });

  it('skips the regime update of a trade without USD risk and hands a custom reward the risk', async () => {
    const sub = mkdtempSync(join(tmpdir(), 'omni-norisk-'));
    const binary = (id: string, riskUsd: number): Record<string, unknown> => ({
      decision: {
        engine: 'binary',
        id,
        tsMs: 1,
        confidence: 0.6,
        reasons: [],
        symbol: 'EURUSD',
        direction: 'call',
        stakeUsd: 10,
        expirySec: 60,
      },
      regimeKey: 'k',
      approval: { approved: true, riskUsd },
    });
    const decisions = new JournalWriter<Record<string, unknown>>(join(sub, 'decisions.jsonl'));
    decisions.append(binary('b0', 0));
    decisions.append(binary('b1', 10));
    decisions.close();
    const trades = new JournalWriter<TradeOutcome>(join(sub, 'trades.jsonl'));
    trades.append(trade('b0', 'binary', 8));
    trades.append(trade('b1', 'binary', 8));
    trades.close();
    const calls: number[] = [];
    const learners = { regime: { update: (_k: string, _e: Engine, r: number) => calls.push(r) } };
    const tradesFile = join(sub, 'trades.jsonl');
    const decisionsFile = join(sub, 'decisions.jsonl');
    const summary = await new TrainingOrchestrator().updateRlFromTrades(tradesFile, decisionsFile, learners);
    expect(calls).toEqual([0.8]);
    expect(summary).toMatchObject({ regimeUpdates: 1, unrewardedDecisionIds: ['b0'] });
    const seen: number[] = [];
    const custom = new TrainingOrchestrator({
      reward: (t, { riskUsd }) => {
        seen.push(riskUsd);
        return t.pnl;
      },
    });
    await custom.updateRlFromTrades(tradesFile, decisionsFile, learners);
    expect(seen).toEqual([0, 10]);
    expect(calls).toEqual([0.8, 8, 8]);
  });

  it('joins across the files of rotated journals read in write order, counting one torn line per file', async () => {
    const sub = mkdtempSync(join(tmpdir(), 'omni-rotated-'));
    const binary = (id: string, regimeKey: string): string =>
      JSON.stringify({
        decision: {
          engine: 'binary',
          id,
          tsMs: 1,
          confidence: 0.6,
          reasons: [],
          symbol: 'EURUSD',
          direction: 'call',
          stakeUsd: 10,
          expirySec: 60,
        },
        regimeKey,
        approval: { approved: true, riskUsd: 10 },
      });
    const decisionFiles = [join(sub, 'decisions.000001.jsonl'), join(sub, 'decisions.jsonl')];
    const tradeFiles = [join(sub, 'trades.000001.jsonl'), join(sub, 'trades.jsonl')];
    writeFileSync(decisionFiles[0] as string, `${binary('a', 'k1')}\n`);
    writeFileSync(decisionFiles[1] as string, `${binary('b', 'k2')}\n{"decision":`);
    // Trade "b" settles in the older trades file, "a" in the newer one: the join spans files.
    writeFileSync(tradeFiles[0] as string, `${JSON.stringify(trade('b', 'binary', -10))}\n`);
    writeFileSync(tradeFiles[1] as string, `${JSON.stringify(trade('a', 'binary', 8))}\n{"deci`);
    const calls: [string, number][] = [];
    const summary = await new TrainingOrchestrator().updateRlFromTrades(tradeFiles, decisionFiles, {
      regime: { update: (k, _e, r) => calls.push([k, r]) },
    });
    // −10 USD on 10 USD at risk = −1 R; +8 USD = 0.8 R; in the trades' write order.
    expect(calls).toEqual([
      ['k2', -1],
      ['k1', 0.8],
    ]);
    expect(summary).toMatchObject({ trades: 2, regimeUpdates: 2, unmatchedDecisionIds: [], tornLines: 2 });
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
