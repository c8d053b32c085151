/**
 * Test support: a stand-in for the OmniBridge Expert Advisor. A TCP client on 127.0.0.1 that speaks
 * protocol v1 as `mql5/OmniBridge.mq5` does: hello with the secret, ticks of the symbols, market
 * orders filled at the quote (or refused, or left unanswered, as the test scripts), SL/TP closes when
 * its ticks cross them, partial closes, modifies, positions snapshots, an outbox of fills and closes
 * made while disconnected (sent after the next welcome, before the positions snapshot), and
 * disconnect / reconnect. Money as an MT5 USD account reports it: profit = ±(exit − open) × lots ×
 * contract size, commission −commissionPerLot × lots per deal, each rounded to cents.
 */
import { connect, type Socket } from 'node:net';

/** What the fake EA does with the next `order` line. */
export type FakeEaOrderAnswer =
  | { readonly kind: 'fill'; readonly price?: number }
  | { readonly kind: 'reject'; readonly retcode: number; readonly message: string }
  /** The line is read and dropped: no position, no answer. */
  | { readonly kind: 'ignore' }
  /** The position opens but the fill line is lost (e.g. the connection dropped right after). */
  | { readonly kind: 'open-silently'; readonly price?: number };

/** A position the fake EA holds (as MT5 would, with the client id in the comment). */
export interface FakeEaPosition {
  readonly client_id: string;
  readonly ticket: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  volume: number;
  readonly open_price: number;
  sl: number;
  tp: number;
  readonly time_msc: number;
}

/** Options of a {@link FakeEa}. */
export interface FakeEaOptions {
  readonly port: number;
  readonly secret: string;
  readonly account?: number;
  readonly server?: string;
  readonly currency?: string;
  /** Commission per lot per deal, in USD (reported negative). Default 0. */
  readonly commissionPerLot?: number;
  readonly contractSize?: number;
}

/** One line the bridge sent, parsed. */
export type FakeEaReceived = Readonly<Record<string, unknown>> & { readonly type: string };

const cents = (x: number): number => Math.round(x * 100) / 100;

/** The fake OmniBridge EA (see the file comment). */
export class FakeEa {
  /** Every line the bridge sent, over every connection, parsed. */
  readonly received: FakeEaReceived[] = [];
  readonly positions = new Map<string, FakeEaPosition>();
  /** Answers for the next `order` lines, in order; when empty, orders fill at the quote. */
  readonly answers: FakeEaOrderAnswer[] = [];
  readonly subscribed = new Set<string>();
  readonly #options: FakeEaOptions;
  readonly #quotes = new Map<string, { bid: number; ask: number }>();
  readonly #seen = new Set<string>();
  readonly #outbox: string[] = [];
  readonly #waiters: (() => void)[] = [];
  #socket: Socket | undefined;
  #welcomed = false;
  #ticket = 1000;
  #nowMsc = 0;

  constructor(options: FakeEaOptions) {
    this.#options = options;
  }

  /** True between the bridge's welcome and the end of the connection. */
  get connected(): boolean {
    return this.#welcomed;
  }

