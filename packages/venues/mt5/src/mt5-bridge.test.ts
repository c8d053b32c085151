import { connect } from 'node:net';
import { Secret } from '@omni/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { nextEvent, nextMessage, SECRET, startBridge, T0 } from './bridge-kit.fixture.js';
import { FakeEa } from './fake-ea.fixture.js';
import { Mt5Bridge } from './mt5-bridge.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function setup() {
  const kit = await startBridge();
  cleanup.push(() => kit.bridge.stop());
  const ea = new FakeEa({ port: kit.port, secret: SECRET });
  cleanup.push(() => ea.disconnect());
  return { ...kit, ea };
}

describe('Mt5Bridge', () => {
  it('welcomes an EA with the right secret and reports the session up', async () => {
    const { bridge, ea, alerts } = await setup();
    const up = nextEvent(bridge, (e) => e.kind === 'up');
    expect(await ea.connect()).toBe('welcome');
    expect(await up).toEqual({
      kind: 'up',
      session: {
        id: 's1',
        account: 51234567,
        server: 'Example-Demo',
        build: 4755,
        currency: 'USD',
        sinceMs: T0,
      },
    });
    expect(ea.received[0]).toEqual({ v: 1, type: 'welcome', session: 's1' });
    expect(alerts.map((a) => a.code)).toEqual(['MT5_SESSION_UP']);
  });

  it('denies a wrong secret and closes, with the secret in no alert', async () => {
    const { bridge, ea, alerts } = await setup();
    const wrong = 'not-the-secret-but-long-enough';
    expect(await ea.connect(wrong)).toBe('denied');
    await ea.closedByBridge();
    expect(ea.received).toEqual([{ v: 1, type: 'denied', reason: 'wrong secret' }]);
    expect(bridge.session).toBeUndefined();
    expect(alerts.map((a) => [a.code, a.message])).toEqual([
      ['MT5_AUTH_DENIED', 'EA hello refused: wrong secret'],
    ]);
    const text = JSON.stringify(alerts);
    expect(text).not.toContain(wrong);
    expect(text).not.toContain(SECRET);
  });

  it('denies a hello without a secret, a first line that is not a hello, and a non-USD account', async () => {
    const { port, alerts } = await setup();
    const hello =
      '{"v":1,"type":"hello","account":7,"server":"Example-Demo","build":4755,"currency":"USD"}\n';
    expect(await rawLines(port, hello)).toEqual([
      '{"v":1,"type":"denied","reason":"the first line must be a protocol v1 hello (not a protocol v1 message: secret: Invalid input: expected string, received undefined)"}',
    ]);
    expect(await rawLines(port, '{"v":1,"type":"heartbeat","time_msc":1}\n')).toEqual([
      '{"v":1,"type":"denied","reason":"the first line must be a protocol v1 hello (expected hello, got heartbeat)"}',
    ]);
    const eur = new FakeEa({ port, secret: SECRET, currency: 'EUR' });
    cleanup.push(() => eur.disconnect());
    expect(await eur.connect()).toBe('denied');
    expect(eur.received[0]?.['reason']).toBe(
      "account currency EUR: the bridge books the broker's profit as USD, so it accepts USD accounts only",
    );
    expect(alerts.map((a) => a.code)).toEqual(['MT5_AUTH_DENIED', 'MT5_AUTH_DENIED', 'MT5_AUTH_DENIED']);
  });

  it('skips a malformed line with an alert and keeps the session', async () => {
    const { bridge, ea, alerts } = await setup();
    await ea.connect();
    const tick = nextMessage(bridge, 'tick');
    ea.sendRaw('garbage\n{"v":1,"type":"tick","symbol":"EURUSD","bid":1.1,"time_msc":1}\n');
    ea.tick('EURUSD', 1.1, 1.1002, 2);
    expect(await tick).toMatchObject({ message: { type: 'tick', bid: 1.1, ask: 1.1002, time_msc: 2 } });
    expect(alerts.filter((a) => a.code === 'MT5_PROTOCOL').map((a) => a.message)).toEqual([
      'skipped: line is not JSON',
      'skipped: not a protocol v1 message: ask: Invalid input: expected number, received undefined',
    ]);
    expect(bridge.session?.id).toBe('s1');
  });

  it('closes the connection on a line over 64 KiB and reports the session down', async () => {
    const { bridge, ea, alerts } = await setup();
    await ea.connect();
    const down = nextEvent(bridge, (e) => e.kind === 'down');
    ea.sendRaw(`{"v":1,"type":"heartbeat","pad":"${'x'.repeat(70_000)}`);
    expect(await down).toMatchObject({ kind: 'down', reason: 'line too long' });
    await ea.closedByBridge();
    expect(alerts.find((a) => a.code === 'MT5_LINE_TOO_LONG')?.message).toBe(
      'a line longer than 65536 bytes; closing the connection',
    );
  });

  it('lets a second hello replace the session (a restarted EA is back at once)', async () => {
    const { bridge, ea, port, alerts } = await setup();
    await ea.connect();
    const second = new FakeEa({ port, secret: SECRET });
    cleanup.push(() => second.disconnect());
    const down = nextEvent(bridge, (e) => e.kind === 'down');
    expect(await second.connect()).toBe('welcome');
    expect(await down).toMatchObject({ session: { id: 's1' }, reason: 'replaced by a new hello' });
    await ea.closedByBridge();
    expect(bridge.session?.id).toBe('s2');
    expect(alerts.map((a) => a.code)).toEqual([
      'MT5_SESSION_UP',
      'MT5_SESSION_REPLACED',
      'MT5_SESSION_DOWN',
      'MT5_SESSION_UP',
    ]);
  });

  it('sends heartbeats and declares the session down after the heartbeat timeout', async () => {
    const { bridge, ea, scheduler } = await setup();
    await ea.connect();
    const beat = ea.waitFor((m) => m.type === 'heartbeat');
    scheduler.advance(5_000);
    expect(await beat).toEqual({ v: 1, type: 'heartbeat', time_msc: T0 + 5_000 });
    const down = nextEvent(bridge, (e) => e.kind === 'down');
    scheduler.advance(15_000);
    expect(await down).toMatchObject({ reason: 'heartbeat timeout' });
    await ea.closedByBridge();
  });

  it('closes a connection that never says hello', async () => {
    const { bridge, port, scheduler, alerts } = await setup();
    const socket = connect({ host: '127.0.0.1', port });
    cleanup.push(async () => void socket.destroy());
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    await vi.waitFor(() => expect(bridge.connections).toBe(1));
    scheduler.advance(10_000);
    await closed;
    expect(alerts.map((a) => a.code)).toEqual(['MT5_NO_HELLO']);
  });

  it('refuses to be built without a secret', () => {
    expect(() => new Mt5Bridge({ port: 0, secret: new Secret('') })).toThrow(
      expect.objectContaining({ name: 'Mt5Error', code: 'MT5_NO_SECRET' }),
    );
  });
});

/** Sends `text` on a fresh connection and resolves with the lines the bridge sent until it closed. */
function rawLines(port: number, text: string): Promise<string[]> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(text));
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      data += chunk;
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve(data.split('\n').filter((l) => l !== '')));
  });
}
