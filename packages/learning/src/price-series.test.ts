import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
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

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('reads zone-less date-times as UTC whatever TZ the process runs in', () => {
    const file = join(dir, 'local.csv');
    writeFileSync(file, 'timestamp,price\n2020-01-01 10:00,1.1\n2020-01-01T11:00,1.2\n');
    vi.stubEnv('TZ', 'America/New_York');
    // The old reader used Date.parse, which takes this text as New York time: 15:00 UTC.
    expect(Date.parse('2020-01-01 10:00')).toBe(Date.UTC(2020, 0, 1, 15));
    const inNewYork = [...readPriceCsv(file, 'EURUSD').tsMs];
    vi.stubEnv('TZ', 'UTC');
    const inUtc = [...readPriceCsv(file, 'EURUSD').tsMs];
    // 2020-01-01T10:00Z = 1 577 872 800 000 ms; 11:00Z one hour later
    expect([inNewYork, inUtc]).toEqual([
      [1_577_872_800_000, 1_577_876_400_000],
      [1_577_872_800_000, 1_577_876_400_000],
    ]);
  });

  it('reads the files the replay feed reads: time column, bid/ask mid, 10-digit epoch seconds', () => {
    const file = join(dir, 'quotes.csv');
    writeFileSync(file, 'time,bid,ask\n1704067200,1.1,1.3\n1704067260,1.2,1.4\n');
    const s = readPriceCsv(file, 'EURUSD');
    // 1704067200 s = 2024-01-01T00:00:00Z; mids (1.1 + 1.3) / 2 = 1.2 and (1.2 + 1.4) / 2 = 1.3
    expect([...s.tsMs]).toEqual([Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 1, 0, 1)]);
    expect([...s.prices].map((p) => p.toFixed(12))).toEqual(['1.200000000000', '1.300000000000']);
  });

  it('reads a gzip file as its plain text, as the replay feed does', () => {
    const file = join(dir, 'quotes.csv.gz');
    writeFileSync(file, gzipSync('time,bid,ask\n1704067200,1.1,1.3\n1704067260,1.2,1.4\n'));
    const s = readPriceCsv(file, 'EURUSD');
    expect([...s.tsMs]).toEqual([Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 1, 0, 1)]);
    expect([...s.prices].map((p) => p.toFixed(12))).toEqual(['1.200000000000', '1.300000000000']);
  });

  it('reads a MetaTrader bar export (tab-separated, dotted dates) at its close', () => {
    const file = join(dir, 'EURUSD_H1.csv');
    writeFileSync(
      file,
      '<DATE>\t<TIME>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\t<VOL>\t<SPREAD>\n' +
        '2024.01.02\t00:00:00\t1.10400\t1.10500\t1.10300\t1.10450\t1523\t0\t8\n' +
        '2024.01.02\t01:00:00\t1.10450\t1.10600\t1.10420\t1.10580\t1377\t0\t7\n',
    );
    const s = readPriceCsv(file, 'EURUSD');
    expect([[...s.tsMs], [...s.prices]]).toEqual([
      [Date.UTC(2024, 0, 2, 0), Date.UTC(2024, 0, 2, 1)],
      [1.1045, 1.1058],
    ]);
  });

  it('names the header of a file without a timestamp column', () => {
    const file = join(dir, 'nots.csv');
    writeFileSync(file, 'when,price\n2024-01-02,1.1\n');
    expect(() => readPriceCsv(file, 'X')).toThrow(
      expect.objectContaining({
        code: 'DATA_SOURCE_INVALID',
        context: { file, line: 1, header: 'when,price' },
      }),
    );
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