  /** Connects and says hello; resolves to the bridge's answer. */
  async connect(secret = this.#options.secret): Promise<'welcome' | 'denied'> {
    const socket = connect({ host: '127.0.0.1', port: this.#options.port });
    this.#socket = socket;
    socket.setEncoding('utf8');
    let carry = '';
    socket.on('data', (chunk: string) => {
      carry += chunk;
      for (let nl = carry.indexOf('\n'); nl >= 0; nl = carry.indexOf('\n')) {
        const line = carry.slice(0, nl);
        carry = carry.slice(nl + 1);
        if (line !== '') this.#onLine(JSON.parse(line) as FakeEaReceived);
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      if (this.#socket === socket) {
        this.#welcomed = false;
        this.#socket = undefined;
      }
      this.#wake();
    });
    // Rejects when nothing listens yet (the caller may retry); once connected, a later close is not a failure.
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('close', () => reject(new Error(`no bridge listens on 127.0.0.1:${this.#options.port}`)));
    });
    const from = this.received.length;
    this.#write({
      type: 'hello',
      account: this.#options.account ?? 51234567,
      server: this.#options.server ?? 'Example-Demo',
      build: 4755,
      currency: this.#options.currency ?? 'USD',
      secret,
    });
    const answer = await this.waitFor((m) => m.type === 'welcome' || m.type === 'denied', from);
    return answer.type as 'welcome' | 'denied';
  }

  /** Closes the connection (positions stay, as they do at a broker). */
  async disconnect(): Promise<void> {
    const socket = this.#socket;
    if (socket === undefined) return;
    this.#welcomed = false;
    this.#socket = undefined;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.destroy();
    });
  }

  /** Resolves when the connection is closed by the bridge. */
  async closedByBridge(): Promise<void> {
    await this.#until(() => this.#socket === undefined);
  }

  /** A quote: sent as a tick line (when connected) and checked against every position's SL and TP. */
  tick(symbol: string, bid: number, ask: number, timeMsc: number): void {
    this.#nowMsc = timeMsc;
    this.#quotes.set(symbol, { bid, ask });
    if (this.#welcomed) this.#write({ type: 'tick', symbol, bid, ask, time_msc: timeMsc });
    for (const p of [...this.positions.values()]) {
      if (p.symbol !== symbol) continue;
      const exit = p.side === 'buy' ? bid : ask;
      const stopHit = p.sl > 0 && (p.side === 'buy' ? exit <= p.sl : exit >= p.sl);
      const tpHit = p.tp > 0 && (p.side === 'buy' ? exit >= p.tp : exit <= p.tp);
      if (stopHit) this.#deal(p, p.volume, exit, 'sl');
      else if (tpHit) this.#deal(p, p.volume, p.tp, 'tp');
    }
  }

  /** Sends raw text (malformed lines, over-long lines). */
  sendRaw(text: string): void {
    this.#socket?.write(text);
  }

  /** The first bridge line matching `match` from index `from` on, waiting for it if needed. */
  waitFor(match: (m: FakeEaReceived) => boolean, from = 0): Promise<FakeEaReceived> {
    const find = (): FakeEaReceived | undefined => this.received.slice(from).find(match);
    return this.#until(find);
  }

  /** Bridge lines of one type so far. */
  linesOf(type: string): FakeEaReceived[] {
    return this.received.filter((m) => m.type === type);
  }

  #until<T>(probe: () => T | undefined | false): Promise<T> {
    return new Promise<T>((resolve) => {
      const check = (): void => {
        const value = probe();
        if (value === undefined || value === false) return;
        const i = this.#waiters.indexOf(check);
        if (i >= 0) this.#waiters.splice(i, 1);
        resolve(value);
      };
      this.#waiters.push(check);
      check();
    });
  }

  #wake(): void {
    for (const check of [...this.#waiters]) check();
  }

  #onLine(m: FakeEaReceived): void {
    this.received.push(m);
    if (m.type === 'welcome') {
      this.#welcomed = true;
      for (const line of this.#outbox.splice(0)) this.#socket?.write(line);
      this.#positions(undefined);
    } else if (m.type === 'subscribe') {
      for (const s of m['symbols'] as string[]) this.subscribed.add(s);
    } else if (m.type === 'order') {
      this.#order(m);
    } else if (m.type === 'close') {
      const p = this.positions.get(m['client_id'] as string);
      if (p === undefined)
        this.#emit({
          type: 'reject',
          client_id: m['client_id'],
          op: 'close',
          retcode: 10036,
          message: 'position not found',
        });
      else {
        const q = this.#quotes.get(p.symbol);
        const price = (p.side === 'buy' ? q?.bid : q?.ask) ?? p.open_price;
        this.#deal(p, Math.min(p.volume, (m['volume'] as number | undefined) ?? p.volume), price, 'close');
      }
    } else if (m.type === 'modify') {
      const p = this.positions.get(m['client_id'] as string);
      if (p !== undefined) {
        p.sl = m['sl'] as number;
        p.tp = m['tp'] as number;
      }
    } else if (m.type === 'positions?') {
      this.#positions(m['req'] as number);
    } else if (m.type === 'ping') {
      this.#write({ type: 'pong', id: m['id'] });
    }
    this.#wake();
  }

  #order(m: FakeEaReceived): void {
    const clientId = m['client_id'] as string;
    const side = m['side'] as 'buy' | 'sell';
    const symbol = m['symbol'] as string;
    const volume = m['volume'] as number;
    if (this.#seen.has(clientId)) {
      this.#emit({
        type: 'reject',
        client_id: clientId,
        op: 'order',
        retcode: 0,
        message: 'duplicate client_id',
      });
      return;
    }
    this.#seen.add(clientId);
    const answer = this.answers.shift() ?? { kind: 'fill' };
    if (answer.kind === 'ignore') return;
    if (answer.kind === 'reject') {
      this.#emit({
        type: 'reject',
        client_id: clientId,
        op: 'order',
        retcode: answer.retcode,
        message: answer.message,
      });
      return;
    }
    const q = this.#quotes.get(symbol);
    const price = answer.price ?? (side === 'buy' ? q?.ask : q?.bid) ?? 1;
    const ticket = String(++this.#ticket);
    this.positions.set(clientId, {
      client_id: clientId,
      ticket,
      symbol,
      side,
      volume,
      open_price: price,
      sl: m['sl'] as number,
      tp: m['tp'] as number,
      time_msc: this.#nowMsc,
    });
    if (answer.kind === 'open-silently') return;
    const commission = -cents((this.#options.commissionPerLot ?? 0) * volume);
    this.#emit({
      type: 'fill',
      client_id: clientId,
      ticket,
      symbol,
      side,
      volume,
      price,
      commission,
      time_msc: this.#nowMsc,
    });
  }

  #deal(p: FakeEaPosition, volume: number, price: number, reason: 'sl' | 'tp' | 'close'): void {
    const sign = p.side === 'buy' ? 1 : -1;
    const remaining = Number((p.volume - volume).toFixed(8));
    p.volume = remaining;
    if (remaining <= 0) this.positions.delete(p.client_id);
    this.#emit({
      type: 'closed',
      client_id: p.client_id,
      ticket: p.ticket,
      volume,
      remaining,
      price,
      profit: cents(sign * (price - p.open_price) * volume * (this.#options.contractSize ?? 100_000)),
      commission: -cents((this.#options.commissionPerLot ?? 0) * volume),
      swap: 0,
      time_msc: this.#nowMsc,
      reason,
    });
  }

  #positions(req: number | undefined): void {
    const items = [...this.positions.values()].map((p) => ({ ...p, profit: 0 }));
    this.#write({ type: 'positions', ...(req !== undefined ? { req } : {}), items });
  }

  /** A trade report: sent now, or kept for after the next welcome. */
  #emit(message: Record<string, unknown>): void {
    const line = `${JSON.stringify({ v: 1, ...message })}\n`;
    if (this.#welcomed && this.#socket !== undefined) this.#socket.write(line);
    else this.#outbox.push(line);
  }

  #write(message: Record<string, unknown>): void {
    this.#socket?.write(`${JSON.stringify({ v: 1, ...message })}\n`);
  }
}
