import { ManagedConnection, RequestCorrelator, type Scheduler, systemScheduler } from '@omni/connection';
import { type Alert, type Clock, type OmniError, Rng, SystemClock } from '@omni/core';
import type { BrokerLinkState, Unsubscribe } from '@omni/execution';
import WebSocket from 'ws';
import type { DerivAccount, DerivClientOptions, DerivSubscription } from './deriv-client-options.js';
import { DERIV_DEFAULT_WS_URL } from './deriv-client-options.js';
import { DerivError, derivCodeOf, protocolError, requestFailureError } from './deriv-error.js';
import { type DerivLink, openDerivLink, protocolExcerpt } from './deriv-link.js';
import {
  AuthorizeBodySchema,
  type DerivCall,
  type DerivFrame,
  DerivFrameSchema,
  type DerivRequestOf,
  readBody,
} from './deriv-protocol.js';
import { RateLimitRetry } from './rate-limit-retry.js';

interface Stream {
  readonly onFrame: (frame: DerivFrame) => void;
  subscriptionId: string | undefined;
}

interface Waiter {
  readonly resolve: (account: DerivAccount) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * One authorized WebSocket to the Deriv API v3: `req_id` on every request and answers matched by it
 * (`RequestCorrelator`), a deadline on every request (DERIV_TIMEOUT), a keep-alive `ping` whose
 * missing pong drops the link, reconnects with the seeded backoff of `@omni/connection`, a fresh
 * `authorize` after every reconnect before the link is reported up, subscriptions routed by
 * request, `RateLimit` answers to reads retried with seeded exponential backoff (never a `buy`),
 * and every inbound frame validated with zod (a bad one is a DERIV_PROTOCOL alert, never a crash).
 * The token is revealed only into the `authorize` frame.
 *
 * @example
 * const client = new DerivClient({ appId: '1089', token, onAlert });
 * const account = await client.connect();
 * const reply = await client.request('balance', { balance: 1 });
 */
export class DerivClient {
  readonly name: string;
  readonly url: string;
  readonly #options: DerivClientOptions;
  readonly #clock: Clock;
  readonly #scheduler: Scheduler;
  readonly #requests: RequestCorrelator<DerivFrame>;
  readonly #connection: ManagedConnection<DerivLink>;
  readonly #streams = new Map<number, Stream>();
  readonly #listeners = new Set<(state: BrokerLinkState) => void>();
  readonly #retry: RateLimitRetry;
  #waiters: Waiter[] = [];
  #account: DerivAccount | undefined;
  #up = false;
  #everUp = false;

