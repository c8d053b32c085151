/**
 * Fuzz of the price-file boundary: rows of CSV (plain, quoted, MetaTrader) and JSONL read by the
 * PriceFileParser of @omni/core and cleaned by the MarketNormalizer, and whole files (plain, gzip,
 * truncated or bit-flipped gzip) replayed by ReplayFeed under both bad-input policies. Property: a
 * row is a skipped row with its problem, a typed error or a tick whose numbers are finite.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type Alert, PriceFileParser, PriceRowProblem, type Tick } from '@omni/core';
import { MarketNormalizer, ReplayFeed } from '@omni/feeds';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { csvRowReader } from '../packages/core/src/price-file.js';
import {
  BoundaryTally,
  damagedBytes,
  FUZZ_SEED,
  jsonFrames,
  nonFiniteTickField,
  prototypeLeaks,
  seededSample,
  typedOrAsync,
} from './fuzz-support.js';

const ROW_RUNS = 3_000;
const FILE_RUNS = 150;

const csvTally = new BoundaryTally('price-rows-csv');
const jsonlTally = new BoundaryTally('price-rows-jsonl');
const replayTally = new BoundaryTally('replay-files');
const dir = mkdtempSync(join(tmpdir(), 'omni-fuzz-prices-'));

afterAll(() => {
  expect(prototypeLeaks()).toEqual([]);
  rmSync(dir, { recursive: true, force: true });
  for (const t of [csvTally, jsonlTally, replayTally]) console.log(t.line());
});

/** Headers the parser knows, each with a valid row to mutate. */
const CSV_LAYOUTS: readonly { header: string; row: string[]; delimiter: string }[] = [
  { header: 'timestamp,price,volume', row: ['1700000000000', '1.0850', '3'], delimiter: ',' },
  { header: 'time,bid,ask', row: ['2023-11-14T22:13:20Z', '1.0849', '1.0851'], delimiter: ',' },
  { header: 'ts,symbol,price', row: ['1700000000', 'EURUSD', '"1.0850"'], delimiter: ',' },
  {
    header: '<DATE>\t<TIME>\t<BID>\t<ASK>\t<LAST>\t<VOLUME>',
    row: ['2023.11.14', '22:13:20.123', '1.0849', '1.0851', '', ''],
    delimiter: '\t',
  },
  { header: 'date,close', row: ['2023-11-14', '1.0850'], delimiter: ',' },
];

const CELL_GARBAGE = [
  'NaN',
  'Infinity',
  '-Infinity',
  '1e999',
  '-1.0850',
  '0',
  '1e308',
  '0x10',
  '"1,5"',
  '"unclosed',
  '""',
  ' ',
  '\u0000',
  '\ufeff1.0',
  '9999999999999999999999',
  '2023-02-30',
  '1969-12-31',
  '99999999999',
  '1700000000000.5',
];

/** A CSV line: a valid row, mutated cell by cell (garbage, dropped, added, arbitrary text). */
const csvCase = fc
  .record({
    layout: fc.constantFrom(...CSV_LAYOUTS),
    edits: fc.array(
      fc.record({
        op: fc.constantFrom('garbage', 'garbage', 'text', 'drop', 'add'),
        at: fc.nat(),
        garbage: fc.constantFrom(...CELL_GARBAGE),
        text: fc.string({ maxLength: 16 }),
      }),
      { maxLength: 3 },
    ),
    raw: fc.option(fc.string({ maxLength: 120 }), { freq: 8, nil: undefined }),
  })
  .map(({ layout, edits, raw }) => {
    if (raw !== undefined) return { layout, line: raw };
    const cells = [...layout.row];
    for (const e of edits) {
      const at = e.at % Math.max(1, cells.length);
      if (e.op === 'garbage') cells[at] = e.garbage;
      else if (e.op === 'text') cells[at] = e.text;
      else if (e.op === 'drop') cells.splice(at, 1);
      else cells.splice(at, 0, e.garbage);
    }
    return { layout, line: cells.join(layout.delimiter) };
  });

const VALID_JSONL = [
  { ts: 1_700_000_000_000, price: 1.085, volume: 2 },
  { timestamp: '2023-11-14T22:13:20Z', bid: '1.0849', ask: '1.0851', symbol: 'EURUSD' },
  { time: 1_700_000_000, mid: 1.085 },
];

/** Reads one row and cleans it; the outcome, with the tick when accepted. */
function readRow(
  parser: PriceFileParser,
  normalizer: MarketNormalizer,
  line: string,
): { outcome: 'alert' | 'accepted'; tick?: Tick } {
  const row = parser.line(line);
  if (row === undefined || row instanceof PriceRowProblem) return { outcome: 'alert' };
  const tick = normalizer.normalize(row as never);
  return tick === undefined ? { outcome: 'alert' } : { outcome: 'accepted', tick };
}

