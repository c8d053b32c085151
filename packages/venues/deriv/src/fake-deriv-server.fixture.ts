/** Test support: a local server speaking the Deriv WebSocket API v3 on 127.0.0.1 (tests only). */
import { type WebSocket, WebSocketServer } from 'ws';
import {
  buyBody,
  type Call,
  callOf,
  NEEDS_AUTH,
  openContractBody,
  portfolioRow,
  profitRow,
  proposalBody,
  tickBody,
} from './fake-deriv-bodies.fixture.js';
import {
  type FakeContract,
  FakeDerivMarket,
  type FakeDerivMarketOptions,
  type FakeProposal,
  type FakeRefusal,
  type FakeTick,
} from './fake-deriv-market.fixture.js';

/** Options of a {@link FakeDerivServer}. */
export interface FakeDerivServerOptions extends FakeDerivMarketOptions {
  /** The token `authorize` accepts. Default `fake-token-read-trade-0001`. */
  readonly token?: string;
  /** The account's login id. Default `VRTC1000001`. */
  readonly loginid?: string;
}

type Message = Readonly<Record<string, unknown>>;

/** What a request is answered with (a refusal is a {@link FakeRefusal}). */
interface Answer {
  readonly body: unknown;
  /** Default: the call's name. */
  readonly msgType?: string;
  readonly subscription?: string | undefined;
}

interface Connection {
  readonly ws: WebSocket;
  authorized: boolean;
  readonly proposals: Map<string, FakeProposal>;
  readonly subscriptions: Map<
    string,
    { kind: 'ticks' | 'proposal_open_contract'; key: string; request: Message }
  >;
}

/**
 * A Deriv API v3 server on 127.0.0.1 (port 0) for tests: `msg_type`, `echo_req`, `req_id` echoed,
 * `error: {code, message}` answers, subscription ids; authorize, balance, ticks, proposal, buy,
 * proposal_open_contract, portfolio, profit_table, forget, forget_all, ping. Ticks come only from
 * {@link FakeDerivServer.emitTick} (or an interval the test opts into with `autoTick`), contracts
 * settle from that stream ({@link FakeDerivMarket}). Scenario controls make it refuse the token,
 * answer chosen calls with errors, rate-limit, drop connections, hold settlement, send malformed or
 * oversized frames, and swallow a buy (bought, never answered). `received` records every request.
 *
 * @example
 * const server = await FakeDerivServer.start({ seed: 7 });
 * const client = new DerivClient({ appId: '1089', wsUrl: server.url, token: new Secret(server.token) });
 */
export class FakeDerivServer {
  readonly market: FakeDerivMarket;
  readonly token: string;
  readonly loginid: string;
  /** Every request received, parsed, in order (the authorize token included: the server is the broker). */
  readonly received: Message[] = [];
  /** The `app_id` of every connection. */
  readonly appIds: string[] = [];
  connections = 0;
  authorizations = 0;
  readonly #wss: WebSocketServer;
  readonly #conns = new Set<Connection>();
  readonly #failures = new Map<Call, FakeRefusal[]>();
  readonly #buysByClient = new Map<string, number>();
  readonly #waiters: { call: Call; count: number; resolve: () => void }[] = [];
  #refuseToken = false;
  #rateLimited = 0;
  #swallowBuys = 0;
  #ignorePings = false;
  #nextSubscription = 1;
  #timer: ReturnType<typeof setInterval> | undefined;

