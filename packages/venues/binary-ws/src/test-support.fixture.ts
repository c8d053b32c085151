/** Test support: the ACME protocol, a token, and small event helpers (tests only). */
import { fileURLToPath } from 'node:url';
import type { Alert } from '@omni/core';
import type { BinaryContract, BinaryOrderRequest } from '@omni/execution';
import { readJsonWsProtocol } from './protocol-load.js';

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
