import type { Clock } from '@omni/core';
import { Heartbeat } from './heartbeat.js';
import { ReconnectSchedule, type ReconnectScheduleOptions } from './reconnect-schedule.js';
import { type Scheduler, systemScheduler } from './scheduler.js';

/** One attempt at a connection as its transport opened it: a WebSocket, a TCP socket. */
export interface ConnectionLink {
  /** Stops reading (backpressure). */
  pause(): void;
  resume(): void;
  /** Drops the link at once; the transport then reports `closed`. */
  destroy(): void;
  /** Sends a keep-alive the peer answers, when the protocol has one. */
  ping?(): void;
}

/**
 * What a transport reports about the link it opened. Reports about a link that is no longer the
 * current one (replaced, or the connection stopped) are ignored, so a late event of an old socket
 * can never disturb the new one.
 */
export interface LinkEvents {
  /** The link is open (`open` of a WebSocket, `connect` of a TCP socket). */
  opened(): void;
  /** Inbound data arrived. False when the link is not current: drop the data. */
  received(): boolean;
  /** The link closed; `detail` says how when it had been open, e.g. `socket closed (code 1006)`. */
  closed(detail: string): void;
}

/** A reconnect the connection scheduled. */
export interface ReconnectNotice {
  readonly why: string;
  /** Consecutive attempts since the last healthy connection, this one included. */
  readonly attempt: number;
  readonly delayMs: number;
}

/** Options of a {@link ManagedConnection}. */
export interface ManagedConnectionOptions<L extends ConnectionLink> extends ReconnectScheduleOptions {
  /**
   * Opens one link and wires the transport's events to `events` (reported asynchronously, as sockets
   * do); called on start and on every reconnect.
   */
  readonly open: (events: LinkEvents) => L;
  readonly clock: Clock;
  /** No inbound data for this long: `onStale`, the link is destroyed and the connection reconnects. */
  readonly staleTimeoutMs: number;
  /** Calls `link.ping()` this often while open. Default: no pings. */
  readonly pingIntervalMs?: number;
  /** Why, when a link closes before it opened. Default `connection failed`. */
  readonly unreachable?: string;
  /** A link opened (subscribe here). `connection` counts the links opened so far, from 1. */
  readonly onOpen?: (link: L, connection: number) => void;
  readonly onStale?: (silentMs: number) => void;
  readonly onReconnecting?: (notice: ReconnectNotice) => void;
  /** `maxReconnects` attempts in a row failed; the connection has stopped. */
  readonly onGiveUp: (why: string, attempts: number) => void;
}

/** Where a {@link ManagedConnection} is in its lifecycle. */
export type ConnectionState = 'stopped' | 'connecting' | 'open' | 'reconnecting';

/**
 * The lifecycle every long-lived connection of a feed or venue shares: connect → open (subscribe) →
 * heartbeat (pings, stale-stream detection) → stale or dropped → reconnect after a seeded backoff →
 * … → stop, or give up after `maxReconnects` failed attempts in a row. The transport stays outside:
 * `open` makes one link (a WebSocket, a TCP socket) and reports its events; the connection decides
 * what happens next. Call {@link ManagedConnection.healthy} when a link delivers good data, so the
 * next failure starts from the first backoff delay again.
 *
 * @example
 * const connection = new ManagedConnection({
 *   seed: 7, label: 'bridge/backoff', clock, staleTimeoutMs: 15_000,
 *   open: (events) => tcpLink(port, events),
 *   onOpen: (link) => link.write('{"type":"subscribe","symbols":["EURUSD"]}\n'),
 *   onGiveUp: (why) => console.error(why),
 * });
 * connection.start();
 */
export class ManagedConnection<L extends ConnectionLink> {
  readonly #options: ManagedConnectionOptions<L>;
  readonly #reconnect: ReconnectSchedule;
  readonly #heartbeat: Heartbeat;
  #link: L | undefined;
  #generation = 0;
  #running = false;
  #open = false;
  #paused = false;
  #connections = 0;

  constructor(options: ManagedConnectionOptions<L>) {
    this.#options = options;
    const scheduler: Scheduler = options.scheduler ?? systemScheduler;
    this.#reconnect = new ReconnectSchedule({ ...options, scheduler });
    this.#heartbeat = new Heartbeat({
      clock: options.clock,
      scheduler,
      staleTimeoutMs: options.staleTimeoutMs,
      ...(options.pingIntervalMs !== undefined ? { pingIntervalMs: options.pingIntervalMs } : {}),
      ping: () => this.#link?.ping?.(),
      onStale: (silentMs) => {
        options.onStale?.(silentMs);
        this.#link?.destroy();
      },
    });
  }

  get state(): ConnectionState {
    if (!this.#running) return 'stopped';
    if (this.#open) return 'open';
    return this.#reconnect.waiting ? 'reconnecting' : 'connecting';
  }

  /** True between `start()` and `stop()` (or giving up). */
  get running(): boolean {
    return this.#running;
  }

  /** Links opened so far (1 + successful reconnects). */
  get connections(): number {
    return this.#connections;
  }

  /** The current link, from `open` until it closes. */
  get link(): L | undefined {
    return this.#link;
  }

  /** Opens the first link. Does nothing while running. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#reconnect.succeeded();
    this.#connect();
  }

  /** Stops for good: cancels the heartbeat and a pending reconnect, destroys the link. */
  stop(): void {
    this.#running = false;
    this.#forget()?.destroy();
    this.#reconnect.cancel();
  }

  /** The link delivered good data: the next failure starts from the first backoff delay. */
  healthy(): void {
    this.#reconnect.succeeded();
  }

  /** Stops reading because the consumer is behind; silence does not count as stale meanwhile. */
  pause(): void {
    this.#paused = true;
    this.#heartbeat.hold(true);
    this.#link?.pause();
  }

  /** Reads again; the stale count restarts now. */
  resume(): void {
    this.#paused = false;
    this.#heartbeat.hold(false);
    this.#link?.resume();
  }

  #connect(): void {
    if (!this.#running) return;
    const generation = ++this.#generation;
    const current = (): boolean => this.#generation === generation;
    let opened = false;
    const link = this.#options.open({
      opened: () => {
        if (!current()) return;
        opened = true;
        this.#open = true;
        this.#connections++;
        this.#heartbeat.start();
        if (this.#paused) link.pause();
        this.#options.onOpen?.(link, this.#connections);
      },
      received: () => {
        if (!current()) return false;
        this.#heartbeat.seen();
        return true;
      },
      closed: (detail) => {
        if (!current()) return;
        this.#forget();
        this.#retry(opened ? detail : (this.#options.unreachable ?? 'connection failed'));
      },
    });
    this.#link = link;
  }

  /** Forgets the current link (its later events are ignored) and returns it. */
  #forget(): L | undefined {
    this.#generation++;
    this.#open = false;
    this.#heartbeat.stop();
    const link = this.#link;
    this.#link = undefined;
    return link;
  }

  #retry(why: string): void {
    if (!this.#running) return;
    if (this.#reconnect.exhausted) {
      this.#running = false;
      this.#options.onGiveUp(why, this.#reconnect.attempt);
      return;
    }
    const delayMs = this.#reconnect.schedule(() => this.#connect());
    this.#options.onReconnecting?.({ why, attempt: this.#reconnect.attempt, delayMs });
  }
}
