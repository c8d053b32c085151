import { DataDownloadError } from './data-download-error.js';

/** How a source waits: injected so tests never sleep for real. */
export type Sleep = (ms: number) => Promise<void>;

/** The `fetch` a source calls (the global one by default; injectable). */
export type Fetch = (url: string, init?: { signal?: AbortSignal }) => Promise<Response>;

/** A response the source reads: status, headers and the whole body. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Buffer;
}

/** Why a request waited: a rate limit with the server's Retry-After, or a backoff after a failure. */
export interface HttpWait {
  readonly url: string;
  readonly reason: 'rate-limited' | 'server-error' | 'network-error';
  readonly status: number;
  readonly waitMs: number;
}

/** Options of {@link getWithRetry}. */
export interface HttpGetOptions {
  /** Name of the source in messages, e.g. `binance`. */
  readonly source: string;
  readonly sleep: Sleep;
  readonly fetch?: Fetch;
  /** Attempts per request, the first included. Default 5. */
  readonly maxAttempts?: number;
  /** Longest single wait a Retry-After may ask for before the download gives up. Default 5 min. */
  readonly maxWaitMs?: number;
  /** Per-request timeout. Default 60 s. */
  readonly timeoutMs?: number;
  readonly onWait?: (wait: HttpWait) => void;
}

/** First backoff after a 5xx or a network error; doubled each attempt, capped at {@link MAX_BACKOFF_MS}. */
const FIRST_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 30_000;

/** The backoff before attempt `attempt + 1` (attempt counts from 1): 1 s, 2 s, 4 s, … at most 30 s. */
export function backoffMs(attempt: number): number {
  return Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (attempt - 1));
}

/**
 * GETs `url`, retrying what a retry can fix: HTTP 429 and 418 after the server's `Retry-After`
 * (seconds; a backoff when absent), 5xx and network errors after a doubling backoff, at most
 * `maxAttempts` attempts in all. Other answers (200, 4xx) come back for the source to read.
 * Why: public market-data APIs rate-limit by IP; honouring Retry-After is what keeps a long
 * download from being banned (Binance answers 418 to clients that ignore its 429s).
 *
 * @returns The last answer that was not retried.
 * @throws DataDownloadError `DATA_DOWNLOAD_RATE_LIMITED` when a Retry-After exceeds `maxWaitMs` or
 * the attempts run out on 429/418, `DATA_DOWNLOAD_HTTP` (with `status`) when they run out otherwise.
 */
export async function getWithRetry(url: string, options: HttpGetOptions): Promise<HttpAnswer> {
  const maxAttempts = options.maxAttempts ?? 5;
  const maxWaitMs = options.maxWaitMs ?? 300_000;
  const doFetch: Fetch = options.fetch ?? ((u, init) => fetch(u, init));
  const shown = redactQuery(url);
  for (let attempt = 1; ; attempt++) {
    let answer: HttpAnswer;
    try {
      const response = await doFetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 60_000) });
      answer = {
        status: response.status,
        headers: response.headers,
        body: Buffer.from(await response.arrayBuffer()),
      };
    } catch (cause) {
      if (attempt >= maxAttempts) {
        throw new DataDownloadError(
          'DATA_DOWNLOAD_HTTP',
          `${options.source}: the request failed ${attempt} times (${errorText(cause)}); check the network or --base-url, then rerun to resume`,
          { url: shown, status: 0, attempts: attempt },
          { cause },
        );
      }
      await wait(options, { url: shown, reason: 'network-error', status: 0, waitMs: backoffMs(attempt) });
      continue;
    }
    const { status } = answer;
    if (status === 429 || status === 418) {
      const waitMs = retryAfterMs(answer.headers) ?? backoffMs(attempt);
      if (waitMs > maxWaitMs || attempt >= maxAttempts) {
        const what = status === 418 ? 'has banned this IP for now' : 'is rate-limiting this IP';
        throw new DataDownloadError(
          'DATA_DOWNLOAD_RATE_LIMITED',
          `${options.source} ${what} (HTTP ${status}, Retry-After ${Math.ceil(waitMs / 1000)} s); wait that long, then rerun to resume`,
          { url: shown, status, retryAfterMs: waitMs, attempts: attempt },
        );
      }
      await wait(options, { url: shown, reason: 'rate-limited', status, waitMs });
      continue;
    }
    if (status >= 500) {
      if (attempt >= maxAttempts) {
        throw new DataDownloadError(
          'DATA_DOWNLOAD_HTTP',
          `${options.source} answered HTTP ${status} ${attempt} times; try again later (a rerun resumes)`,
          { url: shown, status, attempts: attempt, body: answer.body.toString('utf8', 0, 200) },
        );
      }
      await wait(options, { url: shown, reason: 'server-error', status, waitMs: backoffMs(attempt) });
      continue;
    }
    return answer;
  }
}

async function wait(options: HttpGetOptions, info: HttpWait): Promise<void> {
  options.onWait?.(info);
  await options.sleep(info.waitMs);
}

/** `Retry-After` in ms: whole seconds (the form Binance sends); `undefined` when absent or not a number. */
export function retryAfterMs(headers: Headers): number | undefined {
  const value = headers.get('retry-after');
  if (value === null || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value.trim()) * 1000;
}

/** The URL without its query (no symbol list or key in an error's context, and shorter). */
function redactQuery(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return `${err.message}${cause}`;
  }
  return String(err);
}
