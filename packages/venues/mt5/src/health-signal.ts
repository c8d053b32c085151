import type { BrokerHealthListener, BrokerHealthReport } from '@omni/execution';

/**
 * A venue's health as the executor port reports it: listeners hear only changes (up → down → up),
 * each with the reason it went down.
 */
export class HealthSignal {
  readonly #market: BrokerHealthReport['market'];
  readonly #venue: string;
  readonly #listeners: BrokerHealthListener[] = [];
  #ok = false;

  constructor(market: BrokerHealthReport['market'], venue: string) {
    this.#market = market;
    this.#venue = venue;
  }

  get ok(): boolean {
    return this.#ok;
  }

  /** Subscribes; returns the unsubscribe function. */
  on(listener: BrokerHealthListener): () => void {
    this.#listeners.push(listener);
    return () => {
      const i = this.#listeners.indexOf(listener);
      if (i >= 0) this.#listeners.splice(i, 1);
    };
  }

  /** Reports `ok` (with why, when down) if it changed. */
  set(ok: boolean, reason?: string): void {
    if (ok === this.#ok) return;
    this.#ok = ok;
    const report: BrokerHealthReport = {
      market: this.#market,
      venue: this.#venue,
      ok,
      ...(reason !== undefined ? { reason } : {}),
    };
    for (const listener of [...this.#listeners]) listener(report);
  }
}
