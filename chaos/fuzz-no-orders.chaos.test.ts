/**
 * End to end: garbage rows never reach a decision or an order. A backtest of the whole engine over a
 * price file with fuzzed malformed rows spliced in (skip-and-alert) journals exactly the decisions
 * and trades of the same file without them, and alerts once per garbage row.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Alert, PriceFileParser, PriceRowProblem, parseConfig } from '@omni/core';
import { bundledFxPath, ReplayFeed } from '@omni/feeds';
import { BacktestEngine } from '@omni/runtime';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { BoundaryTally, FUZZ_SEED, prototypeLeaks, seededSample } from './fuzz-support.js';

const ROWS = 2_000;
const GARBAGE_ROWS = 400;

const tally = new BoundaryTally('backtest-garbage-rows');
const dir = mkdtempSync(join(tmpdir(), 'omni-fuzz-orders-'));
afterAll(() => {
  expect(prototypeLeaks()).toEqual([]);
  rmSync(dir, { recursive: true, force: true });
  console.log(tally.line());
});

const HEADER = 'timestamp,price';

/** Rows the parser refuses under the `timestamp,price` header: wrong cells, counts, quotes, text. */
const garbageRow = fc
  .oneof(
    fc.tuple(
      fc.constantFrom('2000-01-03', '1999-13-01', 'NaN', '', '946857600000'),
      fc.string({ maxLength: 12 }),
    ),
    fc.tuple(fc.string({ maxLength: 20 }), fc.constantFrom('NaN', 'Infinity', '1e999', '', 'abc', '"1.1')),
  )
  .map(([a, b]) => `${a},${b}`)
  .filter((line) => {
    const parser = new PriceFileParser({ symbol: 'EURUSD', source: 'x' });
    parser.line(HEADER);
    return parser.line(line) instanceof PriceRowProblem;
  });

async function backtest(
  name: string,
  text: string,
): Promise<{ trades: string; decisions: string; alerts: Alert[] }> {
  const path = join(dir, `${name}.csv`);
  writeFileSync(path, text);
  const runDir = join(dir, name);
  const alerts: Alert[] = [];
  const engine = new BacktestEngine({
    config: parseConfig({ seed: 7, symbols: ['EURUSD'] }),
    modelPath: null,
  });
  await engine.run(
    new ReplayFeed({ path, symbol: 'EURUSD', policy: 'skip-and-alert', onAlert: (a) => alerts.push(a) }),
    {
      runDir,
    },
  );
  return {
    trades: readFileSync(join(runDir, 'trades.jsonl'), 'utf8'),
    decisions: readFileSync(join(runDir, 'decisions.jsonl'), 'utf8'),
    alerts,
  };
}

describe('fuzz: garbage rows in a backtest', () => {
  it(`journals the same decisions and trades with ${GARBAGE_ROWS} garbage rows spliced in`, async () => {
    const rows = readFileSync(bundledFxPath('EURUSD'), 'utf8')
      .trim()
      .split('\n')
      .slice(1, ROWS + 1);
    const garbage = seededSample(garbageRow, GARBAGE_ROWS);
    const at = seededSample(fc.nat({ max: ROWS - 1 }), GARBAGE_ROWS, FUZZ_SEED + 7);
    const spliced = rows.map((r) => [r]);
    for (let i = 0; i < garbage.length; i++) spliced[at[i] as number]?.push(garbage[i] as string);
    const clean = await backtest('clean', [HEADER, ...rows].join('\n'));
    const dirty = await backtest('dirty', [HEADER, ...spliced.flat()].join('\n'));
    expect(clean.trades.length).toBeGreaterThan(0);
    expect(dirty.trades).toBe(clean.trades);
    expect(dirty.decisions).toBe(clean.decisions);
    expect(clean.alerts).toEqual([]);
    expect(dirty.alerts.filter((a) => a.code === 'FEED_MALFORMED_ROW')).toHaveLength(GARBAGE_ROWS);
    tally.add('alert', GARBAGE_ROWS);
  });
});
