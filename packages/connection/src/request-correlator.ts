import type { OmniError } from '@omni/core';
import { type ScheduledTimer, type Scheduler, systemScheduler } from './scheduler.js';

/** Why a request got no answer. */
export interface RequestFailure {
  /** `timeout`: no answer within `timeoutMs`; `closed`: the connection closed (or the send failed) first. */
  readonly reason: 'timeout' | 'closed';
  readonly id: number;
  /** The request's name, e.g. `buy`, `proposal`, `SUBSCRIBE`. */
  readonly method: string;
  readonly timeoutMs: number;
  /** What closed the connection, or why the send failed. */
  readonly detail?: string;
  /** The error the send threw, if that is what failed. */
  readonly cause?: unknown;
}

/** Options of a {@link RequestCorrelator}. */
export interface RequestCorrelatorOptions {
  /** Default answer deadline of a request (ms). */
  readonly timeoutMs: number;
  /**
   * The typed error a failed request rejects with. Why the owner chooses: the same correlator
   * serves a feed (FeedError `FEED_CONNECTION`) and an executor (ExecutionError `EXECUTION_TIMEOUT`),
   * and callers match on their own area's codes.
   */
  readonly toError: (failure: RequestFailure) => OmniError;
  /** Where the deadlines are armed. Default {@link systemScheduler}. */
  readonly scheduler?: Scheduler;
  /** The first id handed out (then +1 each request). Default 1. */
  readonly firstId?: number;
}

interface Waiting<R> {
  readonly method: string;
  readonly timeoutMs: number;
  readonly timer: ScheduledTimer;
  readonly resolve: (response: R) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Matches answers to requests by id over one connection (Deriv's `req_id`, the MT5 bridge's request
 * id, Binance's `id`): each request gets the next id and a deadline; the answer with that id
 * resolves it; the deadline or the connection closing rejects it with a typed error. Every settled
 * request cancels its timer and leaves the table, so nothing leaks however it ends.
 *
 * @example
 * const requests = new RequestCorrelator<DerivReply>({
 *   timeoutMs: 10_000,
 *   toError: (f) => new ExecutionError('EXECUTION_TIMEOUT', `no answer to ${f.method}`, { reqId: f.id }),
 * });
 * const reply = requests.request('buy', (id) => socket.send(JSON.stringify({ buy: 1, req_id: id })));
 * socket.on('message', (m) => requests.resolve(JSON.parse(m).req_id, JSON.parse(m)));
 * socket.on('close', () => requests.rejectAll('socket closed'));
 */
export class RequestCorrelator<R> {
  readonly #timeoutMs: number;
  readonly #toError: (failure: RequestFailure) => OmniError;
  readonly #scheduler: Scheduler;
  readonly #waiting = new Map<number, Waiting<R>>();
  #nextId: number;

  constructor(options: RequestCorrelatorOptions) {
    this.#timeoutMs = options.timeoutMs;
    this.#toError = options.toError;
    this.#scheduler = options.scheduler ?? systemScheduler;
    this.#nextId = options.firstId ?? 1;
  }

  /** Requests waiting for an answer. */
  get pending(): number {
    return this.#waiting.size;
  }

  /**
   * Sends a request through `send(id)` and resolves with the answer that carries `id`. Rejects
   * with `toError({ reason: 'timeout' })` after `timeoutMs`, or `reason: 'closed'` when `send`
   * throws or {@link RequestCorrelator.rejectAll} runs first.
   */
  request(method: string, send: (id: number) => void, timeoutMs: number = this.#timeoutMs): Promise<R> {
    const id = this.#nextId++;
    return new Promise<R>((resolve, reject) => {
      const timer = this.#scheduler.after(timeoutMs, () => {
        this.#waiting.delete(id);
        reject(this.#toError({ reason: 'timeout', id, method, timeoutMs }));
      });
      this.#waiting.set(id, { method, timeoutMs, timer, resolve, reject });
      try {
        send(id);
      } catch (err) {
        const detail = `send failed: ${err instanceof Error ? err.message : String(err)}`;
        this.#settle(id)?.reject(
          this.#toError({ reason: 'closed', id, method, timeoutMs, detail, cause: err }),
        );
      }
    });
  }

  /** Resolves the request `id` with `response`; false when no request waits under that id (late or unsolicited). */
  resolve(id: unknown, response: R): boolean {
    const waiting = this.#settle(id);
    waiting?.resolve(response);
    return waiting !== undefined;
  }

  /** Rejects the request `id` with `error` (the peer answered with an error); false when none waits. */
  reject(id: unknown, error: OmniError): boolean {
    const waiting = this.#settle(id);
    waiting?.reject(error);
    return waiting !== undefined;
  }

  /** The connection closed: rejects every waiting request (`reason: 'closed'`) and returns how many. */
  rejectAll(detail: string): number {
    const ids = [...this.#waiting.keys()];
    for (const id of ids) {
      const waiting = this.#settle(id);
      if (waiting === undefined) continue;
      const { method, timeoutMs } = waiting;
      waiting.reject(this.#toError({ reason: 'closed', id, method, timeoutMs, detail }));
    }
    return ids.length;
  }

  /** Takes request `id` out of the table and cancels its deadline. */
  #settle(id: unknown): Waiting<R> | undefined {
    if (typeof id !== 'number') return undefined;
    const waiting = this.#waiting.get(id);
    if (waiting === undefined) return undefined;
    this.#waiting.delete(id);
    waiting.timer.cancel();
    return waiting;
  }
}
