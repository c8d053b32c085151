import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundledFxPath } from '@omni/feeds';
import { isAuditEntry } from '@omni/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './program.js';

// No look-ahead, end to end: two data files equal up to time T and different after it must give
// the same decisions (the whole audit entry: decision, features, probabilities, fib block,
// approval, execution) for every tick at or before T.

const FIRST = Date.parse('2010-01-01T00:00:00Z');
const LAST = Date.parse('2013-12-31T00:00:00Z');

interface Row {
  readonly date: string;
  readonly tsMs: number;
  readonly price: number;
}

interface AuditLine {
  readonly seq: number;
  readonly hash: string;
  readonly entry: { readonly tsMs: number; readonly decision: { readonly engine: string } };
}

/** Every variable loadConfig reads, cleared so the developer's shell cannot leak in. */
const CONFIG_ENV = /^(OMNI_|MT5_|POCKET_|DEX_|MEV_|SEQ_MODEL_ONNX$)/;

let root: string;
let rows: Row[];
let savedEnv: Record<string, string | undefined>;

function writeCsv(dir: string, series: readonly Row[]): string {
  mkdirSync(join(root, dir), { recursive: true });
  // Same file name (hence the same symbol) for every variant.
  const path = join(root, dir, 'EURUSD.csv');
  writeFileSync(path, `timestamp,price\n${series.map((r) => `${r.date},${r.price}`).join('\n')}\n`);
  return path;
}

/** The series after T mirrored around the price at T (p' = p_T² / p): a different future, same past. */
function divergeAfter(series: readonly Row[], tMs: number): Row[] {
  const atT = series.filter((r) => r.tsMs <= tMs).at(-1)?.price as number;
  return series.map((r) => (r.tsMs <= tMs ? r : { ...r, price: Number(((atT * atT) / r.price).toFixed(5)) }));
}

async function backtest(data: string, out: string): Promise<AuditLine[]> {
  const err: string[] = [];
  const code = await runCli(['backtest', '--data', data, '--seed', '11', '--quiet', '--out', out], {
    out: () => undefined,
    err: (t) => err.push(t),
    isTty: false,
  });
  expect(err.join('\n')).toBe('');
  expect(code).toBe(0);
  return readFileSync(join(out, 'decisions.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as unknown)
    .filter((l) => isAuditEntry(l)) // not the seal the run writes last
    .map((l) => l as AuditLine);
}

function linesUpTo(path: string, tMs: number): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => {
      const line = l.length > 0 ? (JSON.parse(l) as unknown) : undefined;
      return line !== undefined && isAuditEntry(line) && (line as AuditLine).entry.tsMs <= tMs;
    });
}

/** Where two journals first differ (seq and the start of both lines), or undefined when equal. */
function firstDifference(a: readonly string[], b: readonly string[]): string | undefined {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) {
      return `line ${i + 1} differs:\n  ${a[i]?.slice(0, 400) ?? '(missing)'}\n  ${b[i]?.slice(0, 400) ?? '(missing)'}`;
    }
  }
  return undefined;
}

let baseline: AuditLine[];

beforeAll(async () => {
  savedEnv = {};
  for (const key of Object.keys(process.env)) {
    if (CONFIG_ENV.test(key)) {
      savedEnv[key] = process.env[key];
      delete process.env[key];
    }
  }
  root = mkdtempSync(join(tmpdir(), 'omni-look-ahead-'));
  process.env['OMNI_LOG_DIR'] = join(root, 'logs');
  // Every decision with its inputs, not only the actions (the backtest default): all are compared.
  process.env['OMNI_JOURNAL_DECISIONS'] = 'all';
  rows = readFileSync(bundledFxPath('EURUSD'), 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [date, price] = l.split(',') as [string, string];
      return { date, tsMs: Date.parse(`${date}T00:00:00Z`), price: Number(price) };
    })
    .filter((r) => r.tsMs >= FIRST && r.tsMs <= LAST);
  baseline = await backtest(writeCsv('base', rows), join(root, 'out-base'));
}, 60_000);

afterAll(() => {
  delete process.env['OMNI_LOG_DIR'];
  delete process.env['OMNI_JOURNAL_DECISIONS'];
  for (const [key, value] of Object.entries(savedEnv)) if (value !== undefined) process.env[key] = value;
  rmSync(root, { recursive: true, force: true });
});

describe('no look-ahead in omni backtest', () => {
  it('trades in the baseline run, so the comparison covers real decisions', () => {
    expect(baseline.filter((l) => l.entry.decision.engine !== 'none').length).toBeGreaterThan(3);
  });

  // Cut points: a fixed date, and the times of the 2nd and last-but-one trade decisions of the
  // baseline (the decision at exactly T must not depend on anything after it).
  const cuts: Array<[string, () => number]> = [
    ['a fixed date (2011-12-30)', () => Date.parse('2011-12-30T00:00:00Z')],
    ['the 2nd trade decision', () => tradeTimes()[1] as number],
    ['the last-but-one trade decision', () => tradeTimes().at(-2) as number],
  ];
  function tradeTimes(): number[] {
    return baseline.filter((l) => l.entry.decision.engine !== 'none').map((l) => l.entry.tsMs);
  }

  for (const [name, cut] of cuts) {
    it(`gives identical decisions up to T when the data differs only after T = ${name}`, async () => {
      const tMs = cut();
      const variant = divergeAfter(rows, tMs);
      expect(variant.filter((r) => r.tsMs <= tMs)).toEqual(rows.filter((r) => r.tsMs <= tMs));
      expect(variant.some((r, i) => r.price !== rows[i]?.price)).toBe(true);
      const out = join(root, `out-${tMs}`);
      const other = await backtest(writeCsv(`cut-${tMs}`, variant), out);

      const before = linesUpTo(join(root, 'out-base', 'decisions.jsonl'), tMs);
      expect(before.length).toBeGreaterThan(0);
      // Whole lines: the entry (decision and every input) and its hash chain.
      const mine = linesUpTo(join(out, 'decisions.jsonl'), tMs);
      expect(firstDifference(before, mine)).toBeUndefined();
      expect(mine.length).toBe(before.length);
      // The variant really is another future: some decision after T differs.
      const after = (lines: AuditLine[]): string =>
        JSON.stringify(lines.filter((l) => l.entry.tsMs > tMs).map((l) => l.entry));
      expect(after(other)).not.toBe(after(baseline));
    });
  }
});
