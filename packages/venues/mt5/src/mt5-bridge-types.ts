import type { Scheduler } from '@omni/connection';
import type { Alert, Clock, Secret } from '@omni/core';
import type { EaHello, EaMessage } from './protocol.js';

/** Options of an {@link Mt5Bridge}. */
export interface Mt5BridgeOptions {
  /** Interface to listen on. Default `127.0.0.1` (the EA runs on the same machine or through a tunnel). */
  readonly host?: string;
  /** TCP port; 0 picks a free one (see {@link Mt5Bridge.address}). */
  readonly port: number;
  /** The shared secret the EA must send in its hello (MT5_BRIDGE_SECRET). */
  readonly secret: Secret;
  readonly clock?: Clock;
  /** Where heartbeat and hello timers are armed. Default: the process timers. */
  readonly scheduler?: Scheduler;
  /** The bridge sends a heartbeat line this often. Default 5 000 ms. */
  readonly heartbeatIntervalMs?: number;
  /** No line from the EA for this long: the session is down (the socket is closed). Default 15 000 ms. */
  readonly heartbeatTimeoutMs?: number;
  /** A connection must say hello within this long. Default 10 000 ms. */
  readonly helloTimeoutMs?: number;
  /** Longest accepted line in bytes; a longer one closes the connection. Default 64 KiB. */
  readonly maxLineBytes?: number;
  readonly onAlert?: (alert: Alert) => void;
  /** Called when the last user stopped and the server closed (the venue's shared-bridge registry forgets it). */
  readonly onIdle?: () => void;
}

/** The EA session the bridge holds (at most one at a time). */
export interface Mt5Session {
  /** `s1`, `s2`…: counts the sessions of this bridge. */
  readonly id: string;
  readonly account: number;
  readonly server: string;
  readonly build: number;
  readonly currency: string;
  readonly sinceMs: number;
}

/** What the bridge tells its users (the feed, the executor, the venue test). */
export type Mt5BridgeEvent =
  | { readonly kind: 'up'; readonly session: Mt5Session }
  | { readonly kind: 'down'; readonly session: Mt5Session; readonly reason: string }
  | { readonly kind: 'message'; readonly session: Mt5Session; readonly message: Exclude<EaMessage, EaHello> };

/** Receives {@link Mt5BridgeEvent}s, in the order listeners subscribed. */
export type Mt5BridgeListener = (event: Mt5BridgeEvent) => void;

/** Alert codes the bridge raises. */
export type Mt5BridgeAlertCode =
  | 'MT5_PROTOCOL'
  | 'MT5_LINE_TOO_LONG'
  | 'MT5_AUTH_DENIED'
  | 'MT5_NO_HELLO'
  | 'MT5_HEARTBEAT_TIMEOUT'
  | 'MT5_SESSION_UP'
  | 'MT5_SESSION_DOWN'
  | 'MT5_SESSION_REPLACED'
  | 'MT5_LISTENER_FAILED';
