import { DURATION_UNIT_MS } from '@omni/core';
import { CANDLE_HEADER, candleRow, TICK_HEADER, tickRow } from './csv-rows.js';
import { DataDownloadError } from './data-download-error.js';
import type { Chunk, HistorySource, SourceContext, SourceRequest } from './history-source.js';
import { getWithRetry } from './http-get.js';
import { type Timeframe, timeframeName } from './timeframe.js';

/** Dukascopy's timeframes (dukascopy-node's `Timeframe`) this downloader offers. */
type DukascopyTimeframe = 'tick' | 's1' | 'm1' | 'm5' | 'm15' | 'm30' | 'h1' | 'h4' | 'd1';
/** The calendar period of one chunk: the period of the files dukascopy-node fetches for the timeframe. */
type ChunkPeriod = 'day' | 'month' | 'year';

const { s, min, h, d } = DURATION_UNIT_MS;
const CANDLES: ReadonlyMap<number, DukascopyTimeframe> = new Map([
  [s, 's1'],
  [min, 'm1'],
  [5 * min, 'm5'],
  [15 * min, 'm15'],
  [30 * min, 'm30'],
  [h, 'h1'],
  [4 * h, 'h4'],
  [d, 'd1'],
]);
/** Ticks come in hourly files, minute candles in daily ones: a chunk is a UTC day; hourly candles come by month, daily ones by year. */
const CHUNK_PERIOD: Readonly<Record<DukascopyTimeframe, ChunkPeriod>> = {
  tick: 'day',
  s1: 'day',
  m1: 'day',
  m5: 'day',
  m15: 'day',
  m30: 'day',
  h1: 'month',
  h4: 'month',
  d1: 'year',
};
/** Requests of one chunk in flight at once (a tick day is 24 hourly files). */
const CONCURRENCY = 4;

type DukascopyModule = typeof import('dukascopy-node');
let loaded: Promise<DukascopyModule> | undefined;
/** dukascopy-node is big (its instrument table): loaded on the first Dukascopy download only. */
function loadDukascopy(): Promise<DukascopyModule> {
  loaded ??= import('dukascopy-node');
  return loaded;
}

/**
 * FX, metals, indices, stocks and crypto CFDs from Dukascopy's history through `dukascopy-node`: its
 * instrument table (codes, first dates), its URL generator and its decoder (`processData`, which turns
 * the delta-encoded answers into ticks or candles and aggregates them). The requests themselves go
 * through {@link getWithRetry}, so `baseUrl` can point at a mirror or a local fake and waits are
 * injectable. Ticks are `timestamp,bid,ask,volume` (volume: bid plus ask liquidity, millions of units);
 * candles `timestamp,open,high,low,close,volume` of the bid side (or `priceType: 'ask'`), flat
 * candles without volume left out (dukascopy-node's `ignoreFlats`).
 */