describe('fuzz: price rows', () => {
  it(`reads ${ROW_RUNS} fuzzed CSV rows as a skipped row or a finite tick`, () => {
    fc.assert(
      fc.property(csvCase, ({ layout, line }) => {
        const parser = new PriceFileParser({ symbol: 'EURUSD', source: 'fuzz.csv' });
        parser.line(layout.header);
        const normalizer = new MarketNormalizer({
          policy: 'skip-and-alert',
          onAlert: () => {},
          name: 'fuzz',
        });
        const { outcome, tick } = readRow(parser, normalizer, line);
        csvTally.record(outcome);
        if (tick !== undefined) expect(nonFiniteTickField(tick)).toBeUndefined();
      }),
      { seed: FUZZ_SEED, numRuns: ROW_RUNS },
    );
  });

  it(`reads ${ROW_RUNS} fuzzed CSV rows the same through the fast path and the general reader`, () => {
    fc.assert(
      fc.property(fc.array(csvCase, { minLength: 1, maxLength: 4 }), (cases) => {
        const { layout } = cases[0] as (typeof cases)[number];
        const options = { symbol: 'EURUSD', source: 'fuzz.csv' };
        const fast = csvRowReader(layout.header, options, true);
        const general = csvRowReader(layout.header, options, false);
        if (fast instanceof PriceRowProblem || general instanceof PriceRowProblem)
          throw new Error('valid header refused');
        for (const { line } of cases) {
          const a = fast(line);
          const b = general(line);
          if (a instanceof PriceRowProblem) expect(b).toBeInstanceOf(PriceRowProblem);
          else expect(a).toEqual(b);
          csvTally.record(a instanceof PriceRowProblem ? 'alert' : 'accepted');
        }
      }),
      { seed: FUZZ_SEED + 4, numRuns: ROW_RUNS / 2 },
    );
  });

  it(`reads ${ROW_RUNS} fuzzed CSV headers as a header problem, never a throw`, () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.string({ maxLength: 80 }), (header, line) => {
        const parser = new PriceFileParser({ symbol: 'EURUSD', source: 'fuzz.csv' });
        const first = parser.line(header);
        const second = parser.line(line);
        if (second !== undefined && !(second instanceof PriceRowProblem)) {
          expect(Number.isSafeInteger(second.tsMs)).toBe(true);
          for (const v of [second.price, second.bid, second.ask, second.volume])
            if (v !== undefined) expect(Number.isFinite(v)).toBe(true);
        }
        csvTally.record(
          first instanceof PriceRowProblem || second instanceof PriceRowProblem ? 'alert' : 'accepted',
        );
      }),
      { seed: FUZZ_SEED + 1, numRuns: ROW_RUNS },
    );
  });

  it(`reads ${ROW_RUNS} fuzzed JSONL rows as a skipped row or a finite tick`, () => {
    fc.assert(
      fc.property(jsonFrames(VALID_JSONL), (line) => {
        const parser = new PriceFileParser({ symbol: 'EURUSD', source: 'fuzz.jsonl', format: 'jsonl' });
        const normalizer = new MarketNormalizer({
          policy: 'skip-and-alert',
          onAlert: () => {},
          name: 'fuzz',
        });
        const { outcome, tick } = readRow(parser, normalizer, line);
        jsonlTally.record(outcome);
        if (tick !== undefined) expect(nonFiniteTickField(tick)).toBeUndefined();
      }),
      { seed: FUZZ_SEED + 2, numRuns: ROW_RUNS },
    );
  });
});

/** A file's text: the header and a few fuzzed rows around valid ones. */
const fileText = fc
  .tuple(fc.constantFrom(...CSV_LAYOUTS), fc.array(csvCase, { minLength: 1, maxLength: 6 }))
  .map(([layout, rows]) => {
    const lines = [layout.header, layout.row.join(layout.delimiter)];
    for (const r of rows) lines.push(r.layout === layout ? r.line : r.line.replaceAll(',', layout.delimiter));
    return lines.join('\n');
  });

/** Replays one file; the outcome, the ticks and the alerts. */
async function replay(
  path: string,
  policy: 'reject' | 'skip-and-alert',
): Promise<{ outcome: 'typed-error' | 'alert' | 'accepted'; ticks: Tick[] }> {
  const alerts: Alert[] = [];
  const ticks: Tick[] = [];
  const feed = new ReplayFeed({ path, policy, onAlert: (a) => alerts.push(a) });
  const result = await typedOrAsync(async () => {
    for await (const batch of feed.batches()) ticks.push(...batch);
  });
  if (!result.ok) return { outcome: 'typed-error', ticks };
  return { outcome: alerts.length > 0 ? 'alert' : 'accepted', ticks };
}

describe('fuzz: replay files', () => {
  it(`replays ${FILE_RUNS} fuzzed CSV files, plain and gzip, under both policies`, async () => {
    const texts = seededSample(fileText, FILE_RUNS);
    for (let i = 0; i < texts.length; i++) {
      const text = texts[i] as string;
      const plain = join(dir, `F${i}.csv`);
      const gz = join(dir, `G${i}.csv.gz`);
      writeFileSync(plain, text);
      writeFileSync(gz, gzipSync(text));
      for (const [path, policy] of [
        [plain, 'reject'],
        [gz, 'skip-and-alert'],
      ] as const) {
        const { outcome, ticks } = await replay(path, policy);
        replayTally.record(outcome);
        for (const t of ticks) expect(nonFiniteTickField(t)).toBeUndefined();
      }
    }
  });

  it(`replays ${FILE_RUNS} truncated or bit-flipped gzip files as a typed error or finite ticks`, async () => {
    const valid = gzipSync(
      [
        'timestamp,price',
        ...Array.from({ length: 40 }, (_, i) => `${1_700_000_000_000 + i * 1000},1.08${i}`),
      ].join('\n'),
    );
    const files = seededSample(damagedBytes(valid), FILE_RUNS);
    for (let i = 0; i < files.length; i++) {
      const path = join(dir, `D${i}.csv.gz`);
      writeFileSync(path, files[i] as Uint8Array);
      const { outcome, ticks } = await replay(path, i % 2 === 0 ? 'reject' : 'skip-and-alert');
      replayTally.record(outcome);
      for (const t of ticks) expect(nonFiniteTickField(t)).toBeUndefined();
    }
  });
});
