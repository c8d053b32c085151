import { DURATION_UNIT_MS } from '@omni/core';
import { CANDLE_HEADER, candleRow } from './csv-rows.js';
import { DataDownloadError } from './data-download-error.js';
import type { Chunk, HistorySource, SourceContext, SourceRequest } from './history-source.js';
import { getWithRetry, type HttpAnswer } from './http-get.js';
import { timeframeName } from './timeframe.js';

/** Binance's public REST root. */
export const BINANCE_REST_URL = 'https://api.binance.com';
/** Klines per request, Binance's maximum; also the size of a chunk. */
export const KLINES_PER_REQUEST = 1000;
/** Binance's request weight per minute and IP (GET /api/v3/exchangeInfo `rateLimits`). */
export const BINANCE_WEIGHT_LIMIT = 6000;
/** Share of the weight limit at which the download waits for the next minute. */
const WEIGHT_PAUSE_SHARE = 0.9;

const { s, min, h, d, w } = DURATION_UNIT_MS;
/** Binance's kline intervals of a fixed length, by length in ms (`1M`, a calendar month, is not offered). */
const BINANCE_INTERVALS: ReadonlyMap<number, string> = new Map([
  [s, '1s'],
  [min, '1m'],
  [3 * min, '3m'],
  [5 * min, '5m'],
  [15 * min, '15m'],
  [30 * min, '30m'],
  [h, '1h'],
  [2 * h, '2h'],
  [4 * h, '4h'],
  [6 * h, '6h'],
  [8 * h, '8h'],
  [12 * h, '12h'],
  [d, '1d'],
  [3 * d, '3d'],
  [w, '1w'],
]);

/**
 * Binance spot klines through the public REST API (`GET /api/v3/klines`, no key). A chunk is 1,000
 * candles, aligned to multiples of 1,000 intervals since the epoch so that a rerun over a longer range
 * reuses the chunks it already has; each chunk is paged with `startTime` and `limit=1000`. The weight
 * Binance reports (`X-MBX-USED-WEIGHT-1M`) is watched: above 90 % of the limit the download waits for
 * the next minute; 429/418 wait for `Retry-After` (see {@link getWithRetry}).
 */
