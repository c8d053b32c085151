import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvRowReader, type PriceFileOptions, PriceFileParser } from './price-file.js';
import { PriceRowProblem } from './price-row.js';
import { type CsvLayout, FastCsvRowReader, plainDecimal } from './price-row-fast.js';

/** What a column of a test header holds, so that most generated rows are valid. */
type Kind = 'ts' | 'date' | 'time' | 'num' | 'sym' | 'other';

interface Layout {
  readonly header: string;
  readonly kinds: readonly Kind[];
  readonly options?: Partial<PriceFileOptions>;
}

const LAYOUTS: readonly Layout[] = [
  { header: 'timestamp,price', kinds: ['ts', 'num'] },
  { header: 'time,bid,ask,volume', kinds: ['ts', 'num', 'num', 'num'] },
  { header: 'Date,Time,Close', kinds: ['date', 'time', 'num'] },
  { header: 'date,time,price', kinds: ['date', 'time', 'num'] },
  { header: 'ts,symbol,bid,ask,note', kinds: ['ts', 'sym', 'num', 'num', 'other'] },
  { header: ' timestamp , Price ', kinds: ['ts', 'num'] },
  { header: 'when;mid', kinds: ['ts', 'num'], options: { delimiter: ';', columns: { timestamp: 'when' } } },
  { header: 'timestamp||price', kinds: ['ts', 'num'], options: { delimiter: '||' } },
  { header: 'timestamp,price', kinds: ['ts', 'num'], options: { timestampUnit: 's' } },
  { header: 'timestamp,price', kinds: ['ts', 'num'], options: { timestampUnit: 'ms' } },
  {
    header: '<DATE>\t<TIME>\t<BID>\t<ASK>\t<LAST>\t<VOLUME>\t<FLAGS>',
    kinds: ['date', 'time', 'num', 'num', 'num', 'num', 'num'],
  },
  {
    header: '<DATE>\t<TIME>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\t<VOL>\t<SPREAD>',
    kinds: ['date', 'time', 'num', 'num', 'num', 'num', 'num', 'num', 'num'],
  },
];

const two = (n: number) => String(n).padStart(2, '0');

const dateCell = fc
  .record({
    year: fc.integer({ min: 1960, max: 2100 }),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    sep: fc.constantFrom('-', '-', '.', '/'),
  })
  .map(({ year, month, day, sep }) => `${year}${sep}${two(month)}${sep}${two(day)}`);

const timeCell = fc
  .record({
    hour: fc.integer({ min: 0, max: 25 }),
    minute: fc.integer({ min: 0, max: 61 }),
    second: fc.option(fc.integer({ min: 0, max: 61 }), { nil: undefined }),
    fraction: fc.option(fc.stringMatching(/^\d{1,10}$/), { nil: undefined }),
  })
  .map(({ hour, minute, second, fraction }) => {
    let text = `${two(hour)}:${two(minute)}`;
    if (second !== undefined) text += `:${two(second)}${fraction !== undefined ? `.${fraction}` : ''}`;
    return text;
  });

const timestampCell = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        dateCell,
        fc.constantFrom('T', ' ', 't'),
        timeCell,
        fc.constantFrom('', 'Z', 'z', '+01:00', '-0530'),
      )
      .map((p) => p.join('')),
  },
  { weight: 1, arbitrary: dateCell },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 4_000_000_000 }).map(String) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000_000_000_000, max: 9_999_999_999_999 }).map(String) },
  { weight: 1, arbitrary: fc.double({ min: 1e9, max: 5e9, noNaN: true }).map((x) => x.toFixed(3)) },
  { weight: 1, arbitrary: fc.constantFrom('', 'abc', '-1704067200', '2024-01-01T10', '1e12', '2024-02-30') },
);

