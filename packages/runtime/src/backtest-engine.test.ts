import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Decision, MARKETS, parseConfig, type Tick, type TradeOutcome } from '@omni/core';
import { recheckOutcome } from '@omni/execution';
import { bundledFxPath, generateSyntheticTicks, ReplayFeed } from '@omni/feeds';
import { beforeAll, describe, expect, it } from 'vitest';
import { BacktestEngine, type BacktestSummary } from './backtest-engine.js';
import { type AuditLine, isAuditEntry, verifyAuditTrail } from './decision-audit-trail.js';
import { tempRunDir } from './runtime.fixture.js';

const DAY_MS = 86_400_000;
const FROM_MS = Date.parse('2010-01-01T00:00:00Z');
const TO_MS = Date.parse('2013-12-31T00:00:00Z');
const config = parseConfig({ seed: 42, startingBalanceUsd: 10_000 });
/** The same settings with every decision journaled (the default of a backtest is `actions`). */
const configAll = parseConfig({ seed: 42, startingBalanceUsd: 10_000, journal: { decisions: 'all' } });

interface Run {
  readonly dir: string;
  readonly summary: BacktestSummary;
  readonly trades: TradeOutcome[];
  readonly decisions: Array<AuditLine<{ decision: Decision; regimeKey: string; tsMs: number }>>;
}

function jsonl<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as T);
}

async function runEurusd(label: string, settings = config): Promise<Run> {
  const dir = tempRunDir(label);
  // modelPath null: momentum model only, so the run does not depend on the trained ONNX file.
  const engine = new BacktestEngine({ config: settings, symbol: 'EURUSD', modelPath: null });
  const summary = await engine.run(new ReplayFeed({ path: bundledFxPath('EURUSD') }), {
    runDir: dir,
    fromMs: FROM_MS,
    toMs: TO_MS,
  });
  return {
    dir,
    summary,
    trades: jsonl<TradeOutcome>(join(dir, 'trades.jsonl')),
    decisions: jsonl<Run['decisions'][number]>(join(dir, 'decisions.jsonl')).filter((l) => isAuditEntry(l)),
  };
}

/** The bundled CSV's rows inside [FROM_MS, TO_MS], read independently of ReplayFeed. */
function csvRowsInRange(): Array<{ tsMs: number; price: number }> {
  const rows = readFileSync(bundledFxPath('EURUSD'), 'utf8').trim().split('\n').slice(1);
  return rows
    .map((line) => {
      const [date, price] = line.split(',');
      return { tsMs: Date.parse(`${date}T00:00:00Z`), price: Number(price) };
    })
    .filter((r) => r.tsMs >= FROM_MS && r.tsMs <= TO_MS);
}

