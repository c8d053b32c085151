import {
  type ConnectionSettings,
  type LinkEvents,
  ManagedConnection,
  RequestCorrelator,
  type Scheduler,
  systemScheduler,
} from '@omni/connection';
import { type Alert, type Clock, ExecutionError, isOmniError, type Secret, scrubSecrets } from '@omni/core';
import type {
  BinaryBrokerPort,
  BinaryContract,
  BinaryOrderRequest,
  BrokerAccount,
  BrokerLinkState,
  Unsubscribe,
} from '@omni/execution';
import { BrokerAlerts } from './broker-alerts.js';
import {
  type BrokerOperation,
  brokerReplyError,
  errorKind,
  rateLimitedError,
  requestFailureError,
} from './broker-errors.js';
import { type BrokerReply, login, type RequestSpec } from './login.js';
import { buyValues } from './order-values.js';
import type { JsonWsProtocol } from './protocol-schema.js';
import { ReplyReader } from './reply-reader.js';
import { ReplyRouter } from './reply-router.js';
import { fillTemplate, type TemplateValues } from './template.js';
import { openWsLink, type WsLink } from './ws-link.js';

/** Options of a {@link JsonWsBinaryBroker}. */
export interface JsonWsBinaryBrokerOptions {
  /** The platform's protocol, validated (`readJsonWsProtocol`, `parseJsonWsProtocol`). */
  readonly protocol: JsonWsProtocol;
  /** The `ws://` / `wss://` endpoint; a Secret, since such URLs often carry a key. */
  readonly url: Secret;
  /** The API token: filled into `{{token}}` of the outgoing frame only, never into a message. */
  readonly token: Secret;
  /** Stamps alerts and times the rate-limit pause. Use the scheduler's clock in tests. */
  readonly clock: Clock;
  /** Where request deadlines, pings and reconnects are armed. Default: the process timers. */
  readonly scheduler?: Scheduler;
  /** Seed of the reconnect jitter. Default 0. */
  readonly seed?: number | string;
  readonly onAlert?: (alert: Alert) => void;
  /** Backoff, `maxReconnects`, `staleTimeoutMs` (default 60 000), `pingIntervalMs` (default 20 000). */
  readonly connection?: ConnectionSettings;
}

/**
 * A {@link BinaryBrokerPort} for any binary-options platform whose API is JSON over one WebSocket,
 * with the message shapes configured ({@link JsonWsProtocol}): request templates with placeholders,
 * replies matched by an echoed id or by type, contract fields at dot paths, error codes sorted into
 * refused / rate-limited / login refused. Every request has a deadline (`EXECUTION_TIMEOUT`); a buy is
 * never retried; after a reconnect it logs in again by itself and reports `{ up: true }`; the token is
 * revealed only into the frame that carries it.
 *
 * @example
 * const broker = new JsonWsBinaryBroker({ protocol: readJsonWsProtocol('acme-binary.json'), url, token, clock });
 * const account = await broker.connect();
 * const contract = await broker.buy({ clientId: 'd-1', symbol: 'EURUSD', direction: 'call', stake: 10,
 *   currency: account.currency, duration: 5, durationUnit: 'm', maxPrice: 10.5 });
 * await broker.follow(contract.contractId, (c) => console.log(c.status, c.profit));
 */
export class JsonWsBinaryBroker implements BinaryBrokerPort {
  readonly venue: string;
  readonly minStake: number;
  readonly #p: JsonWsProtocol;
  readonly #reader: ReplyReader;
  readonly #token: Secret;
  readonly #clock: Clock;
  readonly #scheduler: Scheduler;
  readonly #alerts: BrokerAlerts;
  readonly #connection: ManagedConnection<WsLink>;
  readonly #requests: RequestCorrelator<BrokerReply>;
  readonly #router: ReplyRouter<BrokerReply>;
  readonly #linkListeners = new Set<(state: BrokerLinkState) => void>();
  readonly #followers = new Map<string, (contract: BinaryContract) => void>();
  /** Contracts bought or seen and not settled: fills fields an update leaves out. */
  readonly #known = new Map<string, BinaryContract>();
  #authorized = false;
  #rateLimitedUntilMs = Number.NEGATIVE_INFINITY;
  #connecting: { resolve: (account: BrokerAccount) => void; reject: (err: unknown) => void } | undefined;

