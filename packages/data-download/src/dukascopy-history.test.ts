import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@omni/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataDownloadError } from './data-download-error.js';
import { type DownloadHistoryOptions, downloadHistory } from './download-history.js';
import { FAKE_MULTIPLIER, FakeDukascopyServer, fakeCandles, fakeTicks } from './fake-dukascopy.fixture.js';
import { parseTimeframe } from './timeframe.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TUESDAY = Date.UTC(2024, 0, 2);
const server = new FakeDukascopyServer();
let baseUrl = '';

beforeAll(async () => {
  baseUrl = await server.start();
});
afterAll(() => server.stop());

function options(timeframe: string, fromMs: number, toMs: number): DownloadHistoryOptions {
  return {
    source: 'dukascopy',
    symbols: ['EURUSD'],
    timeframe: parseTimeframe(timeframe),
    fromMs,
    toMs,
    outDir: mkdtempSync(join(tmpdir(), 'omni-duka-')),
    baseUrl,
    clock: new ManualClock(Date.UTC(2030, 0, 1)),
    sleep: async () => undefined,
  };
}

/** A price in units as the decoder writes it (5 decimals, shortest text). */
const price = (units: number) => String(Number((units * FAKE_MULTIPLIER).toFixed(5)));

describe('dukascopy download through dukascopy-node', () => {
  it('writes the ticks of each hour as timestamp,bid,ask,volume (volume: bid plus ask, millions)', async () => {
    const opts = options('tick', TUESDAY + 10 * HOUR, TUESDAY + 13 * HOUR);
    server.requests.length = 0;
    const result = await downloadHistory(opts);
    let expected = 'timestamp,bid,ask,volume\n';
    for (let h = 10; h < 13; h++) {
      for (const t of fakeTicks(TUESDAY + h * HOUR)) {
        const volume = (t.bidVolume + t.askVolume) / 1e6;
        expected += `${new Date(t.tsMs).toISOString()},${price(t.bidUnits)},${price(t.askUnits)},${volume}\n`;
      }
    }
    expect(readFileSync(join(opts.outDir, 'EURUSD.csv'), 'utf8')).toBe(expected);
    expect(expected.split('\n')[1]).toBe('2024-01-02T10:00:01.250Z,1.10036,1.10038,2.25');
    expect(result.rows).toBe(9);
    expect(server.requests).toEqual([
      '/v1/ticks/EUR-USD/2024/1/2/10',
      '/v1/ticks/EUR-USD/2024/1/2/11',
      '/v1/ticks/EUR-USD/2024/1/2/12',
    ]);
  });

  it('writes one-minute bid candles, one chunk per UTC day, leaving out the flat candles of gaps', async () => {
    const opts = options('1min', TUESDAY, TUESDAY + 2 * DAY);
    const result = await downloadHistory(opts);
    let expected = 'timestamp,open,high,low,close,volume\n';
    for (const c of fakeCandles(TUESDAY, TUESDAY + 2 * DAY, 60_000)) {
      expected += `${new Date(c.tsMs).toISOString()},${price(c.openUnits)},${price(c.highUnits)},${price(c.lowUnits)},${price(c.closeUnits)},${c.volume}\n`;
    }
    expect(readFileSync(join(opts.outDir, 'EURUSD.csv'), 'utf8')).toBe(expected);
    expect(result.rows).toBe(2 * 1440 - 2 * 144); // every tenth minute is a gap
    expect(result.chunks).toEqual({ total: 2, downloaded: 2, skipped: 0 });
  });

  it('aggregates five-minute candles from the minute file: open of the first, extremes, close of the last, summed volume', async () => {
    const opts = options('5min', TUESDAY + 10 * HOUR, TUESDAY + 10 * HOUR + 10 * 60_000);
    await downloadHistory(opts);
    const lines = readFileSync(join(opts.outDir, 'EURUSD.csv'), 'utf8').trimEnd().split('\n');
    // minute index i = t / 60 000; 10:00 on 2024-01-02 is i = 28,404,600: opens 110,000 + i % 30 = 110,000…,
    // the fifth minute of the second bar (i % 10 = 9) is a gap
    const bars = [0, 5].map((m) =>
      fakeCandles(TUESDAY + 10 * HOUR + m * 60_000, TUESDAY + 10 * HOUR + (m + 5) * 60_000, 60_000),
    );
    expect(bars.map((b) => b.length)).toEqual([5, 4]);
    expect(lines.slice(1)).toEqual(
      bars.map((b, k) => {
        const first = b[0]!;
        const last = b[b.length - 1]!;
        const high = Math.max(...b.map((c) => c.highUnits));
        const low = Math.min(...b.map((c) => c.lowUnits));
        const volume = b.reduce((v, c) => v + c.volume, 0);
        return `${new Date(TUESDAY + 10 * HOUR + k * 300_000).toISOString()},${price(first.openUnits)},${price(high)},${price(low)},${price(last.closeUnits)},${volume}`;
      }),
    );
    expect(lines[1]).toBe('2024-01-02T10:00:00.000Z,1.1,1.10007,1.09998,1.10005,6.5');
  });

  it('says so when the range holds no data (a Saturday: every hourly file is missing)', async () => {
    const saturday = Date.UTC(2024, 0, 6);
    const error = (await downloadHistory(options('tick', saturday, saturday + DAY)).catch(
      (e) => e,
    )) as DataDownloadError;
    expect(error.code).toBe('DATA_DOWNLOAD_NO_DATA');
    expect(error.message).toContain('a weekend holds no ticks');
  });

  it('refuses an unknown instrument with near names, a timeframe Dukascopy lacks, and a range before its history', async () => {
    const fail = (o: DownloadHistoryOptions) =>
      downloadHistory(o).then(
        () => undefined,
        (e: DataDownloadError) => e,
      );
    const unknown = await fail({ ...options('1min', TUESDAY, TUESDAY + DAY), symbols: ['EURUSX'] });
    expect(unknown?.code).toBe('DATA_DOWNLOAD_BAD_SYMBOL');
    expect(unknown?.details[0]).toBe('did you mean: EURUSD, EURAED, EURAUD, EURCAD, EURCHF');
    const tf = await fail(options('3min', TUESDAY, TUESDAY + DAY));
    expect(tf?.shortMessage).toBe('dukascopy has no 3min candles');
    const early = await fail(options('tick', Date.UTC(2003, 0, 1), Date.UTC(2003, 0, 2)));
    expect(early?.shortMessage).toBe(
      "dukascopy's tick history of EURUSD starts at 2003-05-04T19:00:00.048Z; use a later --from",
    );
  });
});
