import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type BinaryDecision,
  type Decision,
  DecisionSchema,
  Rng,
  type SpotDecision,
  type TradeOutcome,
  TradeOutcomeSchema,
} from '@omni/core';
import { bundledFxPath } from '@omni/feeds';
import { isAuditSeal } from '@omni/runtime';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CliRun, omni } from '../cli.fixture.js';

// The `omni backtest` command driven in-process through runCli, on a few years of the bundled
// real EURUSD daily closes. Assertions are properties of the run (files, determinism, every
// trade re-derived from the data file), not exact trade counts: the brain's tuning may change.

const FROM = '2010-01-01';
const TO = '2014-12-31';
const RANGE = ['--symbol', 'EURUSD', '--from', FROM, '--to', TO, '--quiet'] as const;
/** Spread assumed for mid-only ticks by the shadow spot executor (docs/fill-assumptions.md, default 1 bp). */
const MID_ONLY_SPREAD_BPS = 1;
const BPS = 1e-4;

/** Every variable loadConfig reads, cleared for the test so the developer's shell cannot leak in. */
const CONFIG_ENV = /^(OMNI_|MT5_|POCKET_|DEX_|MEV_|SEQ_MODEL_ONNX$)/;
let savedEnv: Record<string, string | undefined> = {};
function isolateEnv(logDir: string): void {
  savedEnv = {};
  for (const key of Object.keys(process.env)) {
    if (CONFIG_ENV.test(key)) {
      savedEnv[key] = process.env[key];
      delete process.env[key];
    }
  }
  savedEnv['OMNI_LOG_DIR'] = undefined;
  process.env['OMNI_LOG_DIR'] = logDir;
}
function restoreEnv(): void {
  for (const key of Object.keys(process.env)) if (CONFIG_ENV.test(key)) delete process.env[key];
  for (const [key, value] of Object.entries(savedEnv)) if (value !== undefined) process.env[key] = value;
}

interface Row {
  readonly tsMs: number;
  readonly price: number;
}

/** The bundled `timestamp,price` CSV parsed by hand (independent of ReplayFeed), within [from, to]. */
function readRows(path: string, from: string, to: string): Row[] {
  const fromMs = Date.parse(`${from}T00:00:00Z`);
  const toMs = Date.parse(`${to}T00:00:00Z`);
  const rows: Row[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n').slice(1)) {
    if (line.trim() === '') continue;
    const [date, price] = line.split(',');
    const tsMs = Date.parse(`${date}T00:00:00Z`);
    if (tsMs >= fromMs && tsMs <= toMs) rows.push({ tsMs, price: Number(price) });
  }
  return rows;
}

interface AuditLine {
  readonly entry: {
    readonly decision: Decision;
    readonly tsMs: number;
    readonly price: number;
    readonly execution?: { readonly status: string };
    /** The trade a gate stopped, settled as a counterfactual outcome (counterfactual.jsonl). */
    readonly candidate?: Decision | null;
  };
}

function readJsonl<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as T);
}

/** What an independent replay of the fill rules (docs/fill-assumptions.md) says about a trade. */
type Expected =
  | { readonly state: 'open' }
  | {
      readonly state: 'settled';
      readonly entryTs: number;
      readonly entryPrice: number;
      readonly settleTs: number;
      readonly settlePrice: number;
      readonly fees: number;
      readonly pnl: number;
      readonly rule: string;
    };

