import { type Clock, ExecutionError } from '@omni/core';
import type {
  BinaryBrokerPort,
  BinaryContract,
  BinaryOrderRequest,
  BrokerAccount,
  BrokerLinkState,
  Unsubscribe,
} from './binary-broker-port.js';

/** What the next buy does: bought and answered; refused; bought but unanswered; lost before the broker saw it. */
export type FakeBuyBehaviour = 'ok' | 'refuse' | 'bought-unanswered' | 'lost-unanswered';

/**
 * An in-memory broker for the executor's tests: keeps its own contracts, settles them when the test
 * says so, and counts buys per client id (a second buy for one decision is the bug the tests catch).
 */
export class FakeBinaryBroker implements BinaryBrokerPort {
  readonly venue = 'fakebroker';
  readonly minStake = 0.35;
  readonly contracts = new Map<string, BinaryContract>();
  readonly buysByClient = new Map<string, number>();
  readonly next: FakeBuyBehaviour[] = [];
  #follows = new Map<string, (c: BinaryContract) => void>();
  readonly #link = new Set<(s: BrokerLinkState) => void>();
  #seq = 1000;
  #up = false;
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  async connect(): Promise<BrokerAccount> {
    this.#up = true;
    return { currency: 'USD', balance: 10_000, accountId: 'VRTC1' };
  }

  async close(): Promise<void> {
    this.#up = false;
  }

  async buy(order: BinaryOrderRequest): Promise<BinaryContract> {
    const behaviour = this.next.shift() ?? 'ok';
    if (!this.#up) throw new ExecutionError('EXECUTION_VENUE_UNAVAILABLE', 'not connected', {});
    if (behaviour === 'lost-unanswered') throw new ExecutionError('EXECUTION_TIMEOUT', 'buy timed out', {});
    if (behaviour === 'refuse') {
      throw new ExecutionError('EXECUTION_REJECTED', 'insufficient balance', {
        brokerCode: 'InsufficientBalance',
      });
    }
    this.buysByClient.set(order.clientId, (this.buysByClient.get(order.clientId) ?? 0) + 1);
    const contract: BinaryContract = {
      contractId: String(++this.#seq),
      symbol: order.symbol,
      direction: order.direction,
      buyPrice: order.stake,
      payout: Math.round(order.stake * 195) / 100,
      purchaseTsMs: this.#clock.nowMs(),
      status: 'open',
    };
    this.contracts.set(contract.contractId, contract);
    if (behaviour === 'bought-unanswered') throw new ExecutionError('EXECUTION_TIMEOUT', 'buy timed out', {});
    return contract;
  }

  async follow(contractId: string, onUpdate: (c: BinaryContract) => void): Promise<Unsubscribe> {
    if (!this.#up) throw new ExecutionError('EXECUTION_VENUE_UNAVAILABLE', 'not connected', {});
    this.#follows.set(contractId, onUpdate);
    const current = this.contracts.get(contractId);
    if (current) onUpdate(current);
    return () => this.#follows.delete(contractId);
  }

  async contractsSince(sinceMs: number): Promise<readonly BinaryContract[]> {
    if (!this.#up) throw new ExecutionError('EXECUTION_VENUE_UNAVAILABLE', 'not connected', {});
    return [...this.contracts.values()].filter((c) => c.purchaseTsMs >= sinceMs);
  }

  onLinkState(listener: (state: BrokerLinkState) => void): Unsubscribe {
    this.#link.add(listener);
    return () => this.#link.delete(listener);
  }

  /** Settles a contract the broker's way (entry and exit spots, profit) and tells its follower. */
  settle(contractId: string, won: boolean, entrySpot: number, exitSpot: number): void {
    const c = this.contracts.get(contractId);
    if (c === undefined) throw new Error(`no contract ${contractId}`);
    const settled: BinaryContract = {
      ...c,
      status: won ? 'won' : 'lost',
      entrySpot,
      entryTsMs: c.purchaseTsMs + 1000,
      exitSpot,
      exitTsMs: this.#clock.nowMs(),
      profit: won ? Math.round((c.payout - c.buyPrice) * 100) / 100 : -c.buyPrice,
      sellPrice: won ? c.payout : 0,
    };
    this.contracts.set(contractId, settled);
    this.#follows.get(contractId)?.(settled);
  }

  /** Drops the link: every follow ends (as a real reconnect ends subscriptions). */
  drop(reason: string): void {
    this.#up = false;
    this.#follows = new Map();
    for (const l of this.#link) l({ up: false, reason });
  }

  /** Reconnected and re-authorized. */
  restore(): void {
    this.#up = true;
    for (const l of this.#link) l({ up: true });
  }

  get following(): number {
    return this.#follows.size;
  }
}

/** Lets every promise chain the fakes started run to its end (not a sleep: one macrotask turn). */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
