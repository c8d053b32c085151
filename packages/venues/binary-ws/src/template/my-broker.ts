/**
 * The adapter template (docs/venues/binary-platforms.md): a complete BinaryBrokerPort for one
 * platform, written by hand. Copy it into your venue package, rename it, and change the four marked
 * places to your platform's API (here: the fictitious ACME protocol of examples/acme-binary.json).
 */
import { ManagedConnection, RequestCorrelator, type Scheduler } from '@omni/connection';
import { type Clock, ExecutionError, type Secret } from '@omni/core';
import type {
  BinaryBrokerPort,
  BinaryContract,
  BinaryOrderRequest,
  BrokerAccount,
  BrokerLinkState,
} from '@omni/execution';
import WebSocket from 'ws';
import { z } from 'zod';

// (1) The platform's messages, validated at the edge with zod (never trust a frame).
const Trade = z.object({
  id: z.number(),
  asset: z.string(),
  side: z.enum(['HIGHER', 'LOWER']),
  cost: z.number(),
  payout: z.number(),
  openedAt: z.number(),
  state: z.enum(['active', 'win', 'loss', 'closed']),
  profit: z.number().optional(),
});
const Reply = z.looseObject({
  rid: z.number().optional(),
  type: z.string(),
  trade: Trade.optional(),
  trades: z.array(Trade).optional(),
  account: z.object({ currency: z.string() }).optional(),
  balance: z.object({ amount: z.number() }).optional(),
  error: z.object({ code: z.string(), text: z.string() }).optional(),
});
type Reply = z.infer<typeof Reply>;

// (2) The platform's error codes: a refusal means "certainly not bought" (EXECUTION_REJECTED).
const REFUSED = new Set([
  'INSUFFICIENT_FUNDS',
  'MARKET_CLOSED',
  'TOO_MANY_REQUESTS',
  'BAD_KEY',
  'BAD_REQUEST',
]);
const STATUS = { active: 'open', win: 'won', loss: 'lost', closed: 'sold' } as const;

// (3) A platform contract → the port's contract (money in the account currency, times in epoch ms).
const toContract = (t: z.infer<typeof Trade>): BinaryContract => ({
  contractId: String(t.id),
  symbol: t.asset,
  direction: t.side === 'HIGHER' ? 'call' : 'put',
  buyPrice: t.cost,
  payout: t.payout,
  purchaseTsMs: t.openedAt * 1000,
  status: STATUS[t.state],
  ...(t.profit !== undefined ? { profit: t.profit } : {}),
});

interface Link {
  socket: WebSocket;
  pause(): void;
  resume(): void;
  destroy(): void;
}

export class MyBroker implements BinaryBrokerPort {
  readonly venue = 'acme';
  readonly minStake = 1;
  readonly #listeners = new Set<(s: BrokerLinkState) => void>();
  readonly #followers = new Map<string, (c: BinaryContract) => void>();
  // Every request gets an id and a deadline; a timeout is EXECUTION_TIMEOUT, a lost link EXECUTION_VENUE_UNAVAILABLE.
  readonly #requests: RequestCorrelator<Reply>;
  readonly #connection: ManagedConnection<Link>;
  /** The caller of connect(), until the first login ends. */
  #first: { resolve: (a: BrokerAccount) => void; reject: (e: unknown) => void } | undefined;

