import { defineErrorArea } from '@omni/core';

/** Codes of {@link DataDownloadError}. */
export const DataDownloadErrorCodes = [
  'DATA_DOWNLOAD_BAD_SYMBOL',
  'DATA_DOWNLOAD_BAD_RANGE',
  'DATA_DOWNLOAD_BAD_TIMEFRAME',
  'DATA_DOWNLOAD_BAD_OPTION',
  'DATA_DOWNLOAD_NO_DATA',
  'DATA_DOWNLOAD_HTTP',
  'DATA_DOWNLOAD_RATE_LIMITED',
  'DATA_DOWNLOAD_BAD_RESPONSE',
  'DATA_DOWNLOAD_WRITE_FAILED',
] as const;
/** A code of {@link DataDownloadError}. */
export type DataDownloadErrorCode = (typeof DataDownloadErrorCodes)[number];

/**
 * The codes that mean the request itself was wrong (exit 2 in the CLI); the others are failures of
 * the source or the disk (exit 1), and a rerun resumes where the download stopped.
 */
export const BAD_INPUT_CODES: readonly DataDownloadErrorCode[] = [
  'DATA_DOWNLOAD_BAD_SYMBOL',
  'DATA_DOWNLOAD_BAD_RANGE',
  'DATA_DOWNLOAD_BAD_TIMEFRAME',
  'DATA_DOWNLOAD_BAD_OPTION',
  'DATA_DOWNLOAD_NO_DATA',
];

/**
 * Errors of `@omni/data-download`: a symbol the source does not know (`DATA_DOWNLOAD_BAD_SYMBOL`), a
 * range or timeframe it cannot serve, no row in the range, an HTTP failure with its status
 * (`context.status`, after the bounded retries), rate limits that outlast the wait budget, a response
 * that is not the source's format, and a chunk that cannot be written.
 *
 * @example
 * throw new DataDownloadError('DATA_DOWNLOAD_HTTP', 'binance answered 503 for /api/v3/klines', { status: 503 });
 */
export class DataDownloadError extends defineErrorArea('DataDownloadError', DataDownloadErrorCodes) {}