describe('BacktestEngine on the bundled EURUSD series (2010–2013)', () => {
  let first: Run;
  let second: Run;
  let everyDecision: Run;
  beforeAll(async () => {
    first = await runEurusd('bt-a');
    second = await runEurusd('bt-b');
    everyDecision = await runEurusd('bt-all', configAll);
  });

  it('writes summary.json with ticks, trades, pnl, finalBalance, winRate, maxDrawdown, sharpe and byEngine', () => {
    const onDisk = JSON.parse(readFileSync(join(first.dir, 'summary.json'), 'utf8')) as BacktestSummary;
    for (const field of [
      'ticks',
      'trades',
      'pnl',
      'finalBalance',
      'winRate',
      'maxDrawdown',
      'sharpe',
      'byEngine',
    ]) {
      expect(onDisk, field).toHaveProperty(field);
    }
    expect(onDisk).toEqual(JSON.parse(JSON.stringify(first.summary)));
    expect(Object.keys(onDisk.byEngine).sort()).toEqual([...MARKETS].sort());
    expect(onDisk.run).toMatchObject({
      symbol: 'EURUSD',
      from: '2010-01-01T00:00:00.000Z',
      to: '2013-12-31T00:00:00.000Z',
      seed: 42,
      model: 'momentum',
    });
    // Every CSV row in the range is one tick; nothing before fromMs or after toMs was replayed.
    expect(onDisk.ticks).toBe(csvRowsInRange().length);
    expect(first.trades.length).toBeGreaterThan(0); // the run is not vacuous
  });

  it('reports pnl as the sum of trades.jsonl and finalBalance as the starting balance plus pnl', () => {
    const { summary } = first;
    // Orders cancelled at their fill are journaled but are no trade (no PnL, not in the metrics).
    const trades = first.trades.filter((t) => t.exit?.kind !== 'cancelled');
    expect(first.trades.length - trades.length).toBeGreaterThan(0);
    expect(summary.trades).toBe(trades.length);
    const pnl = trades.reduce((s, t) => s + t.pnl, 0);
    expect(summary.pnl).toBeCloseTo(pnl, 9);
    expect(summary.finalBalance).toBeCloseTo(config.startingBalanceUsd + pnl, 9);
    expect(summary.startingBalance).toBe(config.startingBalanceUsd);
    const wins = trades.filter((t) => t.pnl > 0).length;
    expect(summary.wins).toBe(wins);
    expect(summary.winRate).toBe(wins / trades.length);
    for (const engine of MARKETS) {
      const mine = trades.filter((t) => t.engine === engine);
      expect(summary.byEngine[engine].trades, engine).toBe(mine.length);
      expect(summary.byEngine[engine].pnl, engine).toBeCloseTo(
        mine.reduce((s, t) => s + t.pnl, 0),
        9,
      );
    }
  });

  it('reports maxDrawdown and sharpe that match a recomputation from the trades and the daily ticks', () => {
    const { summary, trades } = first;
    let equity = config.startingBalanceUsd;
    let peak = equity;
    let maxDd = 0;
    for (const t of trades) {
      equity += t.pnl;
      peak = Math.max(peak, equity);
      maxDd = Math.max(maxDd, peak - equity);
    }
    expect(summary.maxDrawdown).toBeCloseTo(maxDd, 9);

    // Daily returns: one per UTC day with a tick; a trade's PnL counts on the day it settled.
    const pnlByDay = new Map<number, number>();
    for (const t of trades) {
      const day = Math.floor(t.settleTs / DAY_MS);
      pnlByDay.set(day, (pnlByDay.get(day) ?? 0) + t.pnl);
    }
    const returns: number[] = [];
    let balance = config.startingBalanceUsd;
    for (const row of csvRowsInRange()) {
      const dayPnl = pnlByDay.get(Math.floor(row.tsMs / DAY_MS)) ?? 0;
      returns.push(dayPnl / balance);
      balance += dayPnl;
    }
    const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
    const sd = Math.sqrt(returns.reduce((a, r) => a + (r - mean) ** 2, 0) / (returns.length - 1));
    expect(summary.sharpe).not.toBeNull();
    expect(summary.sharpe as number).toBeCloseTo((mean / sd) * Math.sqrt(252), 6);
  });

  it('settles every trade from later data and each one re-checks from its own record', () => {
    const decisionsById = new Map(first.decisions.map((l) => [l.entry.decision.id, l.entry]));
    for (const t of first.trades) {
      expect(recheckOutcome(t), t.decisionId).toMatchObject({ ok: true });
      const d = decisionsById.get(t.decisionId);
      expect(d?.decision.engine, t.decisionId).toBe(t.engine);
      expect(t.entryTs).toBeGreaterThanOrEqual(d?.tsMs ?? Number.POSITIVE_INFINITY);
      // An order cancelled at its fill (it would have opened beyond its stop) settles on its fill tick.
      if (t.exit?.kind === 'cancelled') expect([t.settleTs, t.size, t.pnl]).toEqual([t.entryTs, 0, 0]);
      else expect(t.settleTs).toBeGreaterThan(t.entryTs);
      expect(t.settleTs).toBeLessThanOrEqual(TO_MS);
    }
  });

  it('journals the trades line by line and counts every other decision in verified checkpoints (level actions)', async () => {
    const result = await verifyAuditTrail(join(first.dir, 'decisions.jsonl'));
    expect(result).toMatchObject({
      ok: true,
      sealed: true,
      tornLastLine: false,
      records: first.decisions.length,
    });
    if (!result.ok) throw new Error('unreachable');
    // Every decision is accounted for: recorded, or counted in a hash-chained checkpoint.
    expect(result.decisions).toBe(first.summary.run.decisions);
    expect(result.skippedDecisions).toBe(first.summary.run.decisions - first.decisions.length);
    expect(result.checkpoints).toBeGreaterThan(0);
    // What is recorded: the trades sent (each settled trade's decision is there), and no plain `none`.
    const recorded = new Set(first.decisions.map((l) => l.entry.decision.id));
    for (const t of first.trades) expect(recorded.has(t.decisionId), t.decisionId).toBe(true);
    for (const l of first.decisions) expect(l.entry.decision.engine, l.entry.decision.id).not.toBe('none');
    // The same decisions as a run that journals every one of them, line for line.
    const all = new Map(everyDecision.decisions.map((l) => [l.entry.decision.id, JSON.stringify(l.entry)]));
    for (const l of first.decisions) expect(JSON.stringify(l.entry)).toBe(all.get(l.entry.decision.id));
    expect(everyDecision.trades).toEqual(first.trades);
  });

  it('at level all journals every decision in a hash chain that verifies, one line per decision taken', async () => {
    const result = await verifyAuditTrail(join(everyDecision.dir, 'decisions.jsonl'));
    expect(result).toMatchObject({
      ok: true,
      records: everyDecision.summary.run.decisions,
      checkpoints: 0,
      sealed: true,
      tornLastLine: false,
    });
    expect(everyDecision.decisions.map((l) => l.entry.decision.id)).toEqual(
      Array.from({ length: everyDecision.decisions.length }, (_v, i) => `run-${i + 1}`),
    );
  });

  it('is deterministic: two runs give byte-identical trades.jsonl, decisions.jsonl and summary.json', () => {
    for (const name of ['trades.jsonl', 'decisions.jsonl', 'summary.json']) {
      const a = readFileSync(join(first.dir, name));
      const b = readFileSync(join(second.dir, name));
      expect(a.equals(b), name).toBe(true);
    }
  });
});

