/** Test support: a local server on 127.0.0.1 speaking the fictitious ACME Binary protocol of examples/acme-binary.json. */
import { type WebSocket, WebSocketServer } from 'ws';

/** A trade as the ACME platform holds it (times in epoch seconds). */
export interface AcmeTrade {
  id: number;
  asset: string;
  side: 'HIGHER' | 'LOWER';
  cost: number;
  payout: number;
  openedAt: number;
  openPrice: number;
  state: 'active' | 'win' | 'loss' | 'closed';
  tag: string;
  profit?: number;
  returned?: number;
  closePrice?: number;
  closedAt?: number;
}

/** What the server does with the next `trade` request: fill it, keep silent (it still buys), or answer an error. */
export type TradeReply = 'fill' | 'silent' | { readonly code: string; readonly text: string };

type Frame = Record<string, unknown>;

/**
 * ACME Binary as documented in examples/acme-binary.json: `login` (apiKey), `balance`, `trade`,
 * `watch`/`unwatch` with `trade_update` pushes, `history` since a time in seconds, `quotes` with
 * `quote` pushes; every reply echoes `rid`; errors are `{"rid","type":"error","error":{"code","text"}}`.
 * The login error echoes the key it got, as careless platforms do (the client must scrub it).
 */
export class FakeAcme {
  readonly server: WebSocketServer;
  /** Every frame received, parsed, in order. */
  readonly frames: Frame[] = [];
  readonly sockets: WebSocket[] = [];
  readonly trades: AcmeTrade[] = [];
  /** Replies of the next `trade` requests, in order; `fill` when empty. */
  readonly tradeReplies: TradeReply[] = [];
  nowSec = 1_700_000_000;
  balance = 1000;
  /** Answer `watch` with the trade itself (as Deriv answers proposal_open_contract), not a bare ack. */
  watchCarriesTrade = false;
  /** The key logins must carry (change it to refuse the next login). */
  validKey: string;
  #nextId = 9001;
  readonly #authed = new Set<WebSocket>();
  readonly #watching = new Map<WebSocket, Set<number>>();
  readonly #quoting = new Map<WebSocket, Set<string>>();
  readonly #waiters: { check: () => boolean; resolve: () => void }[] = [];

