import { describe, expect, it } from 'vitest';
import {
  extractFxPairs,
  type FxSourceRow,
  formatFxCsv,
  parseIsoDate,
  roundSignificant,
} from './fx-extract.js';

const header = ['DATE', 'AUD', 'CAD', 'CHF', 'EUR', 'GBP', 'JPY'];
const row = (line: number, ...cells: string[]): FxSourceRow => ({ line, cells });

describe('extractFxPairs', () => {
  it('inverts XXX-per-USD rates for EURUSD/GBPUSD/AUDUSD and keeps them for USDJPY/USDCHF/USDCAD', () => {
    const out = extractFxPairs(header, [row(2, '2024-01-02', '1.25', '1.33', '0.85', '0.8', '0.5', '141.5')]);
    expect(out.series.get('EURUSD')).toEqual([{ date: '2024-01-02', price: 1.25 }]);
    expect(out.series.get('GBPUSD')).toEqual([{ date: '2024-01-02', price: 2 }]);
    expect(out.series.get('AUDUSD')).toEqual([{ date: '2024-01-02', price: 0.8 }]);
    expect(out.series.get('USDJPY')).toEqual([{ date: '2024-01-02', price: 141.5 }]);
    expect(out.series.get('USDCHF')).toEqual([{ date: '2024-01-02', price: 0.85 }]);
    expect(out.series.get('USDCAD')).toEqual([{ date: '2024-01-02', price: 1.33 }]);
  });

  it('rounds prices to 6 significant digits', () => {
    // 1 / 0.9709744245327336 = 1.029890... ; USDJPY 157.850339718716 -> 157.850
    const out = extractFxPairs(header, [
      row(2, '2025-01-03', '', '', '', '0.9709744245327336', '', '157.850339718716'),
    ]);
    expect(out.series.get('EURUSD')?.[0]?.price).toBe(1.02989);
    expect(out.series.get('USDJPY')?.[0]?.price).toBe(157.85);
  });

  it('rejects the row dated `undefined` with a message naming its line and never carries it over', () => {
    const out = extractFxPairs(header, [
      row(2, '2024-12-23', '', '', '', '0.9621893522884989', '', ''),
      row(3, 'undefined', '', '', '', '0.9594166746618056', '', '157.73'),
    ]);
    expect(out.rejected).toEqual([
      {
        line: 3,
        reason: 'bad-date',
        message: 'line 3: date "undefined" is not a valid YYYY-MM-DD date; whole row dropped',
      },
    ]);
    expect(out.series.get('EURUSD')).toEqual([{ date: '2024-12-23', price: 1.0393 }]);
    expect(out.series.get('USDJPY')).toEqual([]);
  });

  it('rejects impossible calendar dates such as 2023-02-30', () => {
    const out = extractFxPairs(header, [row(5, '2023-02-30', '', '', '', '0.9', '', '')]);
    expect(out.rejected[0]?.reason).toBe('bad-date');
    expect(out.series.get('EURUSD')).toEqual([]);
  });

  it('rejects non-positive and non-finite rates per cell, keeping the other pairs of that day', () => {
    const out = extractFxPairs(header, [row(7, '2024-01-03', '0', '-1.3', 'Infinity', 'NaN', 'abc', '140')]);
    expect(out.rejected.map((r) => [r.line, r.pair, r.reason])).toEqual([
      [7, 'EURUSD', 'bad-rate'],
      [7, 'GBPUSD', 'bad-rate'],
      [7, 'AUDUSD', 'bad-rate'],
      [7, 'USDCHF', 'bad-rate'],
      [7, 'USDCAD', 'bad-rate'],
    ]);
    expect(out.rejected[0]?.message).toBe(
      'line 7: 2024-01-03 column EUR rate "NaN" is not a positive finite number; EURUSD skips this day',
    );
    expect(out.series.get('USDJPY')).toEqual([{ date: '2024-01-03', price: 140 }]);
  });

  it('treats an empty cell as no quote, not as a rejection', () => {
    const out = extractFxPairs(header, [row(2, '2024-01-02', '', '', '', '', '', '141')]);
    expect(out.rejected).toEqual([]);
    expect(out.series.get('EURUSD')).toEqual([]);
  });

  it('sorts by date and keeps only the first row of a repeated date', () => {
    const out = extractFxPairs(header, [
      row(2, '2024-01-04', '', '', '', '', '', '143'),
      row(3, '2024-01-02', '', '', '', '', '', '141'),
      row(4, '2024-01-04', '', '', '', '', '', '999'),
    ]);
    expect(out.series.get('USDJPY')).toEqual([
      { date: '2024-01-02', price: 141 },
      { date: '2024-01-04', price: 143 },
    ]);
    expect(out.rejected).toEqual([
      {
        line: 4,
        reason: 'duplicate-date',
        message: 'line 4: date 2024-01-04 already seen at line 2; later row dropped',
      },
    ]);
  });

  it('drops weekend rows and rows before fromDate, counting them', () => {
    const out = extractFxPairs(
      header,
      [
        row(2, '1971-06-30', '', '', '', '', '', '360'),
        row(3, '2024-03-29', '', '', '', '', '', '151.25'),
        row(4, '2024-03-31', '', '', '', '', '', '151.3'),
      ],
      { fromDate: '1972-01-01' },
    );
    expect(out.earlyRowsDropped).toBe(1);
    expect(out.weekendRowsDropped).toBe(1);
    expect(out.series.get('USDJPY')).toEqual([{ date: '2024-03-29', price: 151.25 }]);
  });
});

describe('formatFxCsv', () => {
  it('writes the `timestamp,price` header and one ISO-dated row per point', () => {
    expect(formatFxCsv([{ date: '2024-01-02', price: 1.0945 }])).toBe('timestamp,price\n2024-01-02,1.0945\n');
  });
});

describe('helpers', () => {
  it('parses an ISO date to UTC midnight', () => {
    expect(parseIsoDate('2024-02-29')).toBe(1_709_164_800_000);
    expect(parseIsoDate('undefined')).toBeUndefined();
  });

  it('rounds to significant digits', () => {
    expect(roundSignificant(1 / 3, 6)).toBe(0.333333);
    expect(roundSignificant(151.2345678, 6)).toBe(151.235);
  });
});
