import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { parseJsonWsProtocol, readJsonWsProtocol } from './protocol-load.js';
import { ACME, ACME_FILE } from './test-support.fixture.js';

// biome-ignore lint/suspicious/noExplicitAny: a parsed JSON tree the tests break one field at a time
type JsonTree = Record<string, any>;

/** The ACME example as plain JSON, to break one field at a time. */
function acmeJson(): JsonTree {
  return JSON.parse(readFileSync(ACME_FILE, 'utf8')) as JsonTree;
}

function detailsOf(input: unknown): readonly string[] {
  try {
    parseJsonWsProtocol(input, 'test.json');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ code: 'CONFIG_INVALID', context: { source: 'test.json' } });
    return (err as ConfigError).details;
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('the binary-ws protocol config', () => {
  it('reads the ACME example with its defaults filled in', () => {
    expect(ACME.venue).toBe('acme');
    expect(ACME.maxFrameBytes).toBe(1_048_576);
    expect(ACME.contract.timeUnit).toBe('s');
    expect(ACME.operations.ticks?.authenticate).toBe(true);
    expect(ACME.error.refused).toEqual(['INSUFFICIENT_FUNDS', 'MARKET_CLOSED', 'PRICE_MOVED']);
  });

  it('names a misspelt placeholder with its path and the known ones', () => {
    const p = acmeJson();
    p['operations']['buy']['request']['amount'] = '{{stak}}';
    const details = detailsOf(p);
    expect(details[0]).toMatch(
      /^operations\.buy\.request\.amount: unknown placeholder \{\{stak\}\}; known: \{\{token\}\} /,
    );
    expect(details[1]).toBe('operations.buy.request: must contain {{stake}}');
    expect(details).toHaveLength(2);
  });

  it('refuses a placeholder the operation has no value for, and a missing request id', () => {
    const p = acmeJson();
    p['operations']['follow']['request'] = { op: 'watch', tradeId: '{{contractId}}', asset: '{{symbol}}' };
    expect(detailsOf(p)).toEqual([
      'operations.follow.request.asset: {{symbol}} has no value in follow; it may use {{token}} {{reqId}} {{contractId}}',
      'operations.follow.request: must contain {{reqId}}',
    ]);
  });

  it('needs {{sinceMs}} or {{sinceSec}} in contractsSince and a placeholder never in a key', () => {
    const p = acmeJson();
    p['operations']['contractsSince']['request'] = { op: 'history', rid: '{{reqId}}', '{{symbol}}': 1 };
    expect(detailsOf(p)).toEqual([
      'operations.contractsSince.request.{{symbol}}: placeholders go in values, not in keys ({{symbol}})',
      'operations.contractsSince.request: must contain one of {{sinceMs}} {{sinceSec}}',
    ]);
  });

  it('catches a misspelt reply path against the example reply', () => {
    const p = acmeJson();
    p['contract']['payout'] = 'payot';
    p['operations']['auth']['account']['currency'] = 'acount.currency';
    expect(detailsOf(p)).toEqual([
      'operations.auth.account.currency: acount.currency is not in operations.auth.example',
      'contract.payout: payot is not a number in operations.buy.example',
      'contract.payout: payot is not a number in operations.follow.updates.example',
      'contract.payout: payot is not a number in operations.contractsSince.example (trades.0)',
    ]);
  });

  it('catches an optional contract path found in no example, and an unmapped status', () => {
    const p = acmeJson();
    p['contract']['exitTime'] = 'closedAtt';
    delete p['contract']['statusMap']['win'];
    expect(detailsOf(p)).toEqual([
      'contract.statusMap: must map some platform value to "won"',
      'contract.statusMap: has no entry for "win" (the status in operations.follow.updates.example)',
      'contract.exitTime: closedAtt is in none of the examples (operations.buy.example, operations.follow.updates.example, operations.contractsSince.example (trades.0))',
    ]);
  });

  it('checks shapes: path syntax, direction words, match by type needs reply types', () => {
    const p = acmeJson();
    p['contract']['status'] = 'state..value';
    p['direction'] = { call: 'UP', put: 'UP' };
    expect(detailsOf(p)).toEqual([
      'direction: call and put must be different words',
      'contract.status: must be a dot path such as trade.id (letters, digits, _ $ -; segments joined by dots)',
    ]);
    const q = acmeJson();
    q['match'] = { by: 'type', path: 'type' };
    q['operations']['auth']['replyType'] = 'login';
    const details = detailsOf(q);
    expect(details).toContain(
      'operations.buy.replyType: needed when match.by is "type": the value at type of its reply',
    );
    expect(details).not.toContain(
      'operations.auth.replyType: needed when match.by is "type": the value at type of its reply',
    );
  });

  it('reports an unreadable file and a file that is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'binary-ws-'));
    expect(() => readJsonWsProtocol(join(dir, 'missing.json'))).toThrow(
      expect.objectContaining({ code: 'CONFIG_FILE_UNREADABLE' }),
    );
    writeFileSync(join(dir, 'bad.json'), '{ "venue": ');
    expect(() => readJsonWsProtocol(join(dir, 'bad.json'))).toThrow(
      expect.objectContaining({ code: 'CONFIG_FILE_INVALID_JSON' }),
    );
  });
});