/** Binary: entry at the decision tick, settled by the first row at or after expiry. */
function expectedBinary(
  d: BinaryDecision,
  rows: readonly Row[],
  payout: number,
  tieRule: 'refund' | 'loss',
): Expected {
  const entry = rows.find((r) => r.tsMs === d.tsMs);
  if (!entry) throw new Error(`no data row at the decision time of ${d.id}`);
  const settle = rows.find((r) => r.tsMs >= d.tsMs + d.expirySec * 1000);
  if (!settle) return { state: 'open' };
  const up = settle.price > entry.price;
  const down = settle.price < entry.price;
  let pnl: number;
  let rule: string;
  if (!up && !down) {
    pnl = tieRule === 'refund' ? 0 : -d.stakeUsd;
    rule = `binary-tie-${tieRule}`;
  } else {
    const won = d.direction === 'call' ? up : down;
    pnl = won ? d.stakeUsd * payout : -d.stakeUsd;
    rule = won ? 'binary-expiry-win' : 'binary-expiry-loss';
  }
  return {
    state: 'settled',
    entryTs: entry.tsMs,
    entryPrice: entry.price,
    settleTs: settle.tsMs,
    settlePrice: settle.price,
    fees: 0,
    pnl,
    rule,
  };
}

/**
 * Spot: a market entry at the first row after the decision (ask = mid·(1 + s/2) for a buy, bid
 * for a sell, then slippage against the trader), exits on every later row at the exit-side quote:
 * the stop fills at the quote (gaps included) minus slippage, take-profit rungs at their price,
 * rung k closes fraction·size and the last rung the rest; commission on every leg.
 */
function expectedSpot(
  d: SpotDecision,
  rows: readonly Row[],
  spot: { readonly commissionBps: number; readonly slippageBps: number; readonly fillRiskTolerance: number },
): Expected {
  const buy = d.side === 'buy';
  const half = (MID_ONLY_SPREAD_BPS * BPS) / 2;
  const slip = spot.slippageBps * BPS;
  const commission = spot.commissionBps * BPS;
  const fillAt = rows.findIndex((r) => r.tsMs > d.tsMs);
  const fill = rows[fillAt];
  if (!fill) return { state: 'open' };
  const entryPrice = buy ? fill.price * (1 + half) * (1 + slip) : fill.price * (1 - half) * (1 - slip);
  // Cancelled at the fill: at or beyond the stop, or risking more than approved plus the tolerance
  // (risk = size × (|entry − stop| + entry × round-trip cost); these symbols are USD-quoted).
  const costBps = 2 * spot.commissionBps + 2 * spot.slippageBps + MID_ONLY_SPREAD_BPS;
  const risk = (entry: number) => d.size * (Math.abs(entry - d.stopPrice) + entry * costBps * BPS);
  if (
    (buy ? entryPrice <= d.stopPrice : entryPrice >= d.stopPrice) ||
    risk(entryPrice) > risk(d.entryPrice) * (1 + spot.fillRiskTolerance)
  ) {
    return {
      state: 'settled',
      entryTs: fill.tsMs,
      entryPrice,
      settleTs: fill.tsMs,
      settlePrice: entryPrice,
      fees: 0,
      pnl: 0,
      rule: 'spot-cancelled-at-fill',
    };
  }
  let fees = d.size * entryPrice * commission;
  const ladder = [...d.takeProfits].sort((a, b) => (buy ? a.price - b.price : b.price - a.price));
  let remaining = d.size;
  let notional = 0;
  let next = 0;
  const legs: string[] = [];
  const exit = (size: number, price: number): void => {
    notional += size * price;
    fees += size * price * commission;
    remaining -= size;
  };
  for (const row of rows.slice(fillAt + 1)) {
    const quote = buy ? row.price * (1 - half) : row.price * (1 + half);
    if (buy ? quote <= d.stopPrice : quote >= d.stopPrice) {
      exit(remaining, buy ? quote * (1 - slip) : quote * (1 + slip));
      legs.push('stop');
    } else {
      while (next < ladder.length) {
        const rung = ladder[next];
        if (!rung || (buy ? quote < rung.price : quote > rung.price)) break;
        exit(
          next === ladder.length - 1 ? remaining : Math.min(remaining, rung.fraction * d.size),
          rung.price,
        );
        next++;
        legs.push(`tp-${next}`);
      }
    }
    if (remaining <= d.size * 1e-12) {
      const settlePrice = notional / d.size;
      return {
        state: 'settled',
        entryTs: fill.tsMs,
        entryPrice,
        settleTs: row.tsMs,
        settlePrice,
        fees,
        pnl: (buy ? 1 : -1) * (settlePrice - entryPrice) * d.size - fees,
        rule: `spot-${legs.join('+')}`,
      };
    }
  }
  return { state: 'open' };
}

