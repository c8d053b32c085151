import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Tick } from '@omni/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DataSelection, parseTimeBound, peekSeries, selectData, sketchTicks } from './data-source.js';

describe('parseTimeBound', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('reads a zone-less --from as UTC even when the process runs in New York time', () => {
    vi.stubEnv('TZ', 'America/New_York');
    // 2020-01-01T10:00Z = 1 577 872 800 000 ms (Date.parse would have read 10:00 New York = 15:00Z)
    expect([parseTimeBound('2020-01-01T10:00', '--from'), parseTimeBound('2020-01-01', '--from')]).toEqual([
      1_577_872_800_000, 1_577_836_800_000,
    ]);
  });

  it('reads digits as epoch milliseconds and names the flag of bad text', () => {
    expect(parseTimeBound('1577872800000', '--to')).toBe(1_577_872_800_000);
    expect(() => parseTimeBound('last tuesday', '--to')).toThrow(
      expect.objectContaining({ code: 'RUNTIME_BAD_INPUT', context: { '--to': 'last tuesday' } }),
    );
  });
});

describe('peekSeries', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'omni-peek-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function csv(name: string, text: string): DataSelection {
    const path = join(dir, name);
    writeFileSync(path, text);
    return { path, symbol: 'TEST', bundled: false };
  }

  it('reads the first tick and the time of the last row without reading the rows between', async () => {
    // Row 3 is malformed: the peek does not read it (the run does, and stops there).
    const selection = csv(
      'a.csv',
      'timestamp,price\r\n2024-01-02T00:00:00Z,1.1\r\n2024-01-02T00:00:01Z,oops\r\n2024-01-02T00:00:09Z,1.3\r\n\r\n',
    );
    expect(await peekSeries(selection)).toEqual({
      firstTsMs: 1_704_153_600_000,
      lastTsMs: 1_704_153_609_000,
    });
  });

  it('finds the last row of a file longer than the 64 KiB it reads from the end, and of JSONL', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `${1_704_153_600 + i},${1 + i / 1e5}`);
    expect(await peekSeries(csv('long.csv', `ts,price\n${rows.join('\n')}\n`))).toEqual({
      firstTsMs: 1_704_153_600_000,
      lastTsMs: (1_704_153_600 + 4999) * 1000,
    });
    const jsonl = csv('b.jsonl', '{"tsMs":1000000000000,"price":2}\n{"tsMs":1000000005000,"price":3}\n');
    expect(await peekSeries(jsonl)).toEqual({ firstTsMs: 1_000_000_000_000, lastTsMs: 1_000_000_005_000 });
  });

  it('peeks a gzip file: the first tick through gunzip, the last time left to the run', async () => {
    const path = join(dir, 'EURUSD.csv.gz');
    writeFileSync(path, gzipSync('timestamp,price\n2024-01-02,1.1\n2024-01-03,1.2\n'));
    expect(selectData({ data: path }).symbol).toBe('EURUSD');
    expect(await peekSeries({ path, symbol: 'EURUSD', bundled: false })).toEqual({
      firstTsMs: 1_704_153_600_000,
      lastTsMs: undefined,
    });
  });

  it('leaves the last time unknown when the last row cannot be read on its own', async () => {
    const selection = csv('c.csv', 'timestamp,price\n2024-01-02,1.1\n2024-01-03,1.x\n');
    expect(await peekSeries(selection)).toEqual({ firstTsMs: 1_704_153_600_000, lastTsMs: undefined });
  });

  it('fails on a bad header or first row, naming the line, and on a file without ticks', async () => {
    await expect(peekSeries(csv('d.csv', 'when,price\n2024-01-02,1.1\n'))).rejects.toMatchObject({
      code: 'FEED_MALFORMED_ROW',
      context: { line: 1 },
    });
    await expect(peekSeries(csv('e.csv', 'timestamp,price\n2024-01-02,abc\n'))).rejects.toMatchObject({
      code: 'FEED_MALFORMED_ROW',
      context: { line: 2, column: 'price' },
    });
    const empty = csv('f.csv', 'timestamp,price\n');
    await expect(peekSeries(empty)).rejects.toMatchObject({
      code: 'RUNTIME_BAD_INPUT',
      context: { file: empty.path },
    });
    await expect(peekSeries(csv('g.csv', ''))).rejects.toThrow(/no ticks in the data/);
  });
});

describe('sketchTicks', () => {
  it('keeps the ticks within the bounds in a bounded sketch', async () => {
    async function* ticks(): AsyncGenerator<Tick> {
      for (let i = 0; i < 10_000; i++) {
        yield { symbol: 'T', tsMs: i * 1000, price: 1 + (i % 7), source: 'test' };
      }
    }
    const sketch = await sketchTicks(ticks(), { fromMs: 2000, toMs: 9_001_000 });
    expect([sketch.count, sketch.firstTsMs, sketch.lastTsMs]).toEqual([9000, 2000, 9_001_000]);
    expect(sketch.points().length).toBeLessThanOrEqual(sketch.maxPoints);
  });
});
