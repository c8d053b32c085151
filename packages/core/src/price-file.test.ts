import { describe, expect, it } from 'vitest';
import {
  type PriceFileOptions,
  PriceFileParser,
  type PriceRow,
  PriceRowProblem,
  priceFileFormat,
  splitDelimited,
} from './price-file.js';

const base: PriceFileOptions = { symbol: 'EURUSD', source: 'test' };

/** Every line through one parser: rows, problems (as `what`) and header/blank lines (undefined). */
function read(text: string, options: Partial<PriceFileOptions> = {}): (PriceRow | string | undefined)[] {
  const parser = new PriceFileParser({ ...base, ...options });
  return text.split('\n').map((line) => {
    const r = parser.line(line);
    return r instanceof PriceRowProblem ? r.what : r;
  });
}

function rows(text: string, options: Partial<PriceFileOptions> = {}): PriceRow[] {
  return read(text, options).filter((r): r is PriceRow => typeof r === 'object');
}

describe('splitDelimited', () => {
  it('keeps delimiters and doubled quotes inside quoted cells', () => {
    expect(splitDelimited('"2024-01-02 10:00:00","1.1", "a, b" ,"say ""hi""",x', ',')).toEqual([
      '2024-01-02 10:00:00',
      '1.1',
      'a, b',
      'say "hi"',
      'x',
    ]);
  });

  it('reports an unclosed quote', () => {
    expect(splitDelimited('"2024-01-02,1.1', ',')).toBeUndefined();
  });
});

describe('PriceFileParser (CSV)', () => {
  it('reads quoted cells with commas inside quotes', () => {
    const text = 'timestamp,price,note\n"2024-01-02 10:00:00","1.1","spread, wide"\n';
    expect(rows(text)).toEqual([
      {
        symbol: 'EURUSD',
        tsMs: Date.UTC(2024, 0, 2, 10),
        price: 1.1,
        bid: undefined,
        ask: undefined,
        volume: undefined,
        source: 'test',
      },
    ]);
  });

  it('reads a MetaTrader 5 tick export, carrying the last bid or ask over empty cells', () => {
    const text = [
      '<DATE>\t<TIME>\t<BID>\t<ASK>\t<LAST>\t<VOLUME>\t<FLAGS>',
      '2024.01.02\t10:00:00.123\t1.10450\t1.10460\t\t\t6',
      '2024.01.02\t10:00:00.456\t1.10452\t\t\t\t2',
      '2024.01.02\t10:00:01.001\t\t1.10458\t\t\t4',
    ].join('\n');
    expect(rows(text).map((r) => [r.tsMs, r.bid, r.ask, r.price])).toEqual([
      [Date.UTC(2024, 0, 2, 10, 0, 0, 123), 1.1045, 1.1046, undefined],
      [Date.UTC(2024, 0, 2, 10, 0, 0, 456), 1.10452, 1.1046, undefined],
      [Date.UTC(2024, 0, 2, 10, 0, 1, 1), 1.10452, 1.10458, undefined],
    ]);
  });

  it('reads a MetaTrader 5 bar export: the price is CLOSE, the volume VOL', () => {
    const text = [
      '<DATE>\t<TIME>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\t<VOL>\t<SPREAD>',
      '2024.01.02\t00:00:00\t1.10400\t1.10500\t1.10300\t1.10450\t1523\t0\t8',
      '2024.01.02\t01:00:00\t1.10450\t1.10600\t1.10420\t1.10580\t1377\t12\t7',
    ].join('\n');
    expect(rows(text).map((r) => [r.tsMs, r.price, r.volume, r.bid])).toEqual([
      [Date.UTC(2024, 0, 2, 0), 1.1045, 0, undefined],
      [Date.UTC(2024, 0, 2, 1), 1.1058, 12, undefined],
    ]);
  });

  it('does not carry an empty bid over in a plain CSV: the row needs its price', () => {
    const text = 'timestamp,bid,ask\n2024-01-02,1.1,1.2\n2024-01-03,,1.3\n';
    expect(read(text)[2]).toBe('row has neither a price nor both bid and ask');
  });

  it('joins date and time columns in any export, and keeps a full timestamp in the time column', () => {
    const joined = rows('Date,Time,Close\n2024-01-02,10:30,1.1\n');
    const whole = rows('date,time,price\n2024-01-02,2024-01-02T10:30:00Z,1.1\n');
    expect([joined[0]?.tsMs, whole[0]?.tsMs]).toEqual([
      Date.UTC(2024, 0, 2, 10, 30),
      Date.UTC(2024, 0, 2, 10, 30),
    ]);
  });

  it('names the column, its number and the text of a bad cell', () => {
    const parser = new PriceFileParser(base);
    parser.line('timestamp,price');
    expect(parser.line('2024-01-02,abc')).toEqual(
      new PriceRowProblem('price "abc" is not a finite number', 'abc', 'price', 2),
    );
  });

  it('reports a header without a timestamp column as a header problem on every line', () => {
    const parser = new PriceFileParser(base);
    const first = parser.line('when,price');
    expect(first).toEqual(
      new PriceRowProblem(
        'the header has no timestamp column (tried timestamp, time, ts, tsms, date)',
        'when,price',
        undefined,
        undefined,
        {},
        true,
      ),
    );
    expect(parser.line('2024-01-02,1.1')).toBe(first);
  });
});

describe('PriceFileParser (JSONL)', () => {
  it('reads numbers or numeric strings, a symbol key, and names the key of a bad field', () => {
    const text =
      '{"ts":1704067200,"price":"1.5","symbol":"ETHUSDT"}\n{"ts":"2024-01-01 00:00:01","bid":1.6,"ask":1.7}\n{"ts":1704067202,"price":true}';
    const out = read(text, { format: 'jsonl' });
    expect(out).toEqual([
      {
        symbol: 'ETHUSDT',
        tsMs: 1_704_067_200_000,
        price: 1.5,
        bid: undefined,
        ask: undefined,
        volume: undefined,
        source: 'test',
      },
      {
        symbol: 'EURUSD',
        tsMs: 1_704_067_201_000,
        price: undefined,
        bid: 1.6,
        ask: 1.7,
        volume: undefined,
        source: 'test',
      },
      'price is not a number',
    ]);
  });
});

describe('priceFileFormat', () => {
  it('takes JSONL from .jsonl and .ndjson, CSV from anything else', () => {
    expect(['a.jsonl', 'B.NDJSON', 'c.csv', 'd.txt'].map(priceFileFormat)).toEqual([
      'jsonl',
      'jsonl',
      'csv',
      'csv',
    ]);
  });
});