function closeTo(actual: number, expected: number, relative = 1e-9): boolean {
  return Math.abs(actual - expected) <= relative * Math.max(1, Math.abs(expected));
}

/**
 * Runs whose every trade is re-checked. EURUSD 2010–2014 has binary and spot trades; AUDUSD
 * 1972–1974 (the pegged era: flat prices, then the 1973 revaluation) has binary ties settled by
 * the tie rule and spot stops filled through a gap. Counterfactual outcomes (what the candidates
 * gates stopped would have done, settled by the same rules from the same prices) are re-checked
 * with the trades, so the edge cases may show in either.
 */
const RECHECKED = [
  { label: 'EURUSD 2010–2014', dir: 'run-a', symbol: 'EURUSD', from: FROM, to: TO, edgeCases: false },
  {
    label: 'AUDUSD 1972–1974 (ties and gaps)',
    dir: 'run-aud',
    symbol: 'AUDUSD',
    from: '1972-01-01',
    to: '1974-12-31',
    edgeCases: true,
  },
] as const;

let root: string;
let runA: string;
let runB: string;
let resultA: CliRun;
let resultB: CliRun;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'omni-backtest-test-'));
  isolateEnv(join(root, 'logs'));
  // Every decision journaled: the re-checks below find each counterfactual candidate's record.
  process.env['OMNI_JOURNAL_DECISIONS'] = 'all';
  runA = join(root, 'run-a');
  runB = join(root, 'run-b');
  resultA = await omni(['backtest', ...RANGE, '--seed', '7', '--out', runA]);
  resultB = await omni(['backtest', ...RANGE, '--seed', '7', '--out', runB]);
  for (const c of RECHECKED.filter((r) => r.dir !== 'run-a')) {
    const run = await omni([
      'backtest',
      ...['--symbol', c.symbol, '--from', c.from, '--to', c.to, '--seed', '7', '--quiet'],
      ...['--out', join(root, c.dir)],
    ]);
    expect(run.code, run.err).toBe(0);
  }
  restoreEnv();
}, 120_000);

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('omni backtest output', () => {
  it('exits 0 and writes summary.json, the three journals and report.html', () => {
    expect(resultA.err).toBe('');
    expect(resultA.code).toBe(0);
    expect(readdirSync(runA).sort()).toEqual([
      '.omni-run',
      'alerts.jsonl',
      'counterfactual.jsonl',
      'decisions.jsonl',
      'report.html',
      'summary.json',
      'trades.jsonl',
    ]);
    expect(readdirSync(root).filter((n) => n.includes('.partial-'))).toEqual([]);
  });

  it('writes a summary with the metrics the issue names, consistent with trades.jsonl', () => {
    const summary = JSON.parse(readFileSync(join(runA, 'summary.json'), 'utf8'));
    for (const key of ['ticks', 'trades', 'pnl', 'finalBalance', 'winRate', 'maxDrawdown', 'sharpe']) {
      expect(summary, key).toHaveProperty(key);
    }
    expect(Object.keys(summary.byEngine).sort()).toEqual(['arbitrage', 'binary', 'spot']);
    const rows = readRows(bundledFxPath('EURUSD'), FROM, TO);
    expect(summary.ticks).toBe(rows.length);
    expect(summary.run.seed).toBe(7);

    // Orders cancelled at their fill are journaled but are no trade (no PnL, not in the metrics).
    const trades = readJsonl<TradeOutcome>(join(runA, 'trades.jsonl')).filter(
      (t) => t.exit?.kind !== 'cancelled',
    );
    expect(summary.trades).toBe(trades.length);
    const pnl = trades.reduce((s, t) => s + t.pnl, 0);
    expect(summary.pnl).toBeCloseTo(pnl, 6);
    expect(summary.finalBalance).toBeCloseTo(summary.startingBalance + pnl, 6);
    const wins = trades.filter((t) => t.pnl > 0).length;
    expect(summary.winRate).toBeCloseTo(wins / trades.length, 12);
    // Max drawdown of the equity curve booked in settlement order (the order of trades.jsonl).
    let balance = summary.startingBalance as number;
    let peak = balance;
    let maxDrawdown = 0;
    for (const t of trades) {
      balance += t.pnl;
      peak = Math.max(peak, balance);
      maxDrawdown = Math.max(maxDrawdown, peak - balance);
    }
    expect(summary.maxDrawdown).toBeCloseTo(maxDrawdown, 6);
    for (const engine of ['binary', 'spot', 'arbitrage'] as const) {
      const mine = trades.filter((t) => t.engine === engine);
      expect(summary.byEngine[engine].trades, engine).toBe(mine.length);
      expect(summary.byEngine[engine].pnl, engine).toBeCloseTo(
        mine.reduce((s, t) => s + t.pnl, 0),
        6,
      );
    }
    expect(Number.isFinite(summary.sharpe)).toBe(true);
  });

  it('prints the summary table on stdout', () => {
    expect(resultA.out).toMatch(/^symbol\s+EURUSD$/m);
    expect(resultA.out).toMatch(/^trades\s+\d+$/m);
    expect(resultA.out).toMatch(/^binary\s+\d+/m);
    expect(resultA.out).toContain(`wrote ${runA}/{summary.json,trades.jsonl,decisions.jsonl`);
  });

  it('writes a self-contained report.html that names the symbol', () => {
    const html = readFileSync(join(runA, 'report.html'), 'utf8');
    // Booleans, not toContain: a failure should not print 250 kB of inlined chart library.
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.includes('EURUSD')).toBe(true);
    expect(/<script[^>]+src=/i.test(html)).toBe(false);
    expect(/<link[^>]+href=/i.test(html)).toBe(false);
    expect(html.includes('window.LightweightCharts')).toBe(true);
    expect(html.includes('&quot;mode&quot;: &quot;backtest&quot;')).toBe(true);
  });

  it('writes one hash-chained decision line per tick decided (level all) and trade records that parse', () => {
    const all = readJsonl<AuditLine & { seq: number }>(join(runA, 'decisions.jsonl'));
    expect(isAuditSeal(all.at(-1))).toBe(true); // the run closed its trail cleanly
    const lines = all.slice(0, -1);
    expect(lines.length).toBeGreaterThan(1000);
    lines.forEach((l, i) => {
      expect(l.seq).toBe(i + 1);
      DecisionSchema.parse(l.entry.decision);
    });
    for (const t of readJsonl<unknown>(join(runA, 'trades.jsonl'))) TradeOutcomeSchema.parse(t);
  });
});

