import { describe, expect, it } from 'vitest';
import type { DataDownloadError } from './data-download-error.js';
import { backoffMs, type Fetch, getWithRetry, retryAfterMs } from './http-get.js';

/** A fetch answering from a script, one response per call (no network). */
function scripted(...answers: (Response | Error)[]): { fetch: Fetch; calls: () => number } {
  let calls = 0;
  return {
    fetch: async () => {
      const next = answers[Math.min(calls++, answers.length - 1)] as Response | Error;
      if (next instanceof Error) throw next;
      return next.clone();
    },
    calls: () => calls,
  };
}
const status = (code: number, headers: Record<string, string> = {}) =>
  new Response('{}', { status: code, headers });

describe('getWithRetry', () => {
  it('returns a 200 at once without waiting', async () => {
    const sleeps: number[] = [];
    const { fetch } = scripted(new Response('[1]', { status: 200 }));
    const answer = await getWithRetry('http://127.0.0.1/x', {
      source: 'test',
      sleep: async (ms) => void sleeps.push(ms),
      fetch,
    });
    expect([answer.status, answer.body.toString(), sleeps]).toEqual([200, '[1]', []]);
  });

  it('waits Retry-After seconds on 429 and 418, then retries', async () => {
    const sleeps: number[] = [];
    const { fetch, calls } = scripted(
      status(429, { 'retry-after': '7' }),
      status(418, { 'retry-after': '2' }),
      status(200),
    );
    await getWithRetry('http://127.0.0.1/x', {
      source: 'test',
      sleep: async (ms) => void sleeps.push(ms),
      fetch,
    });
    expect([sleeps, calls()]).toEqual([[7000, 2000], 3]);
  });

  it('gives up without waiting when Retry-After is longer than the wait budget (a ban)', async () => {
    const sleeps: number[] = [];
    const { fetch } = scripted(status(418, { 'retry-after': '7200' }));
    const error = (await getWithRetry('http://127.0.0.1/x?symbol=A', {
      source: 'binance',
      sleep: async (ms) => void sleeps.push(ms),
      fetch,
    }).catch((e) => e)) as DataDownloadError;
    expect(error.code).toBe('DATA_DOWNLOAD_RATE_LIMITED');
    expect(error.shortMessage).toBe(
      'binance has banned this IP for now (HTTP 418, Retry-After 7200 s); wait that long, then rerun to resume',
    );
    expect(error.context).toEqual({
      url: 'http://127.0.0.1/x',
      status: 418,
      retryAfterMs: 7_200_000,
      attempts: 1,
    });
    expect(sleeps).toEqual([]);
  });

  it('backs off 1, 2, 4, 8 s on 5xx and network errors, then fails with the last status', async () => {
    const sleeps: number[] = [];
    const { fetch, calls } = scripted(new TypeError('fetch failed'), status(502), status(503));
    const error = (await getWithRetry('http://127.0.0.1/x', {
      source: 'dukascopy',
      sleep: async (ms) => void sleeps.push(ms),
      fetch,
    }).catch((e) => e)) as DataDownloadError;
    expect([error.code, error.context.status, calls(), sleeps]).toEqual([
      'DATA_DOWNLOAD_HTTP',
      503,
      5,
      [1000, 2000, 4000, 8000],
    ]);
  });

  it('hands a 4xx other than 429/418 back to the source unretried', async () => {
    const { fetch, calls } = scripted(status(400));
    const answer = await getWithRetry('http://127.0.0.1/x', {
      source: 'test',
      sleep: async () => undefined,
      fetch,
    });
    expect([answer.status, calls()]).toEqual([400, 1]);
  });

  it('caps the backoff at 30 s and reads only whole-second Retry-After values', () => {
    expect([1, 2, 5, 6, 10].map(backoffMs)).toEqual([1000, 2000, 16_000, 30_000, 30_000]);
    expect(retryAfterMs(new Headers({ 'retry-after': ' 12 ' }))).toBe(12_000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }))).toBeUndefined();
    expect(retryAfterMs(new Headers())).toBeUndefined();
  });
});
