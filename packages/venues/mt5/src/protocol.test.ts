import { describe, expect, it } from 'vitest';
import { encodeBridgeMessage, parseEaLine } from './protocol.js';

describe('protocol v1', () => {
  it('parses a closing deal with every field', () => {
    const line =
      '{"v":1,"type":"closed","client_id":"d1","ticket":"1001","volume":0.1,"remaining":0.1,"price":1.1012,"profit":12,"commission":-0.35,"swap":0,"time_msc":5,"reason":"close"}';
    expect(parseEaLine(line)).toEqual({
      ok: true,
      message: {
        v: 1,
        type: 'closed',
        client_id: 'd1',
        ticket: '1001',
        volume: 0.1,
        remaining: 0.1,
        price: 1.1012,
        profit: 12,
        commission: -0.35,
        swap: 0,
        time_msc: 5,
        reason: 'close',
      },
    });
  });

  it('names every bad field with its path, and refuses another version', () => {
    expect(parseEaLine('{"v":1,"type":"tick","symbol":"EURUSD","bid":-1,"time_msc":1}')).toEqual({
      ok: false,
      problem:
        'not a protocol v1 message: bid: Too small: expected number to be >0; ask: Invalid input: expected number, received undefined',
    });
    expect(parseEaLine('{"v":2,"type":"heartbeat","time_msc":1}')).toMatchObject({ ok: false });
    expect(parseEaLine('{"v":1,"type":"fill"')).toEqual({ ok: false, problem: 'line is not JSON' });
  });

  it('refuses a client id longer than the 31 characters of an MT5 order comment', () => {
    const id = 'x'.repeat(32);
    expect(parseEaLine(`{"v":1,"type":"reject","client_id":"${id}","retcode":0,"message":""}`).ok).toBe(
      false,
    );
  });

  it('encodes bridge lines with the version and a newline', () => {
    expect(encodeBridgeMessage({ type: 'close', client_id: 'd1', volume: 0.1 })).toBe(
      '{"v":1,"type":"close","client_id":"d1","volume":0.1}\n',
    );
  });
});