describe('omni backtest determinism', () => {
  it('gives byte-identical trades.jsonl and decisions.jsonl for two runs with the same seed', () => {
    expect(resultB.code).toBe(0);
    for (const file of ['trades.jsonl', 'decisions.jsonl', 'alerts.jsonl']) {
      const a = readFileSync(join(runA, file));
      const b = readFileSync(join(runB, file));
      expect(a.length, file).toBeGreaterThan(file === 'alerts.jsonl' ? -1 : 0);
      expect(a.equals(b), `${file} differs between two runs with seed 7`).toBe(true);
    }
  });

  it('gives the same summary apart from the output directory', () => {
    const a = JSON.parse(readFileSync(join(runA, 'summary.json'), 'utf8'));
    const b = JSON.parse(readFileSync(join(runB, 'summary.json'), 'utf8'));
    expect(b.run.outDir).not.toBe(a.run.outDir);
    b.run.outDir = a.run.outDir;
    expect(b).toEqual(a);
  });
});

describe.each(RECHECKED)(
  'every settled trade of $label re-checked from its own record and the data file',
  ({ dir, symbol, from, to, edgeCases }) => {
    let run: string;
    let trades: TradeOutcome[];
    /** Trades and counterfactual outcomes: every record the shadow executors settled. */
    let settled: TradeOutcome[];
    let decisions: Map<string, AuditLine['entry']>;
    /** The order a record settles: the executed decision, or the candidate a gate stopped. */
    const orderOf = (id: string): Decision | undefined => {
      const entry = decisions.get(id);
      return entry?.candidate ?? entry?.decision;
    };
    let rows: Row[];
    let config: {
      engines: {
        binary: { payout: number; tieRule: 'refund' | 'loss' };
        spot: { commissionBps: number; slippageBps: number; fillRiskTolerance: number };
      };
    };

    beforeAll(() => {
      run = join(root, dir);
      trades = readJsonl<TradeOutcome>(join(run, 'trades.jsonl'));
      settled = [
        ...trades,
        ...readJsonl<{ outcome: TradeOutcome }>(join(run, 'counterfactual.jsonl')).map((r) => r.outcome),
      ];
      decisions = new Map(
        readJsonl<AuditLine>(join(run, 'decisions.jsonl'))
          .filter((l) => !isAuditSeal(l))
          .map((l) => [l.entry.decision.id, l.entry]),
      );
      rows = readRows(bundledFxPath(symbol), from, to);
      config = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8')).config;
    });

    it('sees binary and spot trades in the chosen range', () => {
      expect(trades.filter((t) => t.engine === 'binary').length).toBeGreaterThan(0);
      expect(trades.filter((t) => t.engine === 'spot').length).toBeGreaterThan(0);
    });

    // Registered only for the run chosen for its edge cases.
    if (edgeCases)
      it('sees a binary tie and a spot stop filled through a gap', () => {
        expect(trades.some((t) => t.rule.startsWith('binary-tie-'))).toBe(true);
        const gapped = settled.filter((t) => {
          if (t.engine !== 'spot' || t.rule !== 'spot-stop') return false;
          const d = orderOf(t.decisionId) as SpotDecision;
          return d.side === 'buy' ? t.settlePrice < d.stopPrice * 0.99 : t.settlePrice > d.stopPrice * 1.01;
        });
        expect(gapped.length).toBeGreaterThan(0);
      });

    it('joins every trade to an executed decision of the same engine, symbol and direction', () => {
      for (const t of trades) {
        const entry = decisions.get(t.decisionId);
        expect(entry, t.decisionId).toBeDefined();
        const d = entry?.decision as Decision;
        expect(d.engine).toBe(t.engine);
        expect(entry?.execution?.status).toMatch(/^(accepted|settled)$/);
        if (d.engine === 'binary') expect(t.direction).toBe(d.direction);
        if (d.engine === 'spot') expect(t.direction).toBe(d.side);
        expect(t.symbol).toBe(symbol);
      }
      expect(new Set(trades.map((t) => t.decisionId)).size).toBe(trades.length);
    });

    it('settles each binary trade and counterfactual outcome: win iff the settle price is beyond entry in its direction, pnl = stake × payout or −stake', () => {
      const { payout, tieRule } = config.engines.binary;
      for (const t of settled.filter((x) => x.engine === 'binary')) {
        const stake = t.stake as number;
        // From the record alone.
        const beyond = t.direction === 'call' ? t.settlePrice > t.entryPrice : t.settlePrice < t.entryPrice;
        const tie = t.settlePrice === t.entryPrice;
        const own = tie
          ? tieRule === 'refund'
            ? 0
            : -stake
          : beyond
            ? stake * (t.payout as number)
            : -stake;
        expect(t.pnl, t.decisionId).toBe(own);
        expect(t.pnl > 0, t.decisionId).toBe(beyond);
        expect(t.payout).toBe(payout);
        expect(t.fees).toBe(0);
        // From the decision and the data file.
        const d = orderOf(t.decisionId) as BinaryDecision;
        expect(stake).toBe(d.stakeUsd);
        const expected = expectedBinary(d, rows, payout, tieRule);
        expect(expected.state, t.decisionId).toBe('settled');
        if (expected.state !== 'settled') continue;
        expect(t.entryTs, t.decisionId).toBe(expected.entryTs);
        expect(t.entryPrice, t.decisionId).toBe(expected.entryPrice);
        expect(t.settleTs, `${t.decisionId}: first row at/after expiry`).toBe(expected.settleTs);
        expect(t.settlePrice, t.decisionId).toBe(expected.settlePrice);
        expect(t.pnl, t.decisionId).toBe(expected.pnl);
        expect(t.rule, t.decisionId).toBe(expected.rule);
      }
    });

    it('settles each spot trade and counterfactual outcome at the fill, exits, size and fees the fill rules give on the data file', () => {
      const spot = config.engines.spot;
      for (const t of settled.filter((x) => x.engine === 'spot')) {
        const size = t.size as number;
        // From the record alone.
        const sign = t.direction === 'buy' ? 1 : -1;
        expect(closeTo(t.pnl, sign * (t.settlePrice - t.entryPrice) * size - t.fees), t.decisionId).toBe(
          true,
        );
        // From the decision and the data file.
        const d = orderOf(t.decisionId) as SpotDecision;
        const expected = expectedSpot(d, rows, spot);
        expect(expected.state, t.decisionId).toBe('settled');
        if (expected.state !== 'settled') continue;
        expect(size).toBe(expected.rule === 'spot-cancelled-at-fill' ? 0 : d.size);
        expect(t.entryTs, t.decisionId).toBe(expected.entryTs);
        expect(t.settleTs, t.decisionId).toBe(expected.settleTs);
        expect(t.rule, t.decisionId).toBe(expected.rule);
        for (const key of ['entryPrice', 'settlePrice', 'fees', 'pnl'] as const) {
          expect(
            closeTo(t[key], expected[key]),
            `${t.decisionId} ${key}: ${t[key]} vs ${expected[key]}`,
          ).toBe(true);
        }
      }
    });

    it('leaves open exactly the executed decisions the data never settles before the end of the range', () => {
      const settled = new Set(trades.map((t) => t.decisionId));
      let open = 0;
      for (const [id, entry] of decisions) {
        const d = entry.decision;
        if (d.engine === 'none' || settled.has(id) || entry.execution?.status !== 'accepted') continue;
        const expected =
          d.engine === 'binary'
            ? expectedBinary(d, rows, config.engines.binary.payout, config.engines.binary.tieRule)
            : d.engine === 'spot'
              ? expectedSpot(d, rows, config.engines.spot)
              : ({ state: 'settled' } as const);
        expect(expected.state, `${id} (${d.engine}) is not in trades.jsonl`).toBe('open');
        open++;
      }
      const summary = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8'));
      expect(summary.run.openAtEnd).toBe(open);
    });
  },
);

