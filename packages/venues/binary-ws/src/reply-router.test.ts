import { ManualScheduler, RequestCorrelator } from '@omni/connection';
import { ExecutionError } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { parseJsonWsProtocol } from './protocol-load.js';
import { ReplyReader } from './reply-reader.js';
import { ReplyRouter } from './reply-router.js';
import { ACME } from './test-support.fixture.js';

type Msg = Record<string, unknown>;
// biome-ignore lint/suspicious/noExplicitAny: a parsed JSON tree the test rewires
type JsonTree = Record<string, any>;

function router(by: 'id' | 'type') {
  const base = JSON.parse(JSON.stringify(ACME)) as JsonTree;
  base['match'] = { by, path: by === 'id' ? 'rid' : 'type' };
  for (const [op, type] of [
    ['auth', 'login'],
    ['balance', 'balance'],
    ['buy', 'trade'],
    ['follow', 'watch'],
    ['contractsSince', 'history'],
    ['ticks', 'quotes'],
  ]) {
    base['operations'][op as string]['replyType'] = type;
  }
  base['operations']['follow']['unfollow']['replyType'] = 'unwatch';
  const protocol = parseJsonWsProtocol(base);
  const requests = new RequestCorrelator<Msg>({
    timeoutMs: 1000,
    scheduler: new ManualScheduler(),
    toError: (f) => new ExecutionError('EXECUTION_TIMEOUT', 'no answer', { reqId: f.id }),
  });
  return { requests, router: new ReplyRouter<Msg>(protocol, new ReplyReader(protocol), requests) };
}

describe('ReplyRouter', () => {
  it('matches by echoed id, numeric strings included, and tells late replies apart', async () => {
    const { requests, router: r } = router('id');
    const first = requests.request('buy', () => {});
    expect(r.route({ rid: '1', type: 'trade' })).toBe('answered');
    expect(await first).toEqual({ rid: '1', type: 'trade' });
    expect(r.route({ rid: 1 })).toBe('late');
    expect(r.route({ type: 'trade_update' })).toBe('not-a-reply');
  });

  it('matches by type, oldest first; an error of no known type answers the oldest waiting request', async () => {
    const { requests, router: r } = router('type');
    const buys = [1, 2].map(() => requests.request('buy', (id) => r.sent(id, 'trade')));
    const history = requests.request('contractsSince', (id) => r.sent(id, 'history'));
    expect(r.route({ type: 'history', trades: [] })).toBe('answered');
    expect(r.route({ type: 'error', error: { code: 'X' } })).toBe('answered');
    expect(r.route({ type: 'trade', n: 2 })).toBe('answered');
    expect(await history).toEqual({ type: 'history', trades: [] });
    expect(await buys[0]).toEqual({ type: 'error', error: { code: 'X' } });
    expect(await buys[1]).toEqual({ type: 'trade', n: 2 });
  });
});