  constructor(options: JsonWsBinaryBrokerOptions) {
    const p = options.protocol;
    this.#p = p;
    this.venue = p.venue;
    this.minStake = p.minStake;
    this.#reader = new ReplyReader(p);
    this.#token = options.token;
    this.#clock = options.clock;
    this.#scheduler = options.scheduler ?? systemScheduler;
    this.#alerts = new BrokerAlerts(p.venue, options.clock, options.onAlert);
    const venue = p.venue;
    this.#requests = new RequestCorrelator<BrokerReply>({
      timeoutMs: p.requestTimeoutMs,
      scheduler: this.#scheduler,
      toError: (failure) => requestFailureError(venue, failure),
    });
    this.#router = new ReplyRouter(p, this.#reader, this.#requests);
    const settings = options.connection ?? {};
    const url = options.url;
    this.#connection = new ManagedConnection<WsLink>({
      open: (events) => this.#open(url, events),
      clock: this.#clock,
      scheduler: this.#scheduler,
      seed: options.seed ?? 0,
      label: `${venue}/backoff`,
      ...(settings.backoff ? { backoff: settings.backoff } : {}),
      ...(settings.maxReconnects !== undefined ? { maxReconnects: settings.maxReconnects } : {}),
      staleTimeoutMs: settings.staleTimeoutMs ?? 60_000,
      pingIntervalMs: settings.pingIntervalMs ?? 20_000,
      unreachable: `cannot connect to ${venue}`,
      onOpen: (_link, connection) => void this.#authorize(connection),
      onStale: (ms) =>
        this.#alerts.emit('warn', 'EXECUTION_VENUE_UNAVAILABLE', `no frame for ${ms} ms; dropping the link`),
      onReconnecting: ({ why, attempt, delayMs }) =>
        this.#down(`${why}; reconnecting in ${delayMs} ms`, { attempt, delayMs }, 'warn'),
      onGiveUp: (why, attempts) =>
        this.#down(`giving up after ${attempts} reconnect attempts: ${why}`, { attempts }, 'critical'),
    });
  }

  /** Connects and logs in; resolves with the account. Any failure before the first login stops the connection. */
  connect(): Promise<BrokerAccount> {
    if (this.#connection.running) {
      return Promise.reject(
        new ExecutionError('EXECUTION_BAD_INPUT', `already connected to ${this.venue}`, {
          venue: this.venue,
        }),
      );
    }
    return new Promise<BrokerAccount>((resolve, reject) => {
      this.#connecting = { resolve, reject };
      this.#connection.start();
    });
  }

  async close(): Promise<void> {
    const wasUp = this.#authorized;
    this.#connection.stop();
    this.#lost('closed by the client');
    this.#failConnect(
      new ExecutionError('EXECUTION_VENUE_UNAVAILABLE', `closed before ${this.venue} logged in`, {
        venue: this.venue,
      }),
    );
    if (wasUp) this.#emit({ up: false, reason: 'closed by the client' });
  }

  async buy(order: BinaryOrderRequest): Promise<BinaryContract> {
    const reply = await this.#call('buy', this.#p.operations.buy, buyValues(this.#p, order));
    const read = this.#reader.contract(this.#reader.buyContract(reply), {
      symbol: order.symbol,
      direction: order.direction,
      clientId: order.clientId,
    });
    if (!read.ok) {
      throw new ExecutionError(
        'EXECUTION_BROKER_ERROR',
        `${this.venue} answered the buy but the reply cannot be read (${read.problem}); the contract may exist: resolve it with contractsSince`,
        { venue: this.venue, op: 'buy', clientId: order.clientId },
      );
    }
    this.#known.set(read.value.contractId, read.value);
    return read.value;
  }

  async follow(contractId: string, onUpdate: (contract: BinaryContract) => void): Promise<Unsubscribe> {
    this.#followers.set(contractId, onUpdate);
    const id = this.#p.contract.idAs === 'number' ? Number(contractId) : contractId;
    let reply: BrokerReply;
    try {
      reply = await this.#call('follow', this.#p.operations.follow, { contractId: id });
    } catch (err) {
      if (this.#followers.get(contractId) === onUpdate) this.#followers.delete(contractId);
      throw err;
    }
    // A platform may answer the follow request with the contract itself (Deriv does): deliver it.
    const raw = this.#reader.updateContract(reply);
    if (this.#reader.contractId(raw) === contractId && this.#followers.get(contractId) === onUpdate) {
      const read = this.#reader.contract(raw, this.#known.get(contractId));
      if (read.ok) this.#deliver(read.value, onUpdate);
    }
    return () => {
      if (this.#followers.get(contractId) !== onUpdate) return;
      this.#followers.delete(contractId);
      const unfollow = this.#p.operations.follow.unfollow;
      if (unfollow && this.#authorized)
        this.#call('unfollow', unfollow, { contractId: id }).catch(() => undefined);
    };
  }

  async contractsSince(sinceMs: number): Promise<readonly BinaryContract[]> {
    const reply = await this.#call('contractsSince', this.#p.operations.contractsSince, {
      sinceMs,
      sinceSec: Math.floor(sinceMs / 1000),
    });
    const read = this.#reader.contracts(reply, sinceMs, (id) => this.#known.get(id));
    if (read.ok) return read.value;
    throw new ExecutionError(
      'EXECUTION_BROKER_ERROR',
      `${this.venue} sent a contract list that cannot be read: ${read.problem}`,
      { venue: this.venue, op: 'contractsSince' },
    );
  }

  onLinkState(listener: (state: BrokerLinkState) => void): Unsubscribe {
    this.#linkListeners.add(listener);
    return () => this.#linkListeners.delete(listener);
  }

  #open(url: Secret, events: LinkEvents): WsLink {
    const limits = { maxPayload: this.#p.maxFrameBytes, handshakeTimeoutMs: this.#p.requestTimeoutMs };
    const frame = (text: string | undefined): void => this.#onFrame(text);
    const closed = (detail: string): void => {
      if (this.#connection.link === link) this.#lost(detail);
    };
    const link: WsLink = openWsLink(url.reveal(), events, { frame, closed }, limits);
    return link;
  }

  /** Logs in on a fresh link: the first (resolves `connect`) or after a reconnect (reports `up`). */
  async #authorize(connection: number): Promise<void> {
    const link = this.#connection.link;
    try {
      const account = await login(this.#p, this.#reader, (op, spec, values) =>
        this.#call(op, spec, values, true),
      );
      this.#authorized = true;
      this.#connection.healthy();
      const waiting = this.#connecting;
      this.#connecting = undefined;
      const again = `reconnected to ${this.venue} and logged in again`;
      if (waiting) waiting.resolve(account);
      else this.#alerts.emit('info', 'BINARY_WS_RECONNECTED', again, { connection });
      this.#emit({ up: true });
    } catch (err) {
      if (!this.#connection.running) return;
      if (this.#connecting) {
        this.#connection.stop();
        this.#lost('login failed');
        this.#failConnect(err);
        return;
      }
      if (isOmniError(err, 'BINARY_WS_AUTH_FAILED')) {
        this.#connection.stop();
        this.#lost('login refused');
        this.#down(
          `${this.venue} refused the login after a reconnect; stopped reconnecting: check the token`,
          { brokerCode: err.context['brokerCode'] },
          'critical',
        );
        return;
      }
      const why = `login after a reconnect failed (${isOmniError(err) ? err.shortMessage : 'no reply'}); reconnecting`;
      this.#alerts.emit('warn', 'EXECUTION_VENUE_UNAVAILABLE', why);
      if (this.#connection.link === link) link?.destroy();
    }
  }

  /** Sends one request and resolves with its reply; an error reply rejects as the port's rules say. */
  async #call(
    op: BrokerOperation,
    spec: RequestSpec,
    values: TemplateValues,
    duringLogin = false,
  ): Promise<BrokerReply> {
    const link = this.#connection.link;
    if (!link?.isOpen || !(duringLogin || this.#authorized)) {
      throw new ExecutionError('EXECUTION_VENUE_UNAVAILABLE', `not connected to ${this.venue}`, {
        venue: this.venue,
        op,
      });
    }
    const waitMs = this.#rateLimitedUntilMs - this.#clock.nowMs();
    if (waitMs > 0) {
      if (op === 'buy')
        throw rateLimitedError(this.venue, op, undefined, 'still rate-limited, not sent', waitMs);
      await new Promise<void>((resolve) => this.#scheduler.after(waitMs, resolve));
      return this.#call(op, spec, values, duringLogin);
    }
    let sentId = -1;
    const reply = this.#requests.request(op, (reqId) => {
      link.send(
        JSON.stringify(fillTemplate(spec.request, { ...values, reqId, token: this.#token.reveal() })),
      );
      sentId = reqId;
      this.#router.sent(reqId, spec.replyType);
    });
    const message = await reply.finally(() => this.#router.settled(sentId, spec.replyType));
    const error = this.#reader.errorOf(message);
    if (error === undefined) return message;
    if (errorKind(this.#p, error.code) === 'rate-limited') {
      this.#rateLimitedUntilMs = this.#clock.nowMs() + this.#p.rateLimitBackoffMs;
      const pause = `${this.venue} rate-limited ${op}; pausing requests for ${this.#p.rateLimitBackoffMs} ms`;
      this.#alerts.emit('warn', 'BINARY_WS_RATE_LIMITED', pause, { op, brokerCode: error.code });
    }
    throw brokerReplyError(this.#p, op, error, this.#p.rateLimitBackoffMs);
  }

  #onFrame(text: string | undefined): void {
    const problem = this.#route(text);
    if (problem !== undefined) this.#alerts.skipped(this.venue, problem, text ?? '<binary>');
  }

  /** Hands a frame to its request or follower; returns why it was skipped, if it was. */
  #route(text: string | undefined): string | undefined {
    if (text === undefined) return 'a binary frame (the protocol is JSON text)';
    let m: unknown;
    try {
      m = JSON.parse(text);
    } catch {
      return 'not JSON';
    }
    if (typeof m !== 'object' || m === null || Array.isArray(m)) return 'not a JSON object';
    const reply = m as BrokerReply;
    const routed = this.#router.route(reply);
    if (routed === 'late') {
      const reqId = this.#reader.replyKey(reply);
      const what = `a reply from ${this.venue} to no waiting request (late or unknown); skipped`;
      this.#alerts.emit('warn', 'BINARY_WS_PROTOCOL', what, { reqId });
    }
    if (routed !== 'not-a-reply') return undefined;
    if (!this.#reader.isUpdate(reply)) return 'neither a reply to a waiting request nor a contract update';
    const raw = this.#reader.updateContract(reply);
    const id = this.#reader.contractId(raw);
    if (id === undefined) return `a contract update without an id at ${this.#p.contract.contractId}`;
    const listener = this.#followers.get(id);
    if (listener === undefined) return undefined;
    const read = this.#reader.contract(raw, this.#known.get(id));
    if (!read.ok) return `a contract update that cannot be read (${read.problem})`;
    this.#deliver(read.value, listener);
    return undefined;
  }

  #deliver(contract: BinaryContract, listener: (contract: BinaryContract) => void): void {
    if (contract.status === 'open') this.#known.set(contract.contractId, contract);
    else {
      this.#known.delete(contract.contractId);
      this.#followers.delete(contract.contractId);
    }
    listener(contract);
  }

  /** The link is gone: every waiting request fails, every subscription ends (the executor follows again). */
  #lost(detail: string): void {
    this.#authorized = false;
    this.#requests.rejectAll(detail);
    this.#router.clear();
    this.#followers.clear();
  }

  #down(reason: string, context: Record<string, unknown>, level: Alert['level']): void {
    if (this.#connecting) {
      this.#connection.stop();
      this.#failConnect(
        new ExecutionError('EXECUTION_VENUE_UNAVAILABLE', `cannot reach ${this.venue}: ${reason}`, {
          venue: this.venue,
        }),
      );
      return;
    }
    this.#alerts.emit(level, 'EXECUTION_VENUE_UNAVAILABLE', `${this.venue} link down: ${reason}`, context);
    this.#emit({ up: false, reason: scrubSecrets(reason) });
  }

  #failConnect(err: unknown): void {
    const waiting = this.#connecting;
    this.#connecting = undefined;
    waiting?.reject(err);
  }

  #emit(state: BrokerLinkState): void {
    for (const listener of [...this.#linkListeners]) listener(state);
  }
}
