/**
 * The port a binary-options broker adapter implements (Deriv, a configured JSON-over-WebSocket
 * platform, your own). It speaks the broker's protocol and nothing more: `BrokerBinaryExecutor`
 * turns any port into the engine's `BinaryExecutor` and owns what touches money the same way for
 * every broker — the persisted decision → contract map written around each buy, never a second buy
 * for one decision, reconciliation after a reconnect, the parallel shadow settlement and its
 * divergence alerts, health reports.
 *
 * Rules for an adapter:
 * - every request has a timeout; a request that timed out rejects with ExecutionError
 *   `EXECUTION_TIMEOUT` (the executor then treats a buy as *unanswered*, never as refused);
 * - a broker's refusal rejects with ExecutionError `EXECUTION_REJECTED` (the contract certainly was not
 *   bought), a lost connection or a transport failure with `EXECUTION_VENUE_UNAVAILABLE`, anything else
 *   the broker answered as an error with `EXECUTION_BROKER_ERROR` — each with the broker's own code in
 *   `context.brokerCode` when it has one;
 * - `buy` never retries on its own: a retried buy is a second buy;
 * - after a reconnect the adapter re-authorizes by itself and reports `{ up: true }`; it does not
 *   resubscribe contracts (the executor calls `follow` again for each one it holds);
 * - no secret (token, password) in any message, error, alert or log line.
 */

/** How a contract's duration is counted: ticks, seconds, minutes, hours, days (Deriv's units). */
export type BinaryDurationUnit = 't' | 's' | 'm' | 'h' | 'd';

/** One binary option to buy. */
export interface BinaryOrderRequest {
  /** The idempotency key: the decision id. An adapter that can attach it to the contract should. */
  readonly clientId: string;
  /** The broker's symbol, e.g. `R_100`, `frxEURUSD`. */
  readonly symbol: string;
  readonly direction: 'call' | 'put';
  /** Stake in the account currency. */
  readonly stake: number;
  /** The account currency, e.g. `USD`. */
  readonly currency: string;
  readonly duration: number;
  readonly durationUnit: BinaryDurationUnit;
  /** The most the buy may cost (the broker's price cap), ≥ `stake`. */
  readonly maxPrice: number;
}

/** A contract as the broker reports it. Money in the account currency; times epoch ms. */
export interface BinaryContract {
  /** The broker's contract id, as a string. */
  readonly contractId: string;
  readonly symbol: string;
  readonly direction: 'call' | 'put';
  readonly buyPrice: number;
  /** What a win pays back in total (stake included). */
  readonly payout: number;
  readonly purchaseTsMs: number;
  /** `open` until the broker settles it; `sold` when sold before expiry or cancelled (profit says how it ended). */
  readonly status: 'open' | 'won' | 'lost' | 'sold';
  readonly entrySpot?: number;
  readonly entryTsMs?: number;
  readonly exitSpot?: number;
  readonly exitTsMs?: number;
  /** Final profit (sell price − buy price) once settled. */
  readonly profit?: number;
  readonly sellPrice?: number;
  /** The client id, when the broker echoes it back (e.g. a passthrough field). */
  readonly clientId?: string;
}

/** The account the port is logged in to. */
export interface BrokerAccount {
  readonly currency: string;
  readonly balance: number;
  /** The broker's account label (e.g. a login id such as `VRTC123`): not a secret, never the token. */
  readonly accountId?: string;
}

/** The port's link: `up` once connected and authorized, `down` with a reason a person can act on. */
export type BrokerLinkState = { readonly up: true } | { readonly up: false; readonly reason: string };

/** Stops a subscription. */
export type Unsubscribe = () => void;

/** A binary-options broker, as `BrokerBinaryExecutor` drives it. */
export interface BinaryBrokerPort {
  /** Venue name stamped on fills, positions and alerts, e.g. `deriv`. */
  readonly venue: string;
  /** Smallest stake the broker accepts in the account currency (micro-live clamps to it). */
  readonly minStake: number;
  /** Connects and authorizes; resolves with the account. Rejects with a typed error naming what failed. */
  connect(): Promise<BrokerAccount>;
  /** Closes the connection for good (no reconnect). */
  close(): Promise<void>;
  /** Prices and buys one contract; resolves with it as bought (status `open`). Never retries. */
  buy(order: BinaryOrderRequest): Promise<BinaryContract>;
  /**
   * Follows a contract until it settles: `onUpdate` receives every change, the last one settled
   * (status other than `open`). Resolves once subscribed; the returned function stops following.
   * A reconnect ends every subscription: the executor calls `follow` again.
   */
  follow(contractId: string, onUpdate: (contract: BinaryContract) => void): Promise<Unsubscribe>;
  /**
   * Contracts bought at or after `sinceMs` (open and settled): how an unanswered buy is resolved
   * (Deriv: `portfolio` and `profit_table`), never by buying again.
   */
  contractsSince(sinceMs: number): Promise<readonly BinaryContract[]>;
  /** Link changes (down on a lost connection or refused login, up after a reconnect); returns the unsubscribe. */
  onLinkState(listener: (state: BrokerLinkState) => void): Unsubscribe;
}
