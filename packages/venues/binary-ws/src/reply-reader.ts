import type { BinaryContract, BrokerAccount } from '@omni/execution';
import { type CompiledPath, compilePath, readId, readNumber, readPath } from './dot-path.js';
import type { JsonWsProtocol } from './protocol-schema.js';

/** A value read from a reply, or what was wrong with the reply (a path and the problem, no values). */
export type Read<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problem: string };

/** An error reply: the platform's code and message. */
export interface BrokerErrorReply {
  readonly code: string;
  readonly message: string | undefined;
}

const opt = (path: string | undefined): CompiledPath | undefined =>
  path === undefined ? undefined : compilePath(path);

/**
 * Reads replies and pushed messages of a configured protocol: error replies, the reply key (echoed
 * id or type), contract updates, the account and contracts. Every path is split once here, so reading
 * a message allocates no path segments.
 */
export class ReplyReader {
  readonly #p: JsonWsProtocol;
  readonly #matchPath: CompiledPath;
  readonly #errorPath: CompiledPath;
  readonly #errorCode: CompiledPath;
  readonly #errorMessage: CompiledPath | undefined;
  readonly #updateWhen: CompiledPath;
  readonly #updateRoot: CompiledPath | undefined;
  readonly #buyRoot: CompiledPath | undefined;
  readonly #list: CompiledPath;
  readonly #c: Readonly<Record<string, CompiledPath | undefined>>;
  readonly #directions: ReadonlyMap<string, 'call' | 'put'>;