export async function dukascopySource(
  request: SourceRequest,
  context: SourceContext,
): Promise<HistorySource> {
  const duka = await loadDukascopy();
  const symbol = request.symbol.trim().toUpperCase();
  const instrument = symbol.replace(/[^A-Z0-9]/g, '').toLowerCase() as keyof typeof duka.instrumentMetaData;
  const meta = Object.hasOwn(duka.instrumentMetaData, instrument)
    ? duka.instrumentMetaData[instrument]
    : undefined;
  if (meta === undefined) {
    const near = nearNames(instrument, Object.keys(duka.instrumentMetaData));
    throw new DataDownloadError(
      'DATA_DOWNLOAD_BAD_SYMBOL',
      `dukascopy has no instrument ${JSON.stringify(request.symbol)}`,
      { symbol: request.symbol },
      {
        details: [
          ...(near.length > 0 ? [`did you mean: ${near.map((k) => k.toUpperCase()).join(', ')}`] : []),
          'instruments are listed at https://www.dukascopy-node.app/instruments (write EURUSD for eurusd)',
        ],
      },
    );
  }
  const timeframe = dukascopyTimeframe(request.timeframe);
  const priceType = request.priceType ?? 'bid';
  const period = CHUNK_PERIOD[timeframe];
  const firstMs = Date.parse(
    timeframe === 'tick' || timeframe === 's1'
      ? meta.startHourForTicks
      : period === 'day'
        ? meta.startDayForMinuteCandles
        : period === 'month'
          ? meta.startMonthForHourlyCandles
          : meta.startYearForDailyCandles,
  );
  const apiRoot = duka.URL_ROOT;
  const root = (request.baseUrl ?? apiRoot).replace(/\/+$/, '');
  const side = request.timeframe.kind === 'tick' ? '' : `-${priceType}`;

  const fetchBucket = async (url: string): Promise<Buffer | undefined> => {
    const answer = await getWithRetry(root + url.slice(apiRoot.length), {
      source: 'dukascopy',
      sleep: context.sleep,
      ...(context.fetch ? { fetch: context.fetch } : {}),
      ...(context.onWait ? { onWait: context.onWait } : {}),
    });
    if (answer.status === 404) return undefined; // no file for that period (as dukascopy-node: empty)
    if (answer.status !== 200) {
      throw new DataDownloadError('DATA_DOWNLOAD_HTTP', `dukascopy answered HTTP ${answer.status}`, {
        status: answer.status,
        url: url.slice(apiRoot.length),
        body: answer.body.toString('utf8', 0, 200),
      });
    }
    return answer.body.length > 0 ? answer.body : undefined;
  };

  return {
    name: 'dukascopy',
    symbol,
    header: timeframe === 'tick' ? TICK_HEADER : CANDLE_HEADER,
    seriesKey: `dukascopy-${symbol}-${timeframeName(request.timeframe)}${side}`,
    chunks(fromMs, toMs) {
      if (fromMs < firstMs) {
        throw new DataDownloadError(
          'DATA_DOWNLOAD_BAD_RANGE',
          `dukascopy's ${timeframeName(request.timeframe)} history of ${symbol} starts at ${new Date(firstMs).toISOString()}; use a later --from`,
          { symbol, from: new Date(fromMs).toISOString(), first: new Date(firstMs).toISOString() },
        );
      }
      const out: Chunk[] = [];
      for (let start = periodStart(fromMs, period); start < toMs; start = nextPeriod(start, period)) {
        out.push({ startMs: Math.max(start, fromMs), endMs: Math.min(nextPeriod(start, period), toMs) });
      }
      return out;
    },
    async fetchChunk(chunk) {
      const urls = duka.generateUrls({
        instrument,
        timeframe,
        priceType,
        startDate: new Date(chunk.startMs),
        endDate: new Date(chunk.endMs),
        nowDate: new Date(context.clock.nowMs()),
      });
      const buffers: (Buffer | undefined)[] = new Array(urls.length);
      for (let i = 0; i < urls.length; i += CONCURRENCY) {
        const batch = urls.slice(i, i + CONCURRENCY);
        const answers = await Promise.all(batch.map(fetchBucket));
        answers.forEach((b, j) => {
          buffers[i + j] = b;
        });
      }
      const bufferObjects = urls.flatMap((url, i) => {
        const buffer = buffers[i];
        return buffer === undefined ? [] : [{ url, buffer }];
      });
      let rows: number[][];
      try {
        rows = duka.processData({
          instrument,
          requestedTimeframe: timeframe,
          bufferObjects,
          priceType,
          volumes: true,
          volumeUnits: 'millions',
          ignoreFlats: true,
        });
      } catch (cause) {
        throw new DataDownloadError(
          'DATA_DOWNLOAD_BAD_RESPONSE',
          `dukascopy: an answer is not Dukascopy's history format (${cause instanceof Error ? cause.message : String(cause)}); is --base-url a Dukascopy data API?`,
          { symbol, from: new Date(chunk.startMs).toISOString() },
          { cause },
        );
      }
      let text = '';
      for (const row of rows) {
        const ts = row[0];
        if (ts === undefined || ts < chunk.startMs || ts >= chunk.endMs) continue;
        if (timeframe === 'tick') {
          const [, ask = Number.NaN, bid = Number.NaN, askVolume = 0, bidVolume = 0] = row;
          text += tickRow(ts, bid, ask, Number((askVolume + bidVolume).toFixed(6)));
        } else {
          const [, open = Number.NaN, high = Number.NaN, low = Number.NaN, close = Number.NaN, volume = 0] =
            row;
          text += candleRow(ts, open, high, low, close, volume);
        }
      }
      return text;
    },
  };
}

function dukascopyTimeframe(timeframe: Timeframe): DukascopyTimeframe {
  if (timeframe.kind === 'tick') return 'tick';
  const found = CANDLES.get(timeframe.intervalMs);
  if (found === undefined) {
    throw new DataDownloadError(
      'DATA_DOWNLOAD_BAD_TIMEFRAME',
      `dukascopy has no ${timeframeName(timeframe)} candles`,
      { source: 'dukascopy', timeframe: timeframeName(timeframe) },
      {
        details: [
          `accepted: tick, ${[...CANDLES.keys()].map((ms) => timeframeName({ kind: 'candle', intervalMs: ms })).join(', ')}`,
        ],
      },
    );
  }
  return found;
}

/** Up to five instruments sharing the longest start with `name` (at least three letters). */
function nearNames(name: string, names: readonly string[]): string[] {
  const shared = (k: string) => {
    let i = 0;
    while (i < k.length && k[i] === name[i]) i++;
    return i;
  };
  return names
    .map((k) => ({ k, n: shared(k) }))
    .filter((x) => x.n >= 3)
    .sort((a, b) => b.n - a.n || (a.k < b.k ? -1 : 1))
    .slice(0, 5)
    .map((x) => x.k);
}

/** Start of the UTC day, month or year holding `tsMs`. */
function periodStart(tsMs: number, period: ChunkPeriod): number {
  const t = new Date(tsMs);
  if (period === 'day') return Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate());
  if (period === 'month') return Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), 1);
  return Date.UTC(t.getUTCFullYear(), 0, 1);
}

/** Start of the period after the one starting at `startMs`. */
function nextPeriod(startMs: number, period: ChunkPeriod): number {
  const t = new Date(startMs);
  if (period === 'day') return startMs + d;
  if (period === 'month') return Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 1);
  return Date.UTC(t.getUTCFullYear() + 1, 0, 1);
}
