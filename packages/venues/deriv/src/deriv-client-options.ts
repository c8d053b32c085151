import type { BackoffOptions, Scheduler } from '@omni/connection';
import type { Alert, Clock, Secret } from '@omni/core';

/** The public Deriv WebSocket API v3 endpoint. */
export const DERIV_DEFAULT_WS_URL = 'wss://ws.derivws.com/websockets/v3';

/** Options of a {@link DerivClient}. */
export interface DerivClientOptions {
  /** The app id registered with Deriv (`?app_id=` of the URL). */
  readonly appId: string;
  /** API token (scopes read + trade). Without one the client serves public calls only (ticks). */
  readonly token?: Secret;
  /** Default {@link DERIV_DEFAULT_WS_URL}; tests pass `ws://127.0.0.1:<port>`. */
  readonly wsUrl?: string;
  /** Deadline of every request. Default 10 000 ms. */
  readonly requestTimeoutMs?: number;
  /** A `ping` request this often; no pong within `requestTimeoutMs` drops the link. Default 30 000 ms. */
  readonly pingIntervalMs?: number;
  /** No inbound frame for this long drops the link. Default 2 × ping interval + request timeout. */
  readonly staleTimeoutMs?: number;
  /** Larger frames are refused by ws (`maxPayload`): alert, the link is dropped and reopened. Default 1 MiB. */
  readonly maxFrameBytes?: number;
  /** Reconnect backoff (seeded jitter). */
  readonly backoff?: BackoffOptions;
  readonly maxReconnects?: number;
  /** Backoff of a read retried after `RateLimit`. Default 1 s doubling to 30 s, ±30 %. */
  readonly rateLimitBackoff?: BackoffOptions;
  /** Retries of one read after `RateLimit` before it fails DERIV_RATE_LIMITED. Default 5. */
  readonly maxRateLimitRetries?: number;
  /** Seed of the reconnect and rate-limit jitter. Default 0. */
  readonly seed?: number | string;
  readonly clock?: Clock;
  readonly scheduler?: Scheduler;
  readonly onAlert?: (alert: Alert) => void;
  /** Alert source. Default `deriv`. */
  readonly name?: string;
}

/** The account the token logs in to. */
export interface DerivAccount {
  readonly loginid: string;
  readonly currency: string;
  readonly balance: number;
}

/** A live subscription (`ticks`, `proposal_open_contract`): Deriv's `subscription.id`. */
export interface DerivSubscription {
  readonly id: string;
  /** Sends `forget` for it (and stops delivering its frames at once). */
  forget(): Promise<void>;
}
