import { createServer } from 'node:net';
import { ManualScheduler } from '@omni/connection';
import { describe, expect, it } from 'vitest';
import { SECRET, T0 } from './bridge-kit.fixture.js';
import { FakeEa } from './fake-ea.fixture.js';
import { type Mt5VenueTestStep, runMt5VenueTest } from './venue-test.js';

/** A free port on 127.0.0.1 (listen on 0, read it, close). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  await new Promise((r) => server.close(r));
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return address.port;
}

describe('runMt5VenueTest', () => {
  it('waits for the EA, receives ticks, counts positions and measures the round trip', async () => {
    const port = await freePort();
    const scheduler = new ManualScheduler(T0);
    const steps: Mt5VenueTestStep[] = [];
    const ea = new FakeEa({ port, secret: SECRET });
    ea.positions.set('x', {
      client_id: 'x',
      ticket: '7',
      symbol: 'EURUSD',
      side: 'buy',
      volume: 0.01,
      open_price: 1.1,
      sl: 0,
      tp: 0,
      time_msc: T0,
    });
    const result = runMt5VenueTest(
      { listen: `127.0.0.1:${port}`, secret: SECRET, symbols: ['EURUSD'], clock: scheduler, scheduler },
      (step) => {
        steps.push(step);
        if (step.step === 'listen') void ea.connect();
        if (step.step === 'hello')
          void ea.waitFor((m) => m.type === 'subscribe').then(() => ea.tick('EURUSD', 1.1, 1.1002, T0));
      },
    );
    expect(await result).toEqual({
      connected: true,
      account: 51234567,
      server: 'Example-Demo',
      build: 4755,
      ticks: 1,
      roundTripMs: 0,
      positions: 1,
    });
    expect(steps.map((s) => s.step)).toEqual(['listen', 'hello', 'ticks', 'positions', 'ping']);
    expect(ea.linesOf('order')).toEqual([]);
    await ea.closedByBridge();
  });

  it('fails naming the hello step when no EA comes', async () => {
    const port = await freePort();
    const scheduler = new ManualScheduler(T0);
    const result = runMt5VenueTest(
      { listen: `127.0.0.1:${port}`, secret: SECRET, timeoutMs: 1_000, clock: scheduler, scheduler },
      // The hello timer is armed right after the listen step.
      (step) => step.step === 'listen' && queueMicrotask(() => scheduler.advance(1_000)),
    );
    await expect(result).rejects.toMatchObject({
      name: 'Mt5Error',
      code: 'MT5_NO_EA',
      context: { step: 'hello', listen: `127.0.0.1:${port}` },
    });
  });

  it('fails at once on a refused secret, as MT5_AUTH_DENIED without the secret', async () => {
    const port = await freePort();
    const scheduler = new ManualScheduler(T0);
    const ea = new FakeEa({ port, secret: 'wrong-secret-value-123' });
    const result = runMt5VenueTest(
      { listen: `127.0.0.1:${port}`, secret: SECRET, timeoutMs: 1_000, clock: scheduler, scheduler },
      (step) => {
        if (step.step === 'listen') void ea.connect();
      },
    );
    const err = (await result.catch((e: unknown) => e)) as Error;
    expect(err).toMatchObject({ code: 'MT5_AUTH_DENIED', shortMessage: 'EA hello refused: wrong secret' });
    expect(String(err.message)).not.toContain('wrong-secret-value-123');
    expect(String(err.message)).not.toContain(SECRET);
  });

  it('refuses a listen address that is not host:port', async () => {
    await expect(runMt5VenueTest({ listen: '5555', secret: SECRET })).rejects.toMatchObject({
      code: 'MT5_BAD_OPTION',
    });
  });
});
