import { ExecutionError, type OmniError } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { RequestCorrelator, type RequestFailure } from './request-correlator.js';
import { ManualScheduler } from './scheduler.js';

interface Reply {
  readonly req_id: number;
  readonly price: number;
}

const toError = (f: RequestFailure): OmniError =>
  new ExecutionError('EXECUTION_TIMEOUT', `no answer to ${f.method} (${f.reason})`, {
    reqId: f.id,
    timeoutMs: f.timeoutMs,
    detail: f.detail,
  });

function setup() {
  const scheduler = new ManualScheduler();
  const sent: { id: number; method: string }[] = [];
  const requests = new RequestCorrelator<Reply>({ timeoutMs: 1_000, toError, scheduler });
  const ask = (method: string, timeoutMs?: number): Promise<Reply> =>
    requests.request(method, (id) => sent.push({ id, method }), timeoutMs);
  return { scheduler, sent, requests, ask };
}

describe('RequestCorrelator', () => {
  it('resolves each request with the answer carrying its id, whatever the order of the answers', async () => {
    const { scheduler, sent, requests, ask } = setup();
    const buy = ask('buy');
    const proposal = ask('proposal');
    expect(sent).toEqual([
      { id: 1, method: 'buy' },
      { id: 2, method: 'proposal' },
    ]);
    expect(requests.resolve(2, { req_id: 2, price: 0.87 })).toBe(true);
    expect(requests.resolve(1, { req_id: 1, price: 10 })).toBe(true);
    expect(await Promise.all([buy, proposal])).toEqual([
      { req_id: 1, price: 10 },
      { req_id: 2, price: 0.87 },
    ]);
    expect({ pending: requests.pending, timers: scheduler.pending }).toEqual({ pending: 0, timers: 0 });
  });

  it('rejects with the typed error at the deadline, not before, and ignores the late answer', async () => {
    const { scheduler, requests, ask } = setup();
    const buy = ask('buy');
    const outcome = buy.then(
      () => 'resolved',
      (err: unknown) => err,
    );
    scheduler.advance(999);
    expect(requests.pending).toBe(1);
    scheduler.advance(1);
    const err = await outcome;
    expect(err).toBeInstanceOf(ExecutionError);
    expect(err).toMatchObject({
      code: 'EXECUTION_TIMEOUT',
      shortMessage: 'no answer to buy (timeout)',
      context: { reqId: 1, timeoutMs: 1_000 },
    });
    expect(requests.resolve(1, { req_id: 1, price: 10 })).toBe(false);
    expect({ pending: requests.pending, timers: scheduler.pending }).toEqual({ pending: 0, timers: 0 });
  });

  it('takes a per-request deadline', async () => {
    const { scheduler, ask } = setup();
    const quick = ask('ping', 50).catch((err: ExecutionError) => err.context['timeoutMs']);
    scheduler.advance(50);
    expect(await quick).toBe(50);
  });

  it('rejects every waiting request when the connection closes, cancelling their deadlines', async () => {
    const { scheduler, requests, ask } = setup();
    const all = Promise.allSettled([ask('buy'), ask('sell'), ask('balance')]);
    requests.resolve(2, { req_id: 2, price: 1 });
    expect(requests.rejectAll('socket closed (code 1006)')).toBe(2);
    const results = await all;
    expect(
      results.map((r) => (r.status === 'rejected' ? (r.reason as ExecutionError).shortMessage : r.value)),
    ).toEqual(['no answer to buy (closed)', { req_id: 2, price: 1 }, 'no answer to balance (closed)']);
    expect((results[0] as PromiseRejectedResult).reason.context.detail).toBe('socket closed (code 1006)');
    expect({ pending: requests.pending, timers: scheduler.pending }).toEqual({ pending: 0, timers: 0 });
  });

  it('rejects at once, with the cause, when the send throws', async () => {
    const scheduler = new ManualScheduler();
    const requests = new RequestCorrelator<Reply>({ timeoutMs: 1_000, toError, scheduler });
    const broken = new RangeError('socket is not open');
    const err = await requests
      .request('buy', () => {
        throw broken;
      })
      .catch((e: ExecutionError) => e);
    expect(err).toMatchObject({
      shortMessage: 'no answer to buy (closed)',
      context: { detail: 'send failed: socket is not open' },
    });
    expect({ pending: requests.pending, timers: scheduler.pending }).toEqual({ pending: 0, timers: 0 });
  });

  it('rejects one request with the error the peer answered, and reports unknown ids', async () => {
    const { requests, ask } = setup();
    const buy = ask('buy');
    const refused = new ExecutionError('EXECUTION_REJECTED', 'insufficient balance', { reqId: 1 });
    expect(requests.reject(7, refused)).toBe(false);
    expect(requests.resolve('1', { req_id: 1, price: 1 })).toBe(false);
    expect(requests.reject(1, refused)).toBe(true);
    await expect(buy).rejects.toBe(refused);
  });
});
