/** Test support shared by this package's tests: servers and clients closed after each test. */
import type { Scheduler } from '@omni/connection';
import { type Alert, Secret } from '@omni/core';
import type { BrokerLinkState } from '@omni/execution';
import { afterEach } from 'vitest';
import { DerivClient } from './deriv-client.js';
import type { DerivClientOptions } from './deriv-client-options.js';
import { FakeDerivServer, type FakeDerivServerOptions } from './fake-deriv-server.fixture.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A started fake server, closed after the test. */
export async function fakeServer(options: FakeDerivServerOptions = {}): Promise<FakeDerivServer> {
  const server = await FakeDerivServer.start({ seed: 7, ...options });
  cleanups.push(() => server.close());
  return server;
}

/** A client of `server` with the server's token, its alerts collected, closed after the test. */
export function clientOf(
  server: FakeDerivServer,
  options: Partial<DerivClientOptions> & { scheduler?: Scheduler } = {},
): { client: DerivClient; alerts: AlertLog } {
  const alerts = new AlertLog();
  const client = new DerivClient({
    appId: '1089',
    wsUrl: server.url,
    token: new Secret(server.token),
    seed: 11,
    backoff: { initialMs: 5, maxMs: 20 },
    onAlert: alerts.sink,
    ...options,
  });
  cleanups.push(() => client.close());
  return { client, alerts };
}

/** The alerts a client raised, and a way to await one. */
export class AlertLog {
  readonly list: Alert[] = [];
  readonly #waiters: { code: string; resolve: (a: Alert) => void }[] = [];
  readonly sink = (alert: Alert): void => {
    this.list.push(alert);
    for (const w of [...this.#waiters]) {
      if (w.code !== alert.code) continue;
      this.#waiters.splice(this.#waiters.indexOf(w), 1);
      w.resolve(alert);
    }
  };

  codes(): string[] {
    return this.list.map((a) => a.code);
  }

  /** Resolves with the first alert with `code` (one already raised, or the next). */
  arrives(code: string): Promise<Alert> {
    const found = this.list.find((a) => a.code === code);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.#waiters.push({ code, resolve }));
  }
}

/** Resolves with the next link state matching `predicate`. */
export function nextLinkState(
  client: Pick<DerivClient, 'onLinkState'>,
  predicate: (state: BrokerLinkState) => boolean,
): Promise<BrokerLinkState> {
  return new Promise((resolve) => {
    const stop = client.onLinkState((state) => {
      if (!predicate(state)) return;
      stop();
      resolve(state);
    });
  });
}