  constructor(protocol: JsonWsProtocol) {
    this.#p = protocol;
    this.#matchPath = compilePath(protocol.match.path);
    this.#errorPath = compilePath(protocol.error.path);
    this.#errorCode = compilePath(protocol.error.code);
    this.#errorMessage = opt(protocol.error.message);
    this.#updateWhen = compilePath(protocol.operations.follow.updates.when.path);
    this.#updateRoot = opt(protocol.operations.follow.updates.contractRoot);
    this.#buyRoot = opt(protocol.operations.buy.contractRoot);
    this.#list = compilePath(protocol.operations.contractsSince.list);
    const c = protocol.contract;
    this.#c = Object.fromEntries(
      Object.entries(c)
        .filter(([key]) => key !== 'statusMap' && key !== 'timeUnit' && key !== 'idAs')
        .map(([key, path]) => [key, opt(path as string | undefined)]),
    );
    this.#directions = new Map([
      [protocol.direction.call, 'call'],
      [protocol.direction.put, 'put'],
    ]);
  }

  /** The error of an error reply (something at `error.path` other than null/false), else `undefined`. */
  errorOf(message: unknown): BrokerErrorReply | undefined {
    const flag = readPath(message, this.#errorPath);
    if (flag === undefined || flag === null || flag === false) return undefined;
    const text = this.#errorMessage ? readPath(message, this.#errorMessage) : undefined;
    return {
      code: readId(message, this.#errorCode) ?? 'UNKNOWN',
      message: typeof text === 'string' ? text : undefined,
    };
  }

  /** The echoed request id (`match.by: id`, numeric strings read as numbers) or the type value (`type`). */
  replyKey(message: unknown): number | string | undefined {
    const raw = readPath(message, this.#matchPath);
    if (this.#p.match.by === 'type')
      return typeof raw === 'string' || typeof raw === 'number' ? raw : undefined;
    const id =
      typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
    return Number.isSafeInteger(id) ? id : undefined;
  }

  /** True for a pushed contract update (`operations.follow.updates.when`). */
  isUpdate(message: unknown): boolean {
    return readPath(message, this.#updateWhen) === this.#p.operations.follow.updates.when.equals;
  }

  /** The contract object inside an update (or the update itself). */
  updateContract(message: unknown): unknown {
    return this.#updateRoot ? readPath(message, this.#updateRoot) : message;
  }

  /** The contract object inside a buy reply (or the reply itself). */
  buyContract(message: unknown): unknown {
    return this.#buyRoot ? readPath(message, this.#buyRoot) : message;
  }

  /**
   * The contracts of a `contractsSince` reply bought at or after `sinceMs` (a platform asked in
   * seconds may list a few earlier ones). One unreadable item makes the whole list a problem: the list
   * resolves unanswered buys, so it must not silently miss one.
   */
  contracts(
    message: unknown,
    sinceMs: number,
    known: (contractId: string) => BinaryContract | undefined,
  ): Read<BinaryContract[]> {
    const list = readPath(message, this.#list);
    if (!Array.isArray(list)) {
      return { ok: false, problem: `${this.#p.operations.contractsSince.list} is not an array` };
    }
    const out: BinaryContract[] = [];
    for (let i = 0; i < list.length; i++) {
      const id = this.contractId(list[i]);
      const read = this.contract(list[i], id === undefined ? {} : known(id));
      if (!read.ok) return { ok: false, problem: `item ${i}: ${read.problem}` };
      if (read.value.purchaseTsMs >= sinceMs) out.push(read.value);
    }
    return { ok: true, value: out };
  }

  /** The contract id of a contract object, as a string. */
  contractId(contract: unknown): string | undefined {
    return readId(contract, this.#c['contractId'] as CompiledPath);
  }

  /** The account of a login reply; `balance` is undefined when the reply does not carry it. */
  account(
    message: unknown,
  ): Read<{ currency: string; balance: number | undefined; accountId: string | undefined }> {
    const a = this.#p.operations.auth.account;
    const currency = readPath(message, compilePath(a.currency));
    if (typeof currency !== 'string' || currency === '') {
      return { ok: false, problem: `no currency at ${a.currency}` };
    }
    const balance = a.balance === undefined ? undefined : readNumber(message, compilePath(a.balance));
    const accountId = a.accountId === undefined ? undefined : readId(message, compilePath(a.accountId));
    return { ok: true, value: { currency, balance, accountId } };
  }

  /** The balance (and currency, when configured) of a balance reply. */
  balance(message: unknown, fallbackCurrency: string): Read<BrokerAccount> {
    const b = this.#p.operations.balance;
    if (b === undefined) return { ok: false, problem: 'no balance operation is configured' };
    const balance = readNumber(message, compilePath(b.balance));
    if (balance === undefined) return { ok: false, problem: `no number at ${b.balance}` };
    const currency = b.currency === undefined ? fallbackCurrency : readPath(message, compilePath(b.currency));
    if (typeof currency !== 'string' || currency === '')
      return { ok: false, problem: `no currency at ${b.currency}` };
    return { ok: true, value: { currency, balance } };
  }

  /**
   * A contract object as a {@link BinaryContract}. Fields the platform leaves out (symbol, direction,
   * client id) come from `known` (the order, or the contract as last seen); a required field still
   * missing, an unmapped status or direction is a problem naming the path.
   */
  contract(value: unknown, known: Partial<BinaryContract> = {}): Read<BinaryContract> {
    const c = this.#c;
    const p = this.#p.contract;
    if (typeof value !== 'object' || value === null)
      return { ok: false, problem: 'the contract is not an object' };
    const contractId = readId(value, c['contractId'] as CompiledPath) ?? known.contractId;
    if (contractId === undefined) return { ok: false, problem: `no contract id at ${p.contractId}` };
    const rawStatus = readPath(value, c['status'] as CompiledPath);
    // Own keys only: a status such as "constructor" must not find Object.prototype's members.
    const status =
      rawStatus === undefined
        ? known.status
        : Object.hasOwn(p.statusMap, String(rawStatus))
          ? p.statusMap[String(rawStatus)]
          : undefined;
    if (status === undefined) {
      return {
        ok: false,
        problem: `status ${JSON.stringify(rawStatus)} at ${p.status} is not in contract.statusMap`,
      };
    }
    const symbolRaw = c['symbol'] ? readId(value, c['symbol']) : undefined;
    const symbol = symbolRaw ?? known.symbol;
    if (symbol === undefined) return { ok: false, problem: `no symbol at ${p.symbol ?? '(not configured)'}` };
    const dirRaw = c['direction'] ? readPath(value, c['direction']) : undefined;
    const direction = dirRaw === undefined ? known.direction : this.#directions.get(String(dirRaw));
    if (direction === undefined) {
      return {
        ok: false,
        problem: `direction ${JSON.stringify(dirRaw)} at ${p.direction} is neither call nor put`,
      };
    }
    const num = (field: string): number | undefined => {
      const path = c[field];
      return path === undefined ? undefined : readNumber(value, path);
    };
    /** A time in ms; NaN when the number is not a whole, non-negative epoch ms (e.g. 1e306 seconds). */
    const ms = (field: string): number | undefined => {
      const t = num(field);
      if (t === undefined) return undefined;
      const tsMs = p.timeUnit === 's' ? Math.round(t * 1000) : t;
      return Number.isSafeInteger(tsMs) && tsMs >= 0 ? tsMs : Number.NaN;
    };
    const buyPrice = num('buyPrice') ?? known.buyPrice;
    const payout = num('payout') ?? known.payout;
    const purchaseTsMs = ms('purchaseTime') ?? known.purchaseTsMs;
    if (buyPrice === undefined) return { ok: false, problem: `no number at ${p.buyPrice}` };
    if (payout === undefined) return { ok: false, problem: `no number at ${p.payout}` };
    if (purchaseTsMs === undefined) return { ok: false, problem: `no time at ${p.purchaseTime}` };
    for (const [field, path] of [
      ['purchaseTime', p.purchaseTime],
      ['entryTime', p.entryTime],
      ['exitTime', p.exitTime],
    ] as const) {
      if (Number.isNaN(ms(field))) {
        return { ok: false, problem: `the time at ${path} is not a whole, non-negative epoch time` };
      }
    }
    const clientId = (c['clientId'] ? readId(value, c['clientId']) : undefined) ?? known.clientId;
    const optional = {
      entrySpot: num('entrySpot') ?? known.entrySpot,
      entryTsMs: ms('entryTime') ?? known.entryTsMs,
      exitSpot: num('exitSpot') ?? known.exitSpot,
      exitTsMs: ms('exitTime') ?? known.exitTsMs,
      profit: num('profit') ?? known.profit,
      sellPrice: num('sellPrice') ?? known.sellPrice,
      clientId,
    };
    const contract: Record<string, unknown> = {
      contractId,
      symbol,
      direction,
      buyPrice,
      payout,
      purchaseTsMs,
      status,
    };
    for (const [key, v] of Object.entries(optional)) if (v !== undefined) contract[key] = v;
    return { ok: true, value: contract as unknown as BinaryContract };
  }
}