describe('omni backtest with bad input', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'omni-bad-input-'));
    isolateEnv(join(dir, 'logs'));
  });
  afterEach(() => {
    restoreEnv();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs a backtest that must fail, and checks it left no output directory or partial sibling. */
  async function failing(args: readonly string[]): Promise<CliRun> {
    const out = join(dir, 'runs', 'out');
    const run = await omni(['backtest', '--quiet', '--out', out, ...args]);
    expect(run.code).not.toBe(0);
    expect(existsSync(out)).toBe(false);
    const runs = join(dir, 'runs');
    expect(existsSync(runs) ? readdirSync(runs) : []).toEqual([]);
    expect(readdirSync(dir).filter((n) => n.includes('partial'))).toEqual([]);
    return run;
  }

  it('refuses an unknown bundled symbol and lists the known ones', async () => {
    const run = await failing(['--symbol', 'XAUUSD']);
    expect(run.code).toBe(2);
    expect(run.err).toContain('unknown symbol XAUUSD');
    expect(run.err).toContain('EURUSD');
  });

  it('refuses an empty data file, naming the file', async () => {
    const file = join(dir, 'EMPTY.csv');
    writeFileSync(file, 'timestamp,price\n');
    const run = await failing(['--data', file]);
    expect(run.err).toMatch(/no ticks in the data/);
    expect(run.err).toContain(file);
  });

  it('refuses a zero-byte data file', async () => {
    const file = join(dir, 'ZERO.csv');
    writeFileSync(file, '');
    const run = await failing(['--data', file]);
    expect(run.err).toContain(file);
  });

  it('refuses a CSV with a malformed row, naming the line and column', async () => {
    const good = readFileSync(bundledFxPath('EURUSD'), 'utf8').split('\n').slice(0, 400);
    good.splice(300, 0, '2000-03-01,1.0x5');
    const file = join(dir, 'EURUSD.csv');
    writeFileSync(file, `${good.join('\n')}\n`);
    const run = await failing(['--data', file]);
    expect(run.code).toBe(2);
    expect(run.err).toContain('FEED_MALFORMED_ROW');
    expect(run.err).toContain('EURUSD.csv:301');
    expect(run.err).toContain('price');
  });

  it('refuses a missing data file', async () => {
    const run = await failing(['--data', join(dir, 'nope.csv')]);
    expect(run.err).toContain('does not exist');
  });

  it('refuses a config file that is not valid JSON, naming the file', async () => {
    const file = join(dir, 'omni.json');
    writeFileSync(file, '{"seed": 3,');
    const run = await failing(['--config', file]);
    expect(run.code).toBe(2);
    expect(run.err).toContain('CONFIG_FILE_INVALID_JSON');
    expect(run.err).toContain(file);
  });

  it('refuses a config file with a bad value, naming the field and the value', async () => {
    const file = join(dir, 'omni.json');
    writeFileSync(file, JSON.stringify({ engines: { binary: { payout: -3 } } }));
    const run = await failing(['--config', file]);
    expect(run.code).toBe(2);
    expect(run.err).toContain('CONFIG_INVALID');
    expect(run.err).toMatch(/engines\.binary\.payout .*got -3/);
  });

  it('refuses a --model that does not exist instead of silently trading without it', async () => {
    const run = await failing(['--from', FROM, '--to', '2010-03-31', '--model', join(dir, 'missing.onnx')]);
    expect(run.code).toBe(2);
    expect(run.err).toContain('missing.onnx');
  });

  it('refuses an ambiguous --retrain-every 6m, naming 6min and 6mo and the accepted units', async () => {
    const run = await failing(['--from', FROM, '--to', '2010-03-31', '--retrain-every', '6m']);
    expect(run.code).toBe(2);
    expect(run.err).toContain(
      '--retrain-every "6m" is ambiguous (m could mean minutes or months): write 6min or 6mo',
    );
    expect(run.err).toContain('units: ms (milliseconds), s (seconds), min (minutes)');
  });

  it('refuses a --from/--to range that holds no data', async () => {
    const run = await failing(['--from', '1990-01-01', '--to', '1990-12-31']);
    expect(run.err).toMatch(/range holds none/);
  });

  it('refuses a range inside the data that holds no tick (found by the run), leaving nothing behind', async () => {
    const file = join(dir, 'GAP.csv');
    writeFileSync(file, 'timestamp,price\n2001-01-02,1.1\n2001-01-03,1.2\n2005-01-03,1.3\n');
    const run = await failing([
      '--data',
      file,
      '--momentum-only',
      '--from',
      '2002-01-01',
      '--to',
      '2002-12-31',
    ]);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/range holds none/);
    expect(run.err).toContain(file);
  });

  it('keeps the previous output untouched when a later run into the same directory fails', async () => {
    const out = join(dir, 'runs', 'out');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'summary.json'), '{"previous":true}\n');
    const run = await omni(['backtest', '--quiet', '--out', out, '--symbol', 'NOPE']);
    expect(run.code).toBe(2);
    expect(readFileSync(join(out, 'summary.json'), 'utf8')).toBe('{"previous":true}\n');
    expect(readdirSync(join(dir, 'runs'))).toEqual(['out']);
  });
});

