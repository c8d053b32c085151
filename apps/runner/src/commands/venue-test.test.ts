import { FakeDerivServer } from '@omni/venue-deriv/testing';
import { FakeEa } from '@omni/venue-mt5/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, omni, withEnv } from '../cli.fixture.js';
import { TOKEN } from './live.fixture.js';

const BRIDGE_SECRET = 'venue-test-bridge-secret-42';

let deriv: FakeDerivServer | undefined;
let ea: FakeEa | undefined;
afterEach(async () => {
  await deriv?.close();
  await ea?.disconnect();
  deriv = undefined;
  ea = undefined;
});

describe('omni venue test', () => {
  it('deriv --order --json: every step against the fake server, one contract to settlement, one JSON object', async () => {
    const server = await FakeDerivServer.start({ token: TOKEN, seed: 11 });
    deriv = server;
    server.autoTick(5);
    const run = await withEnv({ DERIV_TOKEN: TOKEN, DERIV_APP_ID: '1089', DERIV_WS_URL: server.url }, () =>
      omni([
        'venue',
        'test',
        'deriv',
        '--order',
        '--stake',
        '1',
        '--duration',
        '5',
        '--duration-unit',
        't',
        '--json',
      ]),
    );
    expect(run.code).toBe(0);
    const result = JSON.parse(run.out) as {
      contract: { id: number; buyPrice: number; status: string; profit: number };
    };
    const contract = server.market.contracts.get(result.contract.id);
    expect(result).toEqual({
      authorized: true,
      currency: 'USD',
      balance: 10_000,
      ticks: 3,
      proposal: { id: expect.any(String), askPrice: 1, payout: 1.95 },
      contract: { id: contract?.contractId, buyPrice: 1, status: contract?.status, profit: contract?.profit },
    });
    expect(
      run.err
        .split('\n')
        .filter((l) => l.startsWith('ok  '))
        .map((l) => l.split(' ')[2]),
    ).toEqual(['connect', 'authorize', 'balance', 'ticks', 'proposal', 'buy', 'settlement']);
    expect(`${run.out}${run.err}`.includes(TOKEN)).toBe(false);
  });

  it('deriv: a refused token fails naming the step, exit 1, without the token', async () => {
    const server = await FakeDerivServer.start({ token: TOKEN, seed: 11 });
    deriv = server;
    server.refuseToken();
    const run = await withEnv({ DERIV_TOKEN: TOKEN, DERIV_APP_ID: '1089', DERIV_WS_URL: server.url }, () =>
      omni(['venue', 'test', 'deriv', '--json']),
    );
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/\[DERIV_STEP_FAILED\].*step="authorize"/);
    expect(`${run.out}${run.err}`.includes(TOKEN)).toBe(false);
  });

  it('mt5 --listen: waits for the EA, checks ticks, positions and a round trip, places no order', async () => {
    const port = await freePort();
    const fake = new FakeEa({ port, secret: BRIDGE_SECRET });
    ea = fake;
    const run = withEnv({ MT5_BRIDGE_SECRET: BRIDGE_SECRET }, () =>
      omni(['venue', 'test', 'mt5', '--listen', `127.0.0.1:${port}`, '--symbol', 'EURUSD', '--json']),
    );
    // The EA connects out to the bridge as soon as it listens.
    for (;;) {
      try {
        await fake.connect();
        break;
      } catch {
        await new Promise((r) => setImmediate(r));
      }
    }
    await fake.waitFor((m) => m.type === 'subscribe');
    fake.tick('EURUSD', 1.1, 1.1002, 1_700_000_000_000);
    const done = await run;
    expect(done.code).toBe(0);
    expect(JSON.parse(done.out)).toMatchObject({ connected: true, ticks: 1, positions: 0 });
    expect(fake.linesOf('order')).toEqual([]);
    expect(`${done.out}${done.err}`.includes(BRIDGE_SECRET)).toBe(false);
  });

  it('refuses an unknown venue and a missing secret with exit 2', async () => {
    const unknown = await omni(['venue', 'test', 'pocketoption']);
    const noListen = await withEnv({ MT5_BRIDGE_SECRET: BRIDGE_SECRET }, () =>
      omni(['venue', 'test', 'mt5']),
    );
    expect([unknown.code, noListen.code]).toEqual([2, 2]);
    expect(unknown.err).toContain('no venue test for pocketoption');
    expect(noListen.err).toContain('--listen HOST:PORT is required');
  });
});
