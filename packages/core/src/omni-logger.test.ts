import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Alert, AlertSchema } from './alert.js';
import type { JournalError } from './errors.js';
import { readJournal } from './journal.js';
import { JOURNAL_FILES, OmniLogger } from './omni-logger.js';
import { TickSchema } from './tick.js';
import { TradeOutcomeSchema } from './trade-outcome.js';

describe('OmniLogger', () => {
  it('journals ticks, decisions, trades and alerts in their own files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omni-logger-'));
    // No flush timer: a busy machine may take longer than its 250 ms between the writes and the checks.
    const logger = new OmniLogger(dir, { flushIntervalMs: 0 });
    logger.logTick({ symbol: 'EURUSD', tsMs: 1, price: 1.1, source: 'test' });
    logger.logDecision({ id: 'd1', engine: 'none', tsMs: 1, reason: 'warming up' });
    logger.logTrade({
      decisionId: 'd2',
      engine: 'binary',
      symbol: 'EURUSD',
      direction: 'call',
      entryTs: 1,
      entryPrice: 1.1,
      settleTs: 301,
      settlePrice: 1.2,
      stake: 10,
      payout: 0.8,
      fees: 0,
      pnl: 8,
      rule: 'binary-expiry',
    });
    logger.logAlert({ tsMs: 2, level: 'warn', code: 'FEED_SPIKE', message: 'spike skipped', source: 'test' });
    // alerts and settled trades are on disk at once, ticks and decisions on flush/close (or the timer, off here)
    expect(existsSync(join(dir, JOURNAL_FILES.alerts))).toBe(true);
    expect((await readJournal(join(dir, JOURNAL_FILES.trades))).records).toHaveLength(1);
    expect(existsSync(join(dir, JOURNAL_FILES.ticks))).toBe(false);
    logger.close();
    expect((await readJournal(join(dir, JOURNAL_FILES.ticks), { schema: TickSchema })).records).toHaveLength(
      1,
    );
    expect((await readJournal(join(dir, JOURNAL_FILES.decisions))).records).toEqual([
      { id: 'd1', engine: 'none', tsMs: 1, reason: 'warming up' },
    ]);
    const trades = await readJournal(join(dir, JOURNAL_FILES.trades), { schema: TradeOutcomeSchema });
    expect(trades.records[0]?.pnl).toBe(8);
    expect(
      (await readJournal(join(dir, JOURNAL_FILES.alerts), { schema: AlertSchema })).records[0]?.code,
    ).toBe('FEED_SPIKE');
  });

  it('writes a counterfactual outcome to its own journal before the call returns, and none while muted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omni-logger-'));
    const logger = new OmniLogger(dir);
    const outcome = {
      decisionId: 'd3',
      engine: 'binary',
      symbol: 'EURUSD',
      direction: 'put',
      entryTs: 1,
      entryPrice: 1.1,
      settleTs: 301,
      settlePrice: 1.2,
      stake: 1,
      payout: 0.8,
      fees: 0,
      pnl: -1,
      rule: 'binary-expiry-loss',
    } as const;
    logger.mute(true);
    logger.logCounterfactual({ counterfactual: true, gate: 'regime', riskUsd: 1, r: -1, outcome });
    logger.mute(false);
    logger.logCounterfactual({ counterfactual: true, gate: 'confidence', riskUsd: 1, r: -1, outcome });
    const records = (await readJournal(join(dir, JOURNAL_FILES.counterfactual))).records;
    expect(records).toEqual([{ counterfactual: true, gate: 'confidence', riskUsd: 1, r: -1, outcome }]);
    expect(existsSync(join(dir, JOURNAL_FILES.trades))).toBe(false);
    logger.close();
  });

  it('skips tick journaling when asked', () => {
    const dir = mkdtempSync(join(tmpdir(), 'omni-logger-'));
    const logger = new OmniLogger(dir, { logTicks: false });
    logger.logTick({ symbol: 'EURUSD', tsMs: 1, price: 1.1, source: 'test' });
    logger.close();
    expect(existsSync(join(dir, JOURNAL_FILES.ticks))).toBe(false);
  });

  it('journals nothing while muted, and reports where each journal stands', () => {
    const dir = mkdtempSync(join(tmpdir(), 'omni-logger-'));
    const logger = new OmniLogger(dir);
    logger.mute(true);
    logger.logTick({ symbol: 'EURUSD', tsMs: 1, price: 1.1, source: 'test' });
    logger.logAlert({ tsMs: 2, level: 'warn', code: 'X', message: 'muted', source: 'test' });
    logger.mute(false);
    logger.logTick({ symbol: 'EURUSD', tsMs: 3, price: 1.2, source: 'test' });
    const positions = logger.positions();
    logger.close();
    const line = '{"symbol":"EURUSD","tsMs":3,"price":1.2,"source":"test"}\n';
    expect(positions).toEqual({
      [JOURNAL_FILES.ticks]: { rotation: 0, bytes: Buffer.byteLength(line) },
      [JOURNAL_FILES.decisions]: { rotation: 0, bytes: 0 },
      [JOURNAL_FILES.trades]: { rotation: 0, bytes: 0 },
      [JOURNAL_FILES.alerts]: { rotation: 0, bytes: 0 },
      [JOURNAL_FILES.counterfactual]: { rotation: 0, bytes: 0 },
    });
  });

  it('with durable: false buffers trades and alerts too, and writes them all on close', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omni-logger-buffered-'));
    const logger = new OmniLogger(dir, { durable: false, flushIntervalMs: 0 });
    logger.logAlert({ tsMs: 2, level: 'warn', code: 'FEED_SPIKE', message: 'spike skipped', source: 'test' });
    logger.logAlert({ tsMs: 3, level: 'info', code: 'FEED_SPIKE', message: 'again', source: 'test' });
    const alerts = join(dir, JOURNAL_FILES.alerts);
    expect(existsSync(alerts) ? (await readJournal(alerts)).records : []).toHaveLength(0);
    logger.close();
    expect((await readJournal(alerts, { schema: AlertSchema })).records.map((a) => a.tsMs)).toEqual([2, 3]);
  });

  it('reports a journal whose folder cannot be created to onWriteFailure once, and drops its records', () => {
    const parent = mkdtempSync(join(tmpdir(), 'omni-logger-gone-'));
    writeFileSync(join(parent, 'run'), 'a file where the run folder should be');
    const failures: JournalError[] = [];
    const logger = new OmniLogger(join(parent, 'run'), { onWriteFailure: (e) => failures.push(e) });
    const alert: Alert = { tsMs: 1, level: 'critical', code: 'X', message: 'x', source: 'test' };
    logger.logAlert(alert);
    logger.logAlert(alert);
    expect(failures.map((e) => [e.code, e.context['file']])).toEqual([
      ['JOURNAL_WRITE_FAILED', join(parent, 'run', JOURNAL_FILES.alerts)],
    ]);
    expect(() => new OmniLogger(join(parent, 'run')).logAlert(alert)).toThrow(
      expect.objectContaining({ code: 'JOURNAL_WRITE_FAILED' }),
    );
  });
});