  constructor(
    url: Secret,
    readonly token: Secret,
    clock: Clock,
    scheduler?: Scheduler,
  ) {
    const opts = scheduler ? { scheduler } : {};
    this.#requests = new RequestCorrelator<Reply>({
      timeoutMs: 10_000,
      ...opts,
      toError: (f) =>
        new ExecutionError(
          f.reason === 'timeout' ? 'EXECUTION_TIMEOUT' : 'EXECUTION_VENUE_UNAVAILABLE',
          `acme: no answer to ${f.method}`,
          { op: f.method },
        ),
    });
    // ManagedConnection owns connect → heartbeat → reconnect with seeded backoff; we supply the transport.
    this.#connection = new ManagedConnection<Link>({
      ...opts,
      clock,
      seed: 0,
      label: 'acme/backoff',
      staleTimeoutMs: 60_000,
      open: (events) => {
        const socket = new WebSocket(url.reveal()); // the URL may hold a key: revealed only here
        socket.on('open', () => events.opened());
        socket.on('message', (data) => events.received() && this.#onMessage(String(data)));
        socket.on('error', () => {}); // 'close' follows
        socket.on('close', (code) => {
          this.#requests.rejectAll(`closed (${code})`);
          this.#followers.clear();
          events.closed(`closed (${code})`);
        });
        return {
          socket,
          pause: () => socket.pause(),
          resume: () => socket.resume(),
          destroy: () => socket.terminate(),
        };
      },
      // Every (re)connect logs in again by itself; the executor then calls follow() for what it holds.
      onOpen: () =>
        void this.#login().then(
          (account) => this.#loggedIn(account),
          (err) => this.#loginFailed(err),
        ),
      onReconnecting: ({ why }) =>
        this.#first
          ? this.#loginFailed(new ExecutionError('EXECUTION_VENUE_UNAVAILABLE', `acme: ${why}`, {}))
          : this.#emit({ up: false, reason: why }),
      onGiveUp: (why) => this.#emit({ up: false, reason: why }),
    });
  }

  connect(): Promise<BrokerAccount> {
    return new Promise((resolve, reject) => {
      this.#first = { resolve, reject };
      this.#connection.start();
    });
  }
  async close(): Promise<void> {
    this.#connection.stop();
  }
  onLinkState(listener: (s: BrokerLinkState) => void) {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  // (4) The requests, in the platform's shapes. buy() never retries: a retried buy is a second buy.
  async buy(o: BinaryOrderRequest): Promise<BinaryContract> {
    const r = await this.#send('trade', {
      asset: o.symbol,
      side: o.direction === 'call' ? 'HIGHER' : 'LOWER',
      amount: o.stake,
      expiry: { value: o.duration, unit: { t: 'ticks', s: 'sec', m: 'min' }[o.durationUnit as 't'] },
      maxCost: o.maxPrice,
      tag: o.clientId,
    });
    if (!r.trade)
      throw new ExecutionError('EXECUTION_BROKER_ERROR', 'acme: a trade reply without its trade', {
        op: 'buy',
      });
    return toContract(r.trade);
  }
  async follow(contractId: string, onUpdate: (c: BinaryContract) => void) {
    this.#followers.set(contractId, onUpdate);
    await this.#send('watch', { tradeId: Number(contractId) });
    return () => {
      this.#followers.delete(contractId);
    };
  }
  async contractsSince(sinceMs: number): Promise<readonly BinaryContract[]> {
    const r = await this.#send('history', { from: Math.floor(sinceMs / 1000) });
    return (r.trades ?? []).map(toContract).filter((c) => c.purchaseTsMs >= sinceMs);
  }

  async #login(): Promise<BrokerAccount> {
    const account = await this.#send('login', { apiKey: this.token.reveal() }); // the token goes into this frame only
    const balance = await this.#send('balance', {});
    return { currency: account.account?.currency ?? 'USD', balance: balance.balance?.amount ?? 0 };
  }
  #loggedIn(account: BrokerAccount): void {
    this.#first?.resolve(account);
    this.#first = undefined;
    this.#emit({ up: true });
  }
  /** A failed first login fails connect() and stops; a failed login after a reconnect drops the link (reconnect). */
  #loginFailed(err: unknown): void {
    if (this.#first) {
      this.#connection.stop();
      this.#first.reject(err);
      this.#first = undefined;
    } else this.#connection.link?.destroy();
  }
  async #send(op: string, body: Record<string, unknown>): Promise<Reply> {
    const r = await this.#requests.request(op, (rid) => {
      const socket = this.#connection.link?.socket;
      if (socket?.readyState !== WebSocket.OPEN) throw new Error('not connected'); // → EXECUTION_VENUE_UNAVAILABLE
      socket.send(JSON.stringify({ op, rid, ...body }));
    });
    if (!r.error) return r;
    const code = REFUSED.has(r.error.code) ? 'EXECUTION_REJECTED' : 'EXECUTION_BROKER_ERROR';
    throw new ExecutionError(code, `acme refused ${op}: ${r.error.text}`, { op, brokerCode: r.error.code }); // scrubbed of secrets
  }
  #onMessage(text: string): void {
    let parsed: Reply;
    try {
      parsed = Reply.parse(JSON.parse(text));
    } catch {
      return; // a real adapter alerts here (see JsonWsBinaryBroker)
    }
    if (parsed.rid !== undefined) this.#requests.resolve(parsed.rid, parsed);
    else if (parsed.type === 'trade_update' && parsed.trade)
      this.#followers.get(String(parsed.trade.id))?.(toContract(parsed.trade));
  }
  #emit(state: BrokerLinkState): void {
    for (const l of this.#listeners) l(state);
  }
}
