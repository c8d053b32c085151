import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, PriceFileParser, PriceRowProblem } from '@omni/core';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDownloadError } from './data-download-error.js';
import { type DownloadHistoryOptions, downloadHistory } from './download-history.js';
import { FakeBinanceServer, fakeKline } from './fake-binance.fixture.js';
import { parseTimeframe } from './timeframe.js';

const MIN = 60_000;
const FROM = Date.UTC(2024, 0, 1);
const TO = Date.UTC(2024, 0, 3); // two days: 2,880 one-minute klines
const servers: FakeBinanceServer[] = [];

async function fake(options: ConstructorParameters<typeof FakeBinanceServer>[0] = {}) {
  const server = new FakeBinanceServer(options);
  servers.push(server);
  return { server, baseUrl: await server.start() };
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

function options(baseUrl: string, outDir: string, sleeps: number[] = []): DownloadHistoryOptions {
  return {
    source: 'binance',
    symbols: ['BTCUSDT'],
    timeframe: parseTimeframe('1min'),
    fromMs: FROM,
    toMs: TO,
    outDir,
    baseUrl,
    clock: new ManualClock(Date.UTC(2030, 0, 1)),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  };
}

const tempDir = () => mkdtempSync(join(tmpdir(), 'omni-binance-'));

/** The file a correct download writes, built from the fake's closed form, not from the downloader. */
function expectedFile(fromMs: number, toMs: number): string {
  let text = 'timestamp,open,high,low,close,volume\n';
  for (let t = fromMs; t < toMs; t += MIN) {
    const k = fakeKline(t, MIN);
    text += `${new Date(t).toISOString()},${Number(k.open)},${Number(k.high)},${Number(k.low)},${Number(k.close)},${Number(k.volume)}\n`;
  }
  return text;
}

describe('binance klines download', () => {
  it('writes every kline of the range as timestamp,open,high,low,close,volume, paging 1,000 at a time', async () => {
    const { server, baseUrl } = await fake();
    const out = tempDir();
    const result = await downloadHistory(options(baseUrl, out));
    const file = readFileSync(join(out, 'BTCUSDT.csv'), 'utf8');
    expect(file).toBe(expectedFile(FROM, TO));
    expect(file.split('\n')[1]).toBe('2024-01-01T00:00:00.000Z,42120.01,42125.5,42117.25,42121.75,2.125');
    // 1,000-minute chunks aligned to the epoch: 2024-01-01T00:00 is minute 28,401,120, so the range
    // meets chunks 28,401 (880 of its klines), 28,402 (1,000), 28,403 (1,000)
    expect(result.chunks).toEqual({ total: 3, downloaded: 3, skipped: 0 });
    expect(result.rows).toBe(2880);
    expect(result.files).toEqual([
      { symbol: 'BTCUSDT', path: join(out, 'BTCUSDT.csv'), rows: 2880, firstTsMs: FROM, lastTsMs: TO - MIN },
    ]);
    expect(server.requests[0]).toBe(
      `/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=${FROM}&endTime=${FROM + 880 * MIN - 1}&limit=1000`,
    );
    expect(server.requests).toHaveLength(3);
  });

  it('pages within a chunk when an answer is full (limit 1000) and stops at the chunk end', async () => {
    const { server, baseUrl } = await fake();
    const out = tempDir();
    // one-second klines: a chunk is 1,000 s; 2,500 s from a chunk boundary is three chunks, one request each
    const from = Date.UTC(2024, 0, 1, 0, 0, 0) - (Date.UTC(2024, 0, 1) % 1_000_000);
    await downloadHistory({
      ...options(baseUrl, out),
      timeframe: parseTimeframe('1s'),
      fromMs: from,
      toMs: from + 2_500_000,
    });
    expect(server.requests.map((r) => new URL(r, 'http://127.0.0.1').searchParams.get('startTime'))).toEqual([
      String(from),
      String(from + 1_000_000),
      String(from + 2_000_000),
    ]);
    const lines = readFileSync(join(out, 'BTCUSDT.csv'), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(2501);
  });

  it('waits for Retry-After on a 429 and then downloads the same file', async () => {
    const { baseUrl } = await fake({ rateLimitOnce: true });
    const out = tempDir();
    const sleeps: number[] = [];
    await downloadHistory(options(baseUrl, out, sleeps));
    expect(sleeps).toEqual([3000]);
    expect(readFileSync(join(out, 'BTCUSDT.csv'), 'utf8')).toBe(expectedFile(FROM, TO));
  });

  it('waits for the next minute when the used weight nears the limit', async () => {
    const { baseUrl } = await fake();
    const sleeps: number[] = [];
    const clock = new ManualClock(Date.UTC(2030, 0, 1, 0, 0, 45)); // 15 s to the next minute
    // weights reported 2, 4, 6: only the third is at or above 90 % of 5
    await downloadHistory({ ...options(baseUrl, tempDir(), sleeps), clock, weightLimit: 5 });
    expect(sleeps).toEqual([15_000]);
  });

  it('resumes an interrupted download: only the missing chunks are fetched, the file is byte-identical', async () => {
    const out = tempDir();
    const { server, baseUrl } = await fake({ failAfter: 1 });
    const sleeps: number[] = [];
    const failed = await downloadHistory(options(baseUrl, out, sleeps)).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(DataDownloadError);
    expect((failed as DataDownloadError).code).toBe('DATA_DOWNLOAD_HTTP');
    expect((failed as DataDownloadError).context).toMatchObject({ status: 500, attempts: 5 });
    expect(sleeps).toEqual([1000, 2000, 4000, 8000]);
    expect(readdirSync(join(out, '.chunks', 'binance-BTCUSDT-1min'))).toHaveLength(1);
    expect(readdirSync(out)).toEqual(['.chunks']); // no joined file from a failed run

    server.failAfter = undefined;
    server.requests.length = 0;
    const resumed = await downloadHistory(options(baseUrl, out));
    expect(resumed.chunks).toEqual({ total: 3, downloaded: 2, skipped: 1 });
    expect(server.requests).toHaveLength(2);
    // what the one-shot download of the first test writes, byte for byte
    expect(readFileSync(join(out, 'BTCUSDT.csv'), 'utf8')).toBe(expectedFile(FROM, TO));

    server.requests.length = 0;
    const again = await downloadHistory(options(baseUrl, out));
    expect(again.chunks).toEqual({ total: 3, downloaded: 0, skipped: 3 });
    expect(server.requests).toHaveLength(0);
  });

  it('writes files the price-file reader takes, each row priced at the close', async () => {
    const { baseUrl } = await fake();
    const out = tempDir();
    await downloadHistory({ ...options(baseUrl, out), toMs: FROM + 3 * MIN });
    const parser = new PriceFileParser({ symbol: 'BTCUSDT', source: 'test' });
    const rows = readFileSync(join(out, 'BTCUSDT.csv'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => parser.line(l))
      .filter((r) => r !== undefined);
    expect(rows.map((r) => (r instanceof PriceRowProblem ? r.what : [r.tsMs, r.price, r.volume]))).toEqual([
      [FROM, 42121.75, 2.125],
      [FROM + MIN, 42122.75, 3.125],
      [FROM + 2 * MIN, 42123.75, 4.125],
    ]);
  });

  it('names an unknown symbol, a tick timeframe, a future range and an empty range', async () => {
    const { baseUrl } = await fake({ listedFromMs: Date.UTC(2025, 0, 1) });
    const out = tempDir();
    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: DataDownloadError) => `${e.code}: ${e.shortMessage}`,
      );
    expect(await codeOf(downloadHistory({ ...options(baseUrl, out), symbols: ['NOPEUSDT'] }))).toMatch(
      /^DATA_DOWNLOAD_BAD_SYMBOL: binance does not know the symbol NOPEUSDT/,
    );
    expect(
      await codeOf(downloadHistory({ ...options(baseUrl, out), timeframe: parseTimeframe('tick') })),
    ).toBe(
      'DATA_DOWNLOAD_BAD_TIMEFRAME: binance: klines only, no ticks; use --timeframe 1s for the finest candles',
    );
    expect(
      await codeOf(downloadHistory({ ...options(baseUrl, out), clock: new ManualClock(FROM - MIN) })),
    ).toBe('DATA_DOWNLOAD_BAD_RANGE: the range lies in the future: there is no history there yet');
    expect(await codeOf(downloadHistory(options(baseUrl, out)))).toBe(
      'DATA_DOWNLOAD_NO_DATA: binance has no BTCUSDT rows between 2024-01-01T00:00:00.000Z and 2024-01-03T00:00:00.000Z',
    );
  });
});