  constructor(options: DerivClientOptions) {
    if (!/^\d+$/.test(options.appId)) {
      throw new DerivError('DERIV_BAD_OPTION', 'the Deriv app id must be a number (register one at Deriv)', {
        appId: options.appId,
      });
    }
    this.#options = options;
    this.name = options.name ?? 'deriv';
    this.url = `${(options.wsUrl ?? DERIV_DEFAULT_WS_URL).replace(/\/+$/, '')}?app_id=${options.appId}`;
    this.#clock = options.clock ?? new SystemClock();
    this.#scheduler = options.scheduler ?? systemScheduler;
    this.#retry = new RateLimitRetry({
      backoff: options.rateLimitBackoff ?? { initialMs: 1_000, maxMs: 30_000 },
      maxRetries: options.maxRateLimitRetries ?? 5,
      rng: new Rng(options.seed ?? 0).fork('deriv/rate-limit'),
      scheduler: this.#scheduler,
      onRetry: (call, attempt, delayMs) =>
        this.#alert('warn', 'DERIV_RATE_LIMITED', `${call} was rate-limited; retrying in ${delayMs} ms`, {
          call,
          attempt,
          delayMs,
        }),
    });
    const timeoutMs = options.requestTimeoutMs ?? 10_000;
    const pingIntervalMs = options.pingIntervalMs ?? 30_000;
    const maxFrameBytes = options.maxFrameBytes ?? 1_048_576;
    this.#requests = new RequestCorrelator<DerivFrame>({
      timeoutMs,
      scheduler: this.#scheduler,
      // The correlator is typed for core's codes; a DerivError is an OmniError of the Deriv area.
      toError: (f) => requestFailureError(f) as unknown as OmniError,
    });
    this.#connection = new ManagedConnection<DerivLink>({
      seed: options.seed ?? 0,
      label: 'deriv/backoff',
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.maxReconnects !== undefined ? { maxReconnects: options.maxReconnects } : {}),
      scheduler: this.#scheduler,
      clock: this.#clock,
      staleTimeoutMs: options.staleTimeoutMs ?? 2 * pingIntervalMs + timeoutMs,
      pingIntervalMs,
      unreachable: 'cannot connect to Deriv',
      open: (events) =>
        openDerivLink(this.url, maxFrameBytes, events, {
          onText: (text) => this.#onText(text),
          onOversized: () =>
            this.#alert('warn', 'DERIV_PROTOCOL', 'skipped a frame over maxFrameBytes; reconnecting', {
              maxFrameBytes,
            }),
          onLost: (link, detail) => {
            if (this.#connection.link === link) this.#linkLost(detail);
          },
          ping: (link) => this.#ping(link),
        }),
      onOpen: (link) => void this.#authorize(link),
      onStale: (silentMs) =>
        this.#alert('warn', 'DERIV_TIMEOUT', `no frame for ${silentMs} ms; dropping the connection`, {}),
      onReconnecting: ({ why, attempt, delayMs }) => {
        if (!this.#everUp && this.#waiters.length > 0) {
          this.#connection.stop();
          this.#rejectWaiters(
            new DerivError('DERIV_DISCONNECTED', `cannot connect to Deriv: ${why}`, { url: this.url }),
          );
          return;
        }
        this.#alert('warn', 'DERIV_DISCONNECTED', `${why}; reconnecting in ${delayMs} ms`, {
          attempt,
          delayMs,
        });
        this.#emit({ up: false, reason: `${why}; reconnecting` });
      },
      onGiveUp: (why, attempts) => {
        const err = new DerivError('DERIV_DISCONNECTED', `gave up after ${attempts} reconnects: ${why}`, {
          url: this.url,
        });
        this.#alert('critical', 'DERIV_DISCONNECTED', err.shortMessage, { attempts });
        this.#rejectWaiters(err);
        this.#emit({ up: false, reason: err.shortMessage });
      },
    });
  }

  /** True while connected and authorized. */
  get up(): boolean {
    return this.#up;
  }

  /** The account of the last `authorize`. */
  get account(): DerivAccount | undefined {
    return this.#account;
  }

  /** Links opened so far (1 + reconnects). */
  get connections(): number {
    return this.#connection.connections;
  }

  /**
   * Opens the link and authorizes; resolves with the account. Rejects DERIV_AUTH_FAILED when the
   * token is refused (and stops: a refused token is not retried), DERIV_DISCONNECTED when the first
   * link fails. Later drops reconnect and re-authorize by themselves.
   */
  connect(): Promise<DerivAccount> {
    if (this.#up && this.#account !== undefined) return Promise.resolve(this.#account);
    return new Promise<DerivAccount>((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      // A fresh start (first, or after close) fails fast again if its first link cannot open.
      if (!this.#connection.running) this.#everUp = false;
      this.#connection.start();
    });
  }

  /** Closes for good: no reconnect; waiting requests reject DERIV_DISCONNECTED. */
  async close(): Promise<void> {
    this.#connection.stop();
    this.#linkLost('closed by the client');
    this.#retry.wakeAll();
    this.#rejectWaiters(new DerivError('DERIV_DISCONNECTED', 'the client was closed', {}));
  }

  /** Link changes: up after (re-)authorize, down on a drop or a refused token. Returns the unsubscribe. */
  onLinkState(listener: (state: BrokerLinkState) => void): Unsubscribe {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Sends one request and resolves with its answer frame. Rejects with a DerivError: the mapped code
   * of an error answer (`context.brokerCode`), DERIV_TIMEOUT, DERIV_DISCONNECTED. A read answered
   * `RateLimit` is retried after a seeded backoff; a `buy` never is.
   */
  async request<K extends DerivCall>(
    call: K,
    body: DerivRequestOf<K>,
    options: { readonly timeoutMs?: number } = {},
  ): Promise<DerivFrame> {
    return this.#retry.run(call, () => this.#send(call, body, options.timeoutMs, undefined));
  }

  /**
   * Sends a subscribing request (`subscribe: 1`); every frame of the stream, the first answer
   * included, goes to `onFrame`. Resolves once Deriv accepted it. A reconnect ends every stream.
   */
  async subscribe<K extends 'ticks' | 'proposal_open_contract'>(
    call: K,
    body: DerivRequestOf<K>,
    onFrame: (frame: DerivFrame) => void,
  ): Promise<DerivSubscription> {
    const stream: Stream = { onFrame, subscriptionId: undefined };
    const drop = (): void => {
      for (const [reqId, s] of this.#streams) if (s === stream) this.#streams.delete(reqId);
    };
    const first = await this.#retry
      .run(call, () => this.#send(call, body, undefined, stream))
      .catch((err: unknown) => {
        drop();
        throw err;
      });
    const id = first.subscription?.id ?? '';
    return {
      id,
      forget: async () => {
        drop();
        if (id !== '' && this.#up) await this.request('forget', { forget: id }).catch(() => undefined);
      },
    };
  }

  #send(
    call: DerivCall,
    body: object,
    timeoutMs: number | undefined,
    stream: Stream | undefined,
  ): Promise<DerivFrame> {
    const socket = this.#connection.link?.socket;
    const needsAuth = this.#options.token !== undefined && call !== 'authorize' && call !== 'ping';
    if (socket?.readyState !== WebSocket.OPEN || (needsAuth && !this.#up)) {
      return Promise.reject(
        new DerivError('DERIV_DISCONNECTED', `not connected to Deriv; ${call} was not sent`, {
          call,
          sent: false,
        }),
      );
    }
    return this.#requests.request(
      call,
      (reqId) => {
        if (stream !== undefined) this.#streams.set(reqId, stream);
        socket.send(JSON.stringify({ ...body, req_id: reqId }));
      },
      timeoutMs,
    );
  }

  async #authorize(link: DerivLink): Promise<void> {
    const token = this.#options.token;
    try {
      let account: DerivAccount;
      if (token === undefined) {
        account = { loginid: '', currency: '', balance: 0 };
      } else {
        const frame = await this.request('authorize', { authorize: token.reveal() });
        const body = readBody(frame, 'authorize', AuthorizeBodySchema);
        if (body === undefined) throw protocolError(frame.req_id, 'authorize');
        account = { loginid: body.loginid, currency: body.currency, balance: body.balance };
      }
      if (this.#connection.link !== link) return;
      const reconnect = this.#everUp;
      this.#account = account;
      this.#up = true;
      this.#everUp = true;
      this.#connection.healthy();
      if (reconnect) this.#alert('info', 'DERIV_CONNECTED', 'reconnected and re-authorized', {});
      this.#emit({ up: true });
      for (const w of this.#takeWaiters()) w.resolve(account);
    } catch (err) {
      if (this.#connection.link !== link) return;
      if (err instanceof DerivError && err.code === 'DERIV_AUTH_FAILED') {
        this.#alert(
          'critical',
          'DERIV_AUTH_FAILED',
          'Deriv refused the token; check DERIV_TOKEN and its scopes',
          {
            brokerCode: err.context['brokerCode'],
          },
        );
        this.#connection.stop();
        this.#linkLost('the token was refused');
        this.#emit({ up: false, reason: 'Deriv refused the token (DERIV_AUTH_FAILED)' });
        this.#rejectWaiters(err);
        return;
      }
      link.destroy();
    }
  }

  #ping(link: DerivLink): void {
    if (link.socket.readyState !== WebSocket.OPEN) return;
    this.#send('ping', { ping: 1 }, undefined, undefined).catch((err: unknown) => {
      if (!(err instanceof DerivError) || err.code !== 'DERIV_TIMEOUT' || this.#connection.link !== link)
        return;
      this.#alert('warn', 'DERIV_TIMEOUT', 'no pong to a keep-alive ping; dropping the connection', {});
      link.destroy();
    });
  }

  #onText(text: string): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.#alert('warn', 'DERIV_PROTOCOL', 'skipped a frame that is not JSON', {
        frame: protocolExcerpt(text),
      });
      return;
    }
    const parsed = DerivFrameSchema.safeParse(value);
    if (!parsed.success) {
      this.#alert('warn', 'DERIV_PROTOCOL', 'skipped a frame that is not a Deriv answer', {
        frame: protocolExcerpt(text),
        issues: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
      });
      return;
    }
    const frame = parsed.data;
    const reqId = frame.req_id;
    const stream = reqId === undefined ? undefined : this.#streams.get(reqId);
    if (stream !== undefined && stream.subscriptionId !== undefined) {
      if (frame.error === undefined) stream.onFrame(frame);
      return;
    }
    if (frame.error !== undefined) {
      if (reqId !== undefined) this.#streams.delete(reqId);
      const { code, message } = frame.error;
      const err = new DerivError(
        derivCodeOf(code),
        `Deriv answered ${frame.msg_type ?? 'a request'} with ${code}: ${message}`,
        {
          call: frame.msg_type,
          reqId,
          brokerCode: code,
          brokerMessage: message,
        },
      );
      if (!this.#requests.reject(reqId, err as unknown as OmniError)) this.#late(frame);
      return;
    }
    if (stream !== undefined && reqId !== undefined) {
      stream.subscriptionId = frame.subscription?.id ?? '';
      stream.onFrame(frame);
    }
    if (!this.#requests.resolve(reqId, frame) && stream === undefined) this.#late(frame);
  }

  /** An answer no request waits for: a late one after its timeout (a late buy matters to people). */
  #late(frame: DerivFrame): void {
    this.#alert(
      'warn',
      'DERIV_LATE_ANSWER',
      `an answer to ${frame.msg_type ?? 'a request'} came after its request ended`,
      {
        call: frame.msg_type,
        reqId: frame.req_id,
        ...(frame.error ? { brokerCode: frame.error.code } : {}),
        ...(frame.msg_type === 'buy' ? { buy: frame['buy'] } : {}),
      },
    );
  }

  #linkLost(detail: string): void {
    const wasUp = this.#up;
    this.#up = false;
    this.#streams.clear();
    this.#requests.rejectAll(detail);
    if (wasUp && !this.#connection.running) this.#emit({ up: false, reason: detail });
  }

  #emit(state: BrokerLinkState): void {
    for (const listener of this.#listeners) listener(state);
  }

  #takeWaiters(): Waiter[] {
    const waiters = this.#waiters;
    this.#waiters = [];
    return waiters;
  }

  #rejectWaiters(err: unknown): void {
    for (const w of this.#takeWaiters()) w.reject(err);
  }

  #alert(level: Alert['level'], code: string, message: string, context: Record<string, unknown>): void {
    this.#options.onAlert?.({
      tsMs: Math.max(0, Math.floor(this.#clock.nowMs())),
      level,
      code,
      message,
      source: this.name,
      context,
    });
  }
}