export function binanceKlinesSource(request: SourceRequest, context: SourceContext): HistorySource {
  const { timeframe } = request;
  const symbol = request.symbol.trim().toUpperCase();
  if (!/^[A-Z0-9]{2,20}$/.test(symbol)) {
    throw new DataDownloadError(
      'DATA_DOWNLOAD_BAD_SYMBOL',
      `binance symbols are letters and digits, base then quote, such as BTCUSDT (got ${JSON.stringify(request.symbol)})`,
      { symbol: request.symbol },
    );
  }
  if (timeframe.kind === 'tick') {
    throw new DataDownloadError(
      'DATA_DOWNLOAD_BAD_TIMEFRAME',
      'binance: klines only, no ticks; use --timeframe 1s for the finest candles',
      { source: 'binance' },
    );
  }
  const interval = BINANCE_INTERVALS.get(timeframe.intervalMs);
  if (interval === undefined) {
    throw new DataDownloadError(
      'DATA_DOWNLOAD_BAD_TIMEFRAME',
      `binance has no ${timeframeName(timeframe)} klines`,
      { source: 'binance', timeframe: timeframeName(timeframe) },
      {
        details: [
          `accepted: ${[...BINANCE_INTERVALS.keys()].map((ms) => timeframeName({ kind: 'candle', intervalMs: ms })).join(', ')}`,
        ],
      },
    );
  }
  const intervalMs = timeframe.intervalMs;
  const spanMs = KLINES_PER_REQUEST * intervalMs;
  const root = (request.baseUrl ?? BINANCE_REST_URL).replace(/\/+$/, '');
  const weightLimit = request.weightLimit ?? BINANCE_WEIGHT_LIMIT;

  const get = async (url: string): Promise<HttpAnswer> => {
    const answer = await getWithRetry(url, {
      source: 'binance',
      sleep: context.sleep,
      ...(context.fetch ? { fetch: context.fetch } : {}),
      ...(context.onWait ? { onWait: context.onWait } : {}),
    });
    const used = Number(answer.headers.get('x-mbx-used-weight-1m'));
    if (Number.isFinite(used) && used >= WEIGHT_PAUSE_SHARE * weightLimit) {
      const waitMs = min - (context.clock.nowMs() % min);
      context.onWait?.({ url, reason: 'rate-limited', status: answer.status, waitMs });
      await context.sleep(waitMs);
    }
    return answer;
  };

  return {
    name: 'binance',
    symbol,
    header: CANDLE_HEADER,
    seriesKey: `binance-${symbol}-${timeframeName(timeframe)}`,
    chunks(fromMs, toMs) {
      const out: Chunk[] = [];
      for (let start = Math.floor(fromMs / spanMs) * spanMs; start < toMs; start += spanMs) {
        out.push({ startMs: Math.max(start, fromMs), endMs: Math.min(start + spanMs, toMs) });
      }
      return out;
    },
    async fetchChunk(chunk) {
      let text = '';
      let startTime = chunk.startMs;
      for (;;) {
        const query = `symbol=${symbol}&interval=${interval}&startTime=${startTime}&endTime=${chunk.endMs - 1}&limit=${KLINES_PER_REQUEST}`;
        const answer = await get(`${root}/api/v3/klines?${query}`);
        const klines = readKlines(answer, symbol);
        let last = -1;
        for (const k of klines) {
          if (k.openTime < chunk.startMs || k.openTime >= chunk.endMs || k.openTime <= last) continue;
          text += candleRow(k.openTime, k.open, k.high, k.low, k.close, k.volume);
          last = k.openTime;
        }
        if (klines.length < KLINES_PER_REQUEST || last < 0 || last + intervalMs >= chunk.endMs) return text;
        startTime = last + 1;
      }
    },
  };
}

/** One kline as the files need it. */
interface Kline {
  readonly openTime: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/**
 * Reads a klines answer: an array of arrays `[openTime, "open", "high", "low", "close", "volume",
 * closeTime, …]`; a 400 with Binance's code -1121 is an unknown symbol; any other status is an HTTP error.
 */
function readKlines(answer: HttpAnswer, symbol: string): Kline[] {
  const text = answer.body.toString('utf8');
  if (answer.status !== 200) {
    const error = parseJson(text) as { code?: unknown; msg?: unknown } | undefined;
    if (error?.code === -1121) {
      throw new DataDownloadError(
        'DATA_DOWNLOAD_BAD_SYMBOL',
        `binance does not know the symbol ${symbol}; spot symbols are base then quote, such as BTCUSDT (GET /api/v3/exchangeInfo lists them)`,
        { symbol, status: answer.status },
      );
    }
    const msg = typeof error?.msg === 'string' ? `: ${error.msg}` : '';
    throw new DataDownloadError('DATA_DOWNLOAD_HTTP', `binance answered HTTP ${answer.status}${msg}`, {
      status: answer.status,
      symbol,
      body: text.slice(0, 200),
    });
  }
  const rows = parseJson(text);
  if (!Array.isArray(rows)) throw badKlines('the answer is not an array', text);
  return rows.map((row: unknown) => {
    if (!Array.isArray(row) || row.length < 6 || !Number.isSafeInteger(row[0])) {
      throw badKlines('a kline is not [openTime, open, high, low, close, volume, …]', JSON.stringify(row));
    }
    const [openTime, open, high, low, close, volume] = (row as unknown[]).map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    if (![open, high, low, close, volume].every(Number.isFinite)) {
      throw badKlines('a kline has a price or volume that is not a number', JSON.stringify(row));
    }
    return { openTime, open, high, low, close, volume };
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function badKlines(what: string, sample: string): DataDownloadError {
  return new DataDownloadError(
    'DATA_DOWNLOAD_BAD_RESPONSE',
    `binance: ${what}; is --base-url a Binance REST API?`,
    { sample: sample.slice(0, 200) },
  );
}
