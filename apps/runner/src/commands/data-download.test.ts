import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ManualClock } from '@omni/core';
import { FakeBinanceServer, FakeDukascopyServer } from '@omni/data-download/testing';
import { ReplayFeed } from '@omni/feeds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { omni, withEnv } from '../cli.fixture.js';
import type { CliIo } from '../cli-io.js';
import { type DataDownloadReport, runDataDownload } from './data-download.js';

const binance = new FakeBinanceServer({ symbols: ['BTCUSDT', 'ETHUSDT'] });
const dukascopy = new FakeDukascopyServer();
let binanceUrl = '';
let dukascopyUrl = '';

beforeAll(async () => {
  [binanceUrl, dukascopyUrl] = await Promise.all([binance.start(), dukascopy.start()]);
});
afterAll(() => Promise.all([binance.stop(), dukascopy.stop()]));

const tempDir = () => mkdtempSync(join(tmpdir(), 'omni-data-'));

describe('omni data download', () => {
  it('downloads binance klines, says where the file is and how to backtest it, and the file replays and backtests', async () => {
    const out = tempDir();
    const run = await omni([
      'data',
      'download',
      '--source',
      'binance',
      '--symbol',
      'BTCUSDT',
      '--from',
      '2024-01-01',
      '--to',
      '2024-01-01T06:00',
      '--timeframe',
      '5min',
      '--out',
      out,
      '--base-url',
      binanceUrl,
    ]);
    expect(run.code).toBe(0);
    const file = join(out, 'BTCUSDT.csv');
    expect(run.out).toBe(
      [
        'binance 5min 2024-01-01T00:00:00.000Z → 2024-01-01T06:00:00.000Z: 72 rows (chunks: 1 downloaded, 0 already on disk)',
        `  ${file}  72 rows  2024-01-01T00:00:00.000Z → 2024-01-01T05:55:00.000Z`,
        `backtest: omni backtest --data ${file}`,
      ].join('\n'),
    );
    expect(run.err).toContain('download binance: 100% (BTCUSDT 2024-01-01, chunk 1/1, 72 rows)');
    const feed = new ReplayFeed({ path: file });
    const ticks = [];
    for await (const tick of feed) ticks.push(tick);
    expect(ticks).toHaveLength(72);
    // 2024-01-01T00:00 is five-minute interval 5,680,224 since the epoch: open 42,000 + 224, close open + 1.75, volume 224 % 7 + 1.125
    expect([ticks[0]?.symbol, ticks[0]?.tsMs, ticks[0]?.price, ticks[0]?.volume]).toEqual([
      'BTCUSDT',
      Date.UTC(2024, 0, 1),
      42225.75,
      1.125,
    ]);
    const backtest = await omni([
      'backtest',
      '--data',
      file,
      '--momentum-only',
      '--quiet',
      '--out',
      join(out, 'run'),
    ]);
    expect(backtest.code).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'run', 'summary.json'), 'utf8'));
    expect([summary.ticks, summary.firstTsMs, summary.lastTsMs]).toEqual([
      72,
      Date.UTC(2024, 0, 1),
      Date.UTC(2024, 0, 1, 5, 55),
    ]);
  });

  it('prints one JSON object with files, rows and chunks; a rerun skips every chunk', async () => {
    const out = tempDir();
    const argv = [
      'data',
      'download',
      '--source',
      'binance',
      '--symbol',
      'BTCUSDT,ETHUSDT',
      '--from',
      '2024-01-01',
      '--to',
      '2024-01-02',
      '--out',
      out,
      '--json',
    ];
    const first = await withEnv({ OMNI_BINANCE_REST_URL: binanceUrl }, () => omni(argv));
    expect(first.code).toBe(0);
    expect(first.err).toBe('');
    const report = JSON.parse(first.out) as DataDownloadReport;
    expect(report).toEqual({
      source: 'binance',
      timeframe: '1min',
      from: '2024-01-01T00:00:00.000Z',
      to: '2024-01-02T00:00:00.000Z',
      files: ['BTCUSDT', 'ETHUSDT'].map((symbol) => ({
        symbol,
        path: join(out, `${symbol}.csv`),
        rows: 1440,
        first: '2024-01-01T00:00:00.000Z',
        last: '2024-01-01T23:59:00.000Z',
      })),
      rows: 2880,
      chunks: { total: 4, downloaded: 4, skipped: 0 },
      backtest: `omni backtest --symbols BTCUSDT,ETHUSDT --data ${out}`,
    });
    const again = await withEnv({ OMNI_BINANCE_REST_URL: binanceUrl }, () => omni(argv));
    expect((JSON.parse(again.out) as DataDownloadReport).chunks).toEqual({
      total: 4,
      downloaded: 0,
      skipped: 4,
    });
    // --gzip writes <SYMBOL>.csv.gz from the same chunks: the same text once gunzipped, and it replays.
    const zipped = await withEnv({ OMNI_BINANCE_REST_URL: binanceUrl }, () => omni([...argv, '--gzip']));
    const zippedReport = JSON.parse(zipped.out) as DataDownloadReport;
    expect(zippedReport.files.map((f) => f.path)).toEqual([
      join(out, 'BTCUSDT.csv.gz'),
      join(out, 'ETHUSDT.csv.gz'),
    ]);
    expect(zippedReport.chunks.downloaded).toBe(0);
    const plain = readFileSync(join(out, 'BTCUSDT.csv'), 'utf8');
    expect(gunzipSync(readFileSync(join(out, 'BTCUSDT.csv.gz'))).toString('utf8')).toBe(plain);
    const ticks = [];
    for await (const tick of new ReplayFeed({ path: join(out, 'BTCUSDT.csv.gz') })) ticks.push(tick);
    expect([ticks.length, ticks[0]?.symbol, ticks[1439]?.tsMs]).toEqual([
      1440,
      'BTCUSDT',
      Date.UTC(2024, 0, 1, 23, 59),
    ]);
  });

  it('downloads dukascopy ticks as timestamp,bid,ask,volume', async () => {
    const out = tempDir();
    const run = await withEnv({ OMNI_DUKASCOPY_URL: dukascopyUrl }, () =>
      omni([
        'data',
        'download',
        '--source',
        'dukascopy',
        '--symbol',
        'eurusd',
        '--from',
        '2024-01-02T10:00',
        '--to',
        '2024-01-02T12:00',
        '--timeframe',
        'tick',
        '--out',
        out,
        '--quiet',
      ]),
    );
    expect(run.code).toBe(0);
    expect(readFileSync(join(out, 'EURUSD.csv'), 'utf8').split('\n').slice(0, 3)).toEqual([
      'timestamp,bid,ask,volume',
      '2024-01-02T10:00:01.250Z,1.10036,1.10038,2.25',
      '2024-01-02T10:20:00.500Z,1.10037,1.10039,2.5',
    ]);
  });

  it('exits 2 on bad input with an actionable message', async () => {
    const base = [
      'data',
      'download',
      '--out',
      tempDir(),
      '--base-url',
      binanceUrl,
      '--from',
      '2024-01-01',
      '--to',
      '2024-01-02',
    ];
    const unknown = await omni([...base, '--source', 'binance', '--symbol', 'NOPEUSDT']);
    expect([unknown.code, unknown.err]).toEqual([
      2,
      expect.stringContaining('[DATA_DOWNLOAD_BAD_SYMBOL] binance does not know the symbol NOPEUSDT'),
    ]);
    const ambiguous = await omni([
      ...base,
      '--source',
      'binance',
      '--symbol',
      'BTCUSDT',
      '--timeframe',
      '1m',
    ]);
    expect([ambiguous.code, ambiguous.err]).toEqual([2, expect.stringContaining('write 1min')]);
    const source = await omni([...base, '--source', 'yahoo', '--symbol', 'BTCUSDT']);
    expect([source.code, source.err]).toEqual([
      2,
      expect.stringContaining('--source must be dukascopy or binance'),
    ]);
  });

  it('exits 1 on an HTTP failure, names the status and says a rerun resumes', async () => {
    const run = await omni([
      'data',
      'download',
      '--source',
      'binance',
      '--symbol',
      'BTCUSDT',
      '--from',
      '2024-01-01',
      '--to',
      '2024-01-02',
      '--out',
      tempDir(),
      '--base-url',
      `${binanceUrl}/not-binance`,
    ]);
    expect(run.code).toBe(1);
    expect(run.err).toContain('[DATA_DOWNLOAD_HTTP] binance answered HTTP 404: not found');
    expect(run.err).toContain('run the same command again to resume');
  });

  it('reports a 429 wait on stderr and waits through the injected sleep', async () => {
    const limited = new FakeBinanceServer({ rateLimitOnce: true });
    const url = await limited.start();
    const err: string[] = [];
    const io: CliIo = { out: () => undefined, err: (t) => err.push(t), isTty: false };
    const sleeps: number[] = [];
    try {
      const report = await runDataDownload(
        {
          source: 'binance',
          symbol: 'BTCUSDT',
          from: '2024-01-01',
          to: '2024-01-01T01:00',
          timeframe: '1min',
          out: tempDir(),
          baseUrl: url,
        },
        io,
        { clock: new ManualClock(Date.UTC(2030, 0, 1)), sleep: async (ms) => void sleeps.push(ms) },
      );
      expect(report.rows).toBe(60);
    } finally {
      await limited.stop();
    }
    expect(sleeps).toEqual([3000]);
    expect(err[0]).toBe('download binance: rate-limited (HTTP 429), waiting 3 s');
  });
});
