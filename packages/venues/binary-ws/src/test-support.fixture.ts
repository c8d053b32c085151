/** Test support: the ACME protocol, a token, and small event helpers (tests only). */
import { fileURLToPath } from 'node:url';
import { ManualScheduler } from '@omni/connection';
import { type Alert, Secret } from '@omni/core';
import type { BinaryContract, BinaryOrderRequest, BrokerLinkState } from '@omni/execution';
import { afterEach } from 'vitest';
import { FakeAcme } from './fake-acme.fixture.js';
import { JsonWsBinaryBroker } from './json-ws-binary-broker.js';
import { readJsonWsProtocol } from './protocol-load.js';
import type { JsonWsProtocol } from './protocol-schema.js';

export const ACME_FILE = fileURLToPath(new URL('../examples/acme-binary.json', import.meta.url));
export const ACME = readJsonWsProtocol(ACME_FILE);
/** A token long enough to be registered for scrubbing (≥ 6 characters). */
export const TOKEN = 'acme-live-key-7f3a9c';
/** The ACME platform's clock (epoch seconds) as the tests' clock starts it, in ms. */
export const T0_MS = 1_700_000_000_000;

export const ORDER: BinaryOrderRequest = {
  clientId: 'd-1',
  symbol: 'EURUSD',
  direction: 'call',
  stake: 10,
  currency: 'USD',
  duration: 5,
  durationUnit: 'm',
  maxPrice: 10.5,
};

/** Alerts as they come, with a promise for the first one matching a predicate. */
/** The contract the fake server reports for {@link ORDER} once bought (still open). */
export const OPEN_CONTRACT: BinaryContract = {
  contractId: '9001',
  symbol: 'EURUSD',
  direction: 'call',
  buyPrice: 10,
  payout: 18.5,
  purchaseTsMs: T0_MS,
  status: 'open',
  entrySpot: 1.0842,
  clientId: 'd-1',
};

export class AlertLog {
  readonly alerts: Alert[] = [];
  readonly #waiters: { match: (a: Alert) => boolean; resolve: (a: Alert) => void }[] = [];

  readonly sink = (alert: Alert): void => {
    this.alerts.push(alert);
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      const w = this.#waiters[i];
      if (w?.match(alert)) {
        this.#waiters.splice(i, 1);
        w.resolve(alert);
      }
    }
  };

  waitFor(match: (a: Alert) => boolean): Promise<Alert> {
    const seen = this.alerts.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.#waiters.push({ match, resolve }));
  }
}

/** Collects contract updates; `settled` resolves with the first one that is not open. */
export function updateLog(): {
  readonly updates: BinaryContract[];
  readonly onUpdate: (c: BinaryContract) => void;
  readonly settled: Promise<BinaryContract>;
} {
  const updates: BinaryContract[] = [];
  let resolve: (c: BinaryContract) => void = () => {};
  const settled = new Promise<BinaryContract>((r) => {
    resolve = r;
  });
  return {
    updates,
    settled,
    onUpdate: (c) => {
      updates.push(c);
      if (c.status !== 'open') resolve(c);
    },
  };
}

/**
 * A broker on the ACME protocol against a fresh fake server, time moved by hand (`scheduler`),
 * alerts and link states recorded; everything is closed after each test.
 */
export function brokerRig(): {
  readonly setup: (token?: string, protocol?: JsonWsProtocol) => Promise<Rig>;
} {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const setup = async (token = TOKEN, protocol = ACME): Promise<Rig> => {
    const server = new FakeAcme(TOKEN);
    cleanups.push(() => server.close());
    const url = await server.ready();
    const scheduler = new ManualScheduler(T0_MS);
    const log = new AlertLog();
    const broker = new JsonWsBinaryBroker({
      protocol,
      url: new Secret(url),
      token: new Secret(token),
      clock: scheduler,
      scheduler,
      seed: 7,
      onAlert: log.sink,
      connection: { backoff: { initialMs: 100, jitter: 0 } },
    });
    cleanups.push(() => broker.close());
    const links: BrokerLinkState[] = [];
    const linkWaiters: { up: boolean; resolve: (s: BrokerLinkState) => void }[] = [];
    broker.onLinkState((state) => {
      links.push(state);
      const i = linkWaiters.findIndex((w) => w.up === state.up);
      if (i >= 0) linkWaiters.splice(i, 1)[0]?.resolve(state);
    });
    const nextLink = (up: boolean): Promise<BrokerLinkState> =>
      new Promise((resolve) => linkWaiters.push({ up, resolve }));
    return { server, scheduler, log, broker, links, nextLink };
  };
  return { setup };
}

/** What {@link brokerRig} sets up. */
export interface Rig {
  readonly server: FakeAcme;
  readonly scheduler: ManualScheduler;
  readonly log: AlertLog;
  readonly broker: JsonWsBinaryBroker;
  readonly links: BrokerLinkState[];
  /** The next link state reported with this `up`. */
  readonly nextLink: (up: boolean) => Promise<BrokerLinkState>;
}