const numberCell = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(fc.double({ min: -5, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 12 }))
      .map(([x, d]) => x.toFixed(d)),
  },
  { weight: 2, arbitrary: fc.stringMatching(/^-?\d{0,18}(\.\d{0,18})?$/) },
  { weight: 2, arbitrary: fc.double().map(String) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '',
      '',
      '-0',
      '.5',
      '5.',
      '.',
      '-',
      '1e5',
      '0x10',
      'abc',
      'Infinity',
      'NaN',
      '1.2.3',
      '+1',
      '1_000',
      '١',
    ),
  },
);

const symbolCell = fc.constantFrom('EURUSD', 'eurusd', 'BTC-USD', '', 'x');

function cellOf(kind: Kind): fc.Arbitrary<string> {
  switch (kind) {
    case 'ts':
      return timestampCell;
    case 'date':
      return dateCell;
    case 'time':
      return fc.oneof({ weight: 4, arbitrary: timeCell }, { weight: 1, arbitrary: timestampCell });
    case 'num':
      return numberCell;
    case 'sym':
      return symbolCell;
    case 'other':
      return fc.string({ maxLength: 6 });
  }
}

/** A cell as it may be written: mostly plain, sometimes padded, quoted or with odd characters. */
function writtenCell(kind: Kind): fc.Arbitrary<string> {
  return fc.tuple(cellOf(kind), fc.integer({ min: 0, max: 59 })).map(([text, how]) => {
    switch (how) {
      case 0:
        return ` ${text}`;
      case 1:
        return `${text} `;
      case 2:
        return `\t${text}`;
      case 3:
        return `\u00a0${text}`;
      case 4:
        return `"${text}"`;
      case 5:
        return `"${text},1"`;
      case 6:
        return ` "${text}" `;
      case 7:
        return `${text}"`;
      default:
        return text;
    }
  });
}

/** A line of `layout`: its cells, sometimes broken (a cell more or less, CR, blank, a stray quote). */
function line(layout: Layout, delimiter: string): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.tuple(...layout.kinds.map(writtenCell)),
      fc.integer({ min: 0, max: 29 }),
      fc.string({ maxLength: 4 }),
    )
    .map(([cells, how, junk]) => {
      const text = cells.join(delimiter);
      switch (how) {
        case 0:
          return `${text}\r`;
        case 1:
          return cells.slice(1).join(delimiter);
        case 2:
          return `${text}${delimiter}${junk}`;
        case 3:
          return '';
        case 4:
          return ' \t ';
        case 5:
          return `${junk}${text}`;
        case 6:
          return `\ufeff${text}`;
        default:
          return text;
      }
    });
}

const file = fc.constantFrom(...LAYOUTS).chain((layout) => {
  const delimiter = layout.options?.delimiter ?? (layout.header.includes('\t') ? '\t' : ',');
  return fc.record({
    layout: fc.constant(layout),
    lines: fc.array(line(layout, delimiter), { minLength: 1, maxLength: 12 }),
  });
});

const base: PriceFileOptions = { symbol: 'EURUSD', source: 'replay:test.csv' };

/** Every line through a parser with the fast path, and through the general reader alone. */
function readBoth(layout: Layout, lines: readonly string[]) {
  const options = { ...base, ...layout.options };
  const parser = new PriceFileParser(options);
  expect(parser.line(layout.header)).toBeUndefined();
  const general = csvRowReader(layout.header, options, false);
  if (general instanceof PriceRowProblem) throw new Error(`test header rejected: ${general.what}`);
  const fast = lines.map((text) => parser.line(text));
  const slow = lines.map((text) => (text.trim() === '' ? undefined : general(text)));
  return { fast, slow };
}

