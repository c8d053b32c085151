import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPriceCsv, readTicksJsonl } from './price-series.js';

const dir = mkdtempSync(join(tmpdir(), 'omni-series-'));

describe('readPriceCsv', () => {
  it('reads ISO dates as UTC midnight', () => {
    const file = join(dir, 'ok.csv');
    writeFileSync(file, 'timestamp,price\n2024-01-02,1.1\n2024-01-03,1.2\n');
    const s = readPriceCsv(file, 'EURUSD');
    expect([...s.tsMs]).toEqual([Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3)]);
    expect([...s.prices]).toEqual([1.1, 1.2]);
  });

  it('names file and line of a bad price', () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, 'timestamp,price\n2024-01-02,1.1\n2024-01-03,abc\n');
    expect(() => readPriceCsv(file, 'X')).toThrow(
      expect.objectContaining({ code: 'DATA_ROW_INVALID', context: expect.objectContaining({ line: 3 }) }),
    );
  });
});

describe('readTicksJsonl', () => {
  it('splits ticks by symbol and skips a torn last line', () => {
    const file = join(dir, 'ticks.jsonl');
    writeFileSync(
      file,
      '{"symbol":"A","tsMs":1,"price":2,"source":"s"}\n{"symbol":"B","tsMs":1,"price":3,"source":"s"}\n{"symbol":"A","tsMs":2,"price":2.5,"source":"s"}\n{"symbol":"A","ts',
    );
    const series = readTicksJsonl(file);
    expect(series.map((s) => [s.symbol, [...s.prices]])).toEqual([
      ['A', [2, 2.5]],
      ['B', [3]],
    ]);
  });
});