describe('omni backtest on a long intraday file', () => {
  // 30,000 one-second ticks of a seeded random walk: more than the report's 4,000 chart points.
  const TICKS = 30_000;
  const START_MS = Date.parse('2024-03-01T00:00:00Z');
  let dir: string;
  let run: CliRun;
  let prices: number[];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'omni-intraday-'));
    isolateEnv(join(dir, 'logs'));
    const rng = new Rng(11);
    let price = 1.1;
    prices = [];
    const lines = ['timestamp,price'];
    for (let i = 0; i < TICKS; i++) {
      price = Math.max(0.5, price * (1 + (rng.float() - 0.5) * 4e-4));
      prices.push(price);
      lines.push(`${new Date(START_MS + i * 1000).toISOString()},${price}`);
    }
    writeFileSync(join(dir, 'WALK.csv'), `${lines.join('\n')}\n`);
    run = await omni([
      'backtest',
      '--momentum-only',
      '--data',
      join(dir, 'WALK.csv'),
      '--out',
      join(dir, 'run'),
    ]);
    restoreEnv();
  }, 180_000);
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function reportData(): {
    prices: { time: number; value: number }[];
    tradePoints: { time: number; value: number }[];
    markers: { time: number; price: number; shape: string }[];
  } {
    const html = readFileSync(join(dir, 'run', 'report.html'), 'utf8');
    const json = /<script id="omni-data" type="application\/json">(.*?)<\/script>/s.exec(html)?.[1];
    return JSON.parse(json as string);
  }

  it('reports progress by share of the data, known from its first and last row', () => {
    expect(run.code, run.err).toBe(0);
    expect(run.err).toMatch(/^backtest: 1\d% \(2024-03-01, \d+ ticks, \d+ decisions\)$/m);
    expect(run.err).toContain(`backtest: 100% (2024-03-01, ${TICKS} ticks, `);
  });

  it('charts at most 4,000 prices, the first, last, lowest and highest among them', () => {
    const data = reportData();
    expect(data.prices.length).toBeLessThanOrEqual(4000);
    expect(data.prices.length).toBeGreaterThan(2000);
    const charted = data.prices.map((p) => p.value);
    expect(data.prices[0]).toEqual({ time: START_MS / 1000, value: prices[0] });
    expect(data.prices[data.prices.length - 1]).toEqual({
      time: START_MS / 1000 + TICKS - 1,
      value: prices[TICKS - 1],
    });
    expect(charted).toContain(Math.min(...prices));
    expect(charted).toContain(Math.max(...prices));
  });

  it('marks every trade of trades.jsonl at its exact entry and exit time and price', () => {
    const trades = readJsonl<TradeOutcome>(join(dir, 'run', 'trades.jsonl'));
    expect(trades.length).toBeGreaterThan(0);
    const data = reportData();
    expect(data.markers).toHaveLength(2 * trades.length);
    for (const t of trades) {
      expect(data.markers).toContainEqual(
        expect.objectContaining({
          time: t.entryTs / 1000,
          price: t.entryPrice,
          shape: expect.stringMatching(/^arrow/),
        }),
      );
      expect(data.markers).toContainEqual(
        expect.objectContaining({ time: t.settleTs / 1000, price: t.settlePrice, shape: 'circle' }),
      );
      expect(data.tradePoints.map((p) => p.time)).toContain(t.entryTs / 1000);
    }
  });
});