describe('FastCsvRowReader', () => {
  it('gives the rows and problems of the general reader for any line (property)', () => {
    let rows = 0;
    fc.assert(
      fc.property(file, ({ layout, lines }) => {
        const { fast, slow } = readBoth(layout, lines);
        expect(fast).toStrictEqual(slow);
        // Same keys in the same order, so JSON and spreads of a row are the same too.
        expect(fast.map((r) => (r === undefined ? r : Object.keys(r)))).toEqual(
          slow.map((r) => (r === undefined ? r : Object.keys(r))),
        );
        rows += fast.filter((r) => r !== undefined && !(r instanceof PriceRowProblem)).length;
      }),
      { numRuns: 1500, seed: 14_2024 },
    );
    expect(rows).toBeGreaterThan(2500); // the property saw many valid rows, not only problems
  });

  it('carries MetaTrader quotes over empty cells exactly as the general reader does (property)', () => {
    const layout = LAYOUTS.find((l) => l.header.startsWith('<DATE>\t<TIME>\t<BID>')) as Layout;
    const quote = fc.oneof(
      fc.constant(''),
      fc.double({ min: 0.5, max: 2, noNaN: true }).map((x) => x.toFixed(5)),
    );
    const tickLine = fc
      .tuple(fc.integer({ min: 0, max: 86_399 }), quote, quote, fc.constantFrom('', 'x', ' 1'))
      .map(([sec, bid, ask, odd]) => {
        const time = `${two(Math.floor(sec / 3600))}:${two(Math.floor(sec / 60) % 60)}:${two(sec % 60)}.123`;
        return ['2024.01.02', time, bid, ask, '', '', `6${odd}`].join('\t');
      });
    fc.assert(
      fc.property(fc.array(tickLine, { maxLength: 30 }), (lines) => {
        const { fast, slow } = readBoth(layout, lines);
        expect(fast).toStrictEqual(slow);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('reads a plain row by position and declines an unusual one', () => {
    const layout: CsvLayout = {
      delimiter: ',',
      width: 2,
      names: ['timestamp', 'price'],
      tsIdx: 0,
      dateIdx: -1,
      splitTime: false,
      priceIdx: 1,
      bidIdx: -1,
      askIdx: -1,
      volIdx: -1,
      symIdx: -1,
      carryQuotes: false,
      unit: 'auto',
      symbol: 'EURUSD',
      source: 'test',
    };
    const reader = new FastCsvRowReader(layout, { bid: undefined, ask: undefined });
    expect(reader.read('2024-01-01T00:00:01.000Z,1.09979')).toStrictEqual({
      symbol: 'EURUSD',
      tsMs: Date.UTC(2024, 0, 1, 0, 0, 1),
      price: 1.09979,
      bid: undefined,
      ask: undefined,
      volume: undefined,
      source: 'test',
    });
    for (const unusual of [
      '"2024-01-01",1.1',
      '2024-01-01, 1.1',
      '2024-01-01,1.1\r',
      '2024-01-01,abc',
      '2024-01-01,1,2',
      'x,1.1',
    ]) {
      expect(reader.read(unusual)).toBeUndefined();
    }
  });
});

describe('plainDecimal', () => {
  it('is Number for a plain decimal of up to 15 digits and NaN for anything else (property)', () => {
    const text = fc.oneof(
      fc.stringMatching(/^-?\d{0,17}(\.\d{0,17})?$/),
      fc
        .tuple(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 0, max: 20 }))
        .map(([x, d]) => (Math.abs(x) < 1e21 ? x.toFixed(d) : String(x))),
      fc.string({ unit: fc.constantFrom('0', '1', '9', '.', '-', '+', 'e', ' '), maxLength: 8 }),
    );
    fc.assert(
      fc.property(text, (s) => {
        const value = plainDecimal(s, 0, s.length);
        const digits = s.replace(/[^0-9]/g, '').length;
        if (/^-?\d*\.?\d*$/.test(s) && digits >= 1 && digits <= 15) expect(value).toBe(Number(s));
        else expect(value).toBeNaN();
      }),
      { numRuns: 3000, seed: 99 },
    );
  });

  it('reads a cell in the middle of a line, with its sign', () => {
    expect([plainDecimal('a,-0.25,b', 2, 7), plainDecimal('-0', 0, 2), plainDecimal('007.50', 0, 6)]).toEqual(
      [-0.25, -0, 7.5],
    );
  });
});