describe('BacktestEngine on a synthetic intraday feed with 1-minute bars', () => {
  async function* synthetic(): AsyncGenerator<Tick> {
    yield* generateSyntheticTicks({ symbol: 'SYNTH', seed: 7, count: 3000, meanIntervalMs: 3000 });
  }

  async function runSynthetic(label: string): Promise<{ dir: string; summary: BacktestSummary }> {
    const dir = tempRunDir(label);
    const engine = new BacktestEngine({
      config: parseConfig({ seed: 7, symbols: ['SYNTH'] }),
      modelPath: null,
      features: {
        bars: { kind: 'time', intervalMs: 60_000 },
        swing: { mode: 'atr', multiple: 2, atrPeriod: 14 },
        priceWindow: 64,
      },
      dataLabel: 'synthetic:gbm-regime:seed=7',
    });
    return { dir, summary: await engine.run(synthetic(), { runDir: dir }) };
  }

  it('replays every tick, verifies its journal and repeats byte for byte', async () => {
    const a = await runSynthetic('syn-a');
    const b = await runSynthetic('syn-b');
    expect(a.summary.ticks).toBe(3000);
    expect(a.summary.run.data).toBe('synthetic:gbm-regime:seed=7');
    expect(await verifyAuditTrail(join(a.dir, 'decisions.jsonl'))).toMatchObject({
      ok: true,
      decisions: a.summary.run.decisions,
      sealed: true,
    });
    const trades = jsonl<TradeOutcome>(join(a.dir, 'trades.jsonl'));
    expect(trades.length).toBeGreaterThan(0); // the run is not vacuous
    expect(a.summary.trades).toBe(trades.length);
    expect(a.summary.pnl).toBeCloseTo(
      trades.reduce((s, t) => s + t.pnl, 0),
      9,
    );
    for (const t of trades) expect(recheckOutcome(t), t.decisionId).toMatchObject({ ok: true });
    for (const name of ['trades.jsonl', 'decisions.jsonl']) {
      expect(readFileSync(join(a.dir, name)).equals(readFileSync(join(b.dir, name))), name).toBe(true);
    }
  });
});

describe('BacktestEngine look-ahead', () => {
  it('gives identical decisions and trades up to T for two data files that differ only after T', async () => {
    const cutMs = Date.parse('2011-06-30T00:00:00Z');
    const header = 'timestamp,price';
    const rows = readFileSync(bundledFxPath('EURUSD'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .filter((line) => {
        const ts = Date.parse(`${line.split(',')[0]}T00:00:00Z`);
        return ts >= FROM_MS && ts <= Date.parse('2012-06-30T00:00:00Z');
      });
    // After T the second file's prices fall 1% a day from the last common price: a different future.
    let last = 0;
    const altered = rows.map((line) => {
      const [date, price] = line.split(',') as [string, string];
      if (Date.parse(`${date}T00:00:00Z`) <= cutMs) {
        last = Number(price);
        return line;
      }
      last = Number((last * 0.99).toPrecision(6));
      return `${date},${last}`;
    });
    expect(altered.filter((l, i) => l !== rows[i]).length).toBeGreaterThan(200);
    const dir = tempRunDir('lookahead-data');
    writeFileSync(join(dir, 'EURUSD-a.csv'), `${header}\n${rows.join('\n')}\n`);
    writeFileSync(join(dir, 'EURUSD-b.csv'), `${header}\n${altered.join('\n')}\n`);

    const runs = [];
    for (const name of ['EURUSD-a.csv', 'EURUSD-b.csv']) {
      const runDir = tempRunDir('lookahead');
      // Every decision journaled, so that every line up to T can be compared.
      const engine = new BacktestEngine({ config: configAll, symbol: 'EURUSD', modelPath: null });
      await engine.run(new ReplayFeed({ path: join(dir, name), symbol: 'EURUSD' }), { runDir });
      runs.push({
        decisions: readFileSync(join(runDir, 'decisions.jsonl'), 'utf8').trim().split('\n'),
        trades: jsonl<TradeOutcome>(join(runDir, 'trades.jsonl')),
      });
    }
    const [a, b] = runs as [(typeof runs)[number], (typeof runs)[number]];
    const before = (lines: string[]): string[] =>
      lines.filter((l) => {
        const line = JSON.parse(l) as unknown;
        return isAuditEntry(line) && (line as AuditLine<{ tsMs: number }>).entry.tsMs <= cutMs;
      });
    expect(before(a.decisions).length).toBeGreaterThan(300);
    // Byte-identical lines (hash chain included) for every decision taken at or before T...
    expect(before(b.decisions)).toEqual(before(a.decisions));
    // ...and the same trades settled by T.
    const settledBy = (ts: TradeOutcome[]): TradeOutcome[] => ts.filter((t) => t.settleTs <= cutMs);
    expect(settledBy(a.trades).length).toBeGreaterThan(0);
    expect(settledBy(b.trades)).toEqual(settledBy(a.trades));
    // The futures really differ: so do the journals after T.
    expect(b.decisions.slice(before(a.decisions).length)).not.toEqual(
      a.decisions.slice(before(a.decisions).length),
    );
  });
});