  private constructor(wss: WebSocketServer, options: FakeDerivServerOptions) {
    this.#wss = wss;
    this.market = new FakeDerivMarket(options);
    this.token = options.token ?? 'fake-token-read-trade-0001';
    this.loginid = options.loginid ?? 'VRTC1000001';
    wss.on('connection', (ws, req) => this.#accept(ws, req.url ?? ''));
  }

  /** Starts listening on 127.0.0.1 on a free port. */
  static async start(options: FakeDerivServerOptions = {}): Promise<FakeDerivServer> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => wss.once('listening', resolve));
    return new FakeDerivServer(wss, options);
  }

  /** `ws://127.0.0.1:<port>` (the client appends `?app_id=`). */
  get url(): string {
    const address = this.#wss.address();
    if (typeof address !== 'object' || address === null)
      throw new Error('fake Deriv server is not listening');
    return `ws://127.0.0.1:${address.port}`;
  }

  /** Requests of `call` received so far. */
  requests(call: Call): Message[] {
    return this.received.filter((m) => callOf(m) === call);
  }

  /** Resolves once `count` requests of `call` have arrived in total. */
  waitFor(call: Call, count = 1): Promise<void> {
    if (this.requests(call).length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ call, count, resolve }));
  }

  /** How many buys carried `passthrough.clientId`. */
  buysFor(clientId: string): number {
    return this.#buysByClient.get(clientId) ?? 0;
  }

  /** Emits the next tick of `symbol` to its subscribers and updates the contracts it settles. */
  emitTick(symbol = this.market.symbols[0] ?? 'R_100'): FakeTick {
    const { tick, changed } = this.market.tick(symbol);
    for (const conn of this.#conns) {
      for (const [id, sub] of conn.subscriptions) {
        if (sub.kind === 'ticks' && sub.key === symbol)
          this.#reply(conn, sub.request, 'tick', tickBody(tick, id), id);
      }
    }
    for (const c of changed) this.#publish(c);
    return tick;
  }

  /** Emits a tick of `symbol` every `intervalMs` (real timers; the test opts in). Returns the stop. */
  autoTick(intervalMs: number, symbol?: string): () => void {
    this.stopAutoTick();
    this.#timer = setInterval(() => this.emitTick(symbol), intervalMs);
    return () => this.stopAutoTick();
  }

  stopAutoTick(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** `authorize` answers InvalidToken while on. */
  refuseToken(on = true): void {
    this.#refuseToken = on;
  }

  /** The next `count` requests of `call` are answered with `error: {code, message}`. */
  failNext(call: Call, code: string, message = `${code} (fake)`, count = 1): void {
    const queue = this.#failures.get(call) ?? [];
    for (let i = 0; i < count; i++) queue.push({ code, message });
    this.#failures.set(call, queue);
  }

  /** The next `count` requests (any call but ping) are answered `RateLimit`. */
  rateLimitNext(count: number): void {
    this.#rateLimited = count;
  }

  /** The next `count` buys are made (the contract exists) but never answered. */
  swallowNextBuy(count = 1): void {
    this.#swallowBuys = count;
  }

  /** Pings get no pong while on. */
  ignorePings(on = true): void {
    this.#ignorePings = on;
  }

  /** Contracts reaching their exit stay open until {@link FakeDerivServer.releaseSettlement}. */
  holdSettlement(): void {
    this.market.holdSettlement = true;
  }

  /** Settles the held contracts and publishes them. */
  releaseSettlement(): void {
    for (const c of this.market.release()) this.#publish(c);
  }

  /** Drops every connection (code 1006 on the client side). */
  dropConnections(): void {
    for (const conn of this.#conns) conn.ws.terminate();
  }

  /** Drops only the authorized (trading) connections: the public tick feed stays up. */
  dropAuthorized(): void {
    for (const conn of this.#conns) if (conn.authorized) conn.ws.terminate();
  }

  /** Sends `text` as one frame to every connection. */
  sendRaw(text: string): void {
    for (const conn of this.#conns) conn.ws.send(text);
  }

  /** Sends a well-formed JSON frame of about `bytes` bytes to every connection. */
  sendOversized(bytes: number): void {
    this.sendRaw(JSON.stringify({ msg_type: 'tick', echo_req: {}, padding: 'x'.repeat(bytes) }));
  }

  async close(): Promise<void> {
    this.stopAutoTick();
    for (const conn of this.#conns) conn.ws.terminate();
    await new Promise((resolve) => this.#wss.close(resolve));
  }

  #accept(ws: WebSocket, url: string): void {
    this.connections++;
    this.appIds.push(new URL(url, 'ws://127.0.0.1').searchParams.get('app_id') ?? '');
    const conn: Connection = { ws, authorized: false, proposals: new Map(), subscriptions: new Map() };
    this.#conns.add(conn);
    ws.on('close', () => this.#conns.delete(conn));
    ws.on('message', (data) => this.#onMessage(conn, data.toString()));
  }

  #onMessage(conn: Connection, text: string): void {
    let msg: Message;
    try {
      msg = JSON.parse(text) as Message;
    } catch {
      conn.ws.send(
        JSON.stringify({
          echo_req: {},
          msg_type: 'error',
          error: { code: 'BadRequest', message: 'Invalid JSON.' },
        }),
      );
      return;
    }
    const call = callOf(msg);
    this.received.push(msg);
    for (const w of [...this.#waiters]) {
      if (w.call === call && this.requests(call).length >= w.count) {
        this.#waiters.splice(this.#waiters.indexOf(w), 1);
        w.resolve();
      }
    }
    if (call === undefined) {
      this.#error(conn, msg, 'error', 'UnrecognisedRequest', 'Unrecognised request.');
      return;
    }
    if (call !== 'ping' && this.#rateLimited > 0) {
      this.#rateLimited--;
      this.#error(conn, msg, call, 'RateLimit', `You have reached the rate limit for ${call}.`);
      return;
    }
    const failure = this.#failures.get(call)?.shift();
    if (failure !== undefined) {
      this.#error(conn, msg, call, failure.code, failure.message);
      return;
    }
    if (NEEDS_AUTH.has(call) && !conn.authorized) {
      this.#error(conn, msg, call, 'AuthorizationRequired', 'Please log in.');
      return;
    }
    const answer = this.#answer(conn, call, msg);
    if (answer === undefined) return;
    if ('code' in answer) this.#error(conn, msg, call, answer.code, answer.message);
    else this.#reply(conn, msg, answer.msgType ?? call, answer.body, answer.subscription);
  }

  /** The answer to one request: a body (sent as `msgType`, default the call), a refusal, or none. */
  #answer(conn: Connection, call: Call, msg: Message): Answer | FakeRefusal | undefined {
    const m = this.market;
    switch (call) {
      case 'authorize': {
        if (this.#refuseToken || msg['authorize'] !== this.token)
          return { code: 'InvalidToken', message: 'The token is invalid.' };
        conn.authorized = true;
        this.authorizations++;
        const { balance, currency } = m;
        return {
          body: { loginid: this.loginid, currency, balance, is_virtual: 1, scopes: ['read', 'trade'] },
        };
      }
      case 'balance':
        return { body: { balance: m.balance, currency: m.currency, loginid: this.loginid } };
      case 'ping':
        return this.#ignorePings ? undefined : { body: 'pong' };
      case 'ticks': {
        const symbol = String(msg['ticks']);
        const last = m.last(symbol);
        if (last === undefined) return { code: 'InvalidSymbol', message: `Symbol ${symbol} is invalid.` };
        const id = msg['subscribe'] === 1 ? this.#subscribe(conn, 'ticks', symbol, msg) : undefined;
        return { msgType: 'tick', body: tickBody(last, id), subscription: id };
      }
      case 'proposal': {
        const proposal = m.propose(msg);
        if ('code' in proposal) return proposal;
        conn.proposals.set(proposal.id, proposal);
        return { body: proposalBody(proposal, m.epochS) };
      }
      case 'buy':
        return this.#buy(conn, msg);
      case 'proposal_open_contract': {
        const contract = m.contracts.get(Number(msg['contract_id']));
        if (contract === undefined) return { body: {} };
        const id =
          msg['subscribe'] === 1 && !contract.sold
            ? this.#subscribe(conn, call, String(contract.contractId), msg)
            : undefined;
        return { body: openContractBody(contract, id, m.currency), subscription: id };
      }
      case 'portfolio': {
        const open = [...m.contracts.values()].filter((c) => !c.sold);
        return { body: { contracts: open.map((c) => portfolioRow(c, m.currency)) } };
      }
      case 'profit_table': {
        const from = Number(msg['date_from'] ?? 0);
        let rows = [...m.contracts.values()].filter((c) => c.sold && c.purchaseTime >= from);
        if (msg['sort'] !== 'ASC') rows = rows.reverse();
        rows = rows.slice(0, Number(msg['limit'] ?? 50));
        const transactions = rows.map((c) => profitRow(c, msg['description'] === 1));
        return { body: { count: rows.length, transactions } };
      }
      case 'forget':
        return { body: conn.subscriptions.delete(String(msg['forget'])) ? 1 : 0 };
      case 'forget_all': {
        const kinds = ([] as unknown[]).concat(msg['forget_all']);
        const ids = [...conn.subscriptions].filter(([, s]) => kinds.includes(s.kind)).map(([id]) => id);
        for (const id of ids) conn.subscriptions.delete(id);
        return { body: ids };
      }
    }
  }

  #buy(conn: Connection, msg: Message): Answer | FakeRefusal | undefined {
    const proposal = conn.proposals.get(String(msg['buy']));
    if (proposal === undefined)
      return { code: 'InvalidContractProposal', message: 'Proposal ID does not exist or has expired.' };
    const passthrough = msg['passthrough'] as Message | undefined;
    const clientId = typeof passthrough?.['clientId'] === 'string' ? passthrough['clientId'] : undefined;
    const contract = this.market.buy(proposal, Number(msg['price']), clientId);
    if ('code' in contract) return contract;
    conn.proposals.delete(proposal.id);
    if (clientId !== undefined) this.#buysByClient.set(clientId, this.buysFor(clientId) + 1);
    if (this.#swallowBuys > 0) {
      this.#swallowBuys--;
      return undefined;
    }
    return { body: buyBody(contract, this.market.balance) };
  }

  /** Sends a contract's new state to its `proposal_open_contract` subscribers; a sold one ends them. */
  #publish(c: FakeContract): void {
    for (const conn of this.#conns) {
      for (const [id, sub] of conn.subscriptions) {
        if (sub.kind !== 'proposal_open_contract' || sub.key !== String(c.contractId)) continue;
        this.#reply(
          conn,
          sub.request,
          'proposal_open_contract',
          openContractBody(c, id, this.market.currency),
          id,
        );
        if (c.sold) conn.subscriptions.delete(id);
      }
    }
  }

  #subscribe(
    conn: Connection,
    kind: 'ticks' | 'proposal_open_contract',
    key: string,
    request: Message,
  ): string {
    const id = (this.#nextSubscription++).toString(16).padStart(32, '0');
    conn.subscriptions.set(id, { kind, key, request });
    return id;
  }

  #reply(conn: Connection, request: Message, msgType: string, body: unknown, subscriptionId?: string): void {
    const frame: Record<string, unknown> = { echo_req: request, msg_type: msgType, [msgType]: body };
    if (typeof request['req_id'] === 'number') frame['req_id'] = request['req_id'];
    if (subscriptionId !== undefined) frame['subscription'] = { id: subscriptionId };
    if (conn.ws.readyState === conn.ws.OPEN) conn.ws.send(JSON.stringify(frame));
  }

  #error(conn: Connection, request: Message, call: string, code: string, message: string): void {
    // Answers are typed by what they carry: a `ticks` request is answered as msg_type `tick`.
    const msgType = call === 'ticks' ? 'tick' : call;
    const frame: Record<string, unknown> = { echo_req: request, msg_type: msgType, error: { code, message } };
    if (typeof request['req_id'] === 'number') frame['req_id'] = request['req_id'];
    if (conn.ws.readyState === conn.ws.OPEN) conn.ws.send(JSON.stringify(frame));
  }
}
