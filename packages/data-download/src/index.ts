export {
  BINANCE_REST_URL,
  BINANCE_WEIGHT_LIMIT,
  binanceKlinesSource,
  KLINES_PER_REQUEST,
} from './binance-klines.js';
export { ChunkStore, writeFileAtomic } from './chunk-store.js';
export { CANDLE_HEADER, TICK_HEADER } from './csv-rows.js';
export {
  BAD_INPUT_CODES,
  DataDownloadError,
  type DataDownloadErrorCode,
  DataDownloadErrorCodes,
} from './data-download-error.js';
export {
  type DownloadedFile,
  type DownloadHistoryOptions,
  type DownloadProgress,
  type DownloadResult,
  downloadHistory,
} from './download-history.js';
export { dukascopySource } from './dukascopy-history.js';
export type { Chunk, HistorySource, SourceContext, SourceName, SourceRequest } from './history-source.js';
export {
  backoffMs,
  type Fetch,
  getWithRetry,
  type HttpAnswer,
  type HttpWait,
  type Sleep,
} from './http-get.js';
export { parseTimeframe, type Timeframe, timeframeName } from './timeframe.js';