  constructor(validKey: string) {
    this.validKey = validKey;
    this.server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    this.server.on('connection', (ws) => {
      this.sockets.push(ws);
      this.#notify();
      ws.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as Frame;
        this.frames.push(frame);
        this.#handle(ws, frame);
        this.#notify();
      });
    });
  }

  async ready(): Promise<string> {
    if (this.server.address() === null) await new Promise((r) => this.server.once('listening', r));
    const address = this.server.address();
    if (typeof address !== 'object' || address === null) throw new Error('no address');
    return `ws://127.0.0.1:${address.port}`;
  }

  /** Frames of one `op`. */
  framesOf(op: string): Frame[] {
    return this.frames.filter((f) => f['op'] === op);
  }

  /** Resolves once `n` frames of `op` have arrived. */
  waitForOp(op: string, n = 1): Promise<void> {
    return this.#waitUntil(() => this.framesOf(op).length >= n);
  }

  /** Resolves once `n` connections have been made. */
  waitForConnections(n: number): Promise<void> {
    return this.#waitUntil(() => this.sockets.length >= n);
  }

  /** Settles a trade and pushes the update to every socket watching it. */
  settle(id: number, state: 'win' | 'loss', closePrice: number): void {
    const trade = this.#trade(id);
    trade.state = state;
    trade.profit = state === 'win' ? round(trade.payout - trade.cost) : -trade.cost;
    trade.returned = state === 'win' ? trade.payout : 0;
    trade.closePrice = closePrice;
    trade.closedAt = trade.openedAt + 300;
    this.pushUpdate(id);
  }

  /** Pushes the trade's current state to every socket watching it. */
  pushUpdate(id: number): void {
    const trade = this.#trade(id);
    for (const [ws, ids] of this.#watching)
      if (ids.has(id)) ws.send(JSON.stringify({ type: 'trade_update', trade }));
  }

  /** The reply the server withheld (a `silent` trade), sent late. */
  replyLate(rid: number, id: number): void {
    this.#broadcast({ rid, type: 'trade', trade: this.#trade(id) });
  }

  /** Pushes a quote to every socket subscribed to `asset`. */
  quote(asset: string, price: number, tMs: number): void {
    for (const [ws, assets] of this.#quoting) {
      if (assets.has(asset)) ws.send(JSON.stringify({ type: 'quote', asset, price, t: tMs }));
    }
  }

  /** Sends `data` as it is (text or binary) to every open socket. */
  raw(data: string | Buffer): void {
    for (const ws of this.sockets)
      if (ws.readyState === ws.OPEN) ws.send(data, { binary: typeof data !== 'string' });
  }

  /** Drops every connection without a close frame (the client sees code 1006). */
  dropAll(): void {
    for (const ws of this.sockets) ws.terminate();
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise((r) => this.server.close(r));
  }

  /** Answers one frame; true once answered (or deliberately not). */
  #handle(ws: WebSocket, f: Frame): boolean {
    const rid = f['rid'];
    const send = (body: Frame): boolean => {
      ws.send(JSON.stringify({ rid, ...body }));
      return true;
    };
    const fail = (code: string, text: string): boolean => send({ type: 'error', error: { code, text } });
    if (f['op'] === 'login') {
      if (f['apiKey'] !== this.validKey)
        return fail('BAD_KEY', `api key ${String(f['apiKey'])} not recognised`);
      this.#authed.add(ws);
      return send({ type: 'login', account: { id: 'ACME-42', currency: 'USD' } });
    }
    if (!this.#authed.has(ws)) return fail('NOT_LOGGED_IN', 'log in first');
    switch (f['op']) {
      case 'balance':
        return send({ type: 'balance', balance: { amount: this.balance, currency: 'USD' } });
      case 'trade':
        return this.#openTrade(f, send, fail);
      case 'watch':
      case 'unwatch': {
        const ids = this.#watching.get(ws) ?? new Set<number>();
        this.#watching.set(ws, ids);
        const id = Number(f['tradeId']);
        if (f['op'] === 'unwatch') ids.delete(id);
        else ids.add(id);
        const trade = this.watchCarriesTrade ? this.trades.find((t) => t.id === id) : undefined;
        return send({ type: f['op'], ok: true, ...(trade ? { trade } : {}) });
      }
      case 'history':
        return send({ type: 'history', trades: this.trades.filter((t) => t.openedAt >= Number(f['from'])) });
      case 'quotes': {
        const assets = this.#quoting.get(ws) ?? new Set<string>();
        this.#quoting.set(ws, assets.add(String(f['asset'])));
        return send({ type: 'quotes', ok: true });
      }
      default:
        return fail('UNKNOWN_OP', `no operation ${String(f['op'])}`);
    }
  }

  #openTrade(
    f: Frame,
    send: (body: Frame) => boolean,
    fail: (code: string, text: string) => boolean,
  ): boolean {
    const expiry = f['expiry'] as { value?: unknown; unit?: unknown } | undefined;
    const amount = f['amount'];
    if (
      typeof f['asset'] !== 'string' ||
      (f['side'] !== 'HIGHER' && f['side'] !== 'LOWER') ||
      typeof amount !== 'number' ||
      typeof expiry?.value !== 'number' ||
      !['ticks', 'sec', 'min'].includes(String(expiry.unit))
    ) {
      return fail('BAD_REQUEST', 'malformed trade');
    }
    const reply = this.tradeReplies.shift() ?? 'fill';
    if (typeof reply === 'object') return fail(reply.code, reply.text);
    const trade: AcmeTrade = {
      id: this.#nextId++,
      asset: f['asset'],
      side: f['side'],
      cost: amount,
      payout: round(amount * 1.85),
      openedAt: this.nowSec,
      openPrice: 1.0842,
      state: 'active',
      tag: String(f['tag']),
    };
    this.trades.push(trade);
    this.balance = round(this.balance - amount);
    return reply === 'fill' ? send({ type: 'trade', trade }) : true;
  }

  #trade(id: number): AcmeTrade {
    const trade = this.trades.find((t) => t.id === id);
    if (!trade) throw new Error(`no trade ${id}`);
    return trade;
  }

  #broadcast(body: Frame): void {
    this.raw(JSON.stringify(body));
  }

  #waitUntil(check: () => boolean): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ check, resolve }));
  }

  #notify(): void {
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      const waiter = this.#waiters[i];
      if (waiter?.check()) {
        this.#waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
