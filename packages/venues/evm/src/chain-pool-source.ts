import type {
  BrokerHealthListener,
  FlashSwapRoute,
  LaterBlockPoolSource,
  MinedBlockRoute,
  PoolReserves,
} from '@omni/execution';
import { getAddress, type Provider } from 'ethers';
import { DEFAULT_PRIORITY_FEE_WEI } from './evm-arbitrage-executor.js';
import { EvmError } from './evm-error.js';
import { orientReserves, type PairState, PoolReader } from './pool-reader.js';
import { routePairs } from './route-quote.js';
import { type EvmRoute, isTwoPool } from './routes.js';

/** One block as the pool source read it: header fields and the reserves of every pair, at that block. */
export interface PoolBlock {
  readonly number: number;
  /** The header's timestamp, seconds. */
  readonly timestamp: number;
  /** The header's `baseFeePerGas` (0 on a chain without EIP-1559). */
  readonly baseFeePerGas: bigint;
  /** The header's `gasUsed` and `gasLimit` (what the next block's base fee follows from). */
  readonly gasUsed: bigint;
  readonly gasLimit: bigint;
  /** Pair states keyed by checksummed pair address. */
  readonly states: ReadonlyMap<string, PairState>;
}

/** Options of a {@link ChainPoolSource}. */
export interface ChainPoolSourceOptions {
  /** The node (an ethers `JsonRpcProvider` over DEX_RPC, or LocalChain's provider). */
  readonly provider: Provider;
  /** The route registry; two-pool routes are priced for the engine (cycles only by the executor). */
  readonly routes: readonly EvmRoute[];
  /**
   * Every read goes through it (RpcHealth.call: timeout and health accounting). Default: the
   * PoolReader's own timeout only.
   */
  readonly read?: <T>(what: string, run: () => Promise<T>) => Promise<T>;
  /** Pairs to read besides the routes' (e.g. the feed's price pairs). */
  readonly extraPairs?: readonly string[];
  /** The node's health reports (RpcHealth.onChange), passed on to the shadow executor. */
  readonly onHealth?: (listener: BrokerHealthListener) => () => void;
  /** The tip per gas the executor adds to the base fee; default its default, {@link DEFAULT_PRIORITY_FEE_WEI}. */
  readonly priorityFeeWei?: bigint;
}

/**
 * EIP-1559: the base fee of the block after `block`, from its base fee and how full it was (target =
 * half the gas limit; at most ±1/8 per block, at least +1 wei when above target).
 */
export function nextBaseFeeWei(block: Pick<PoolBlock, 'baseFeePerGas' | 'gasUsed' | 'gasLimit'>): bigint {
  const base = block.baseFeePerGas;
  const target = block.gasLimit / 2n;
  if (target === 0n || block.gasUsed === target) return base;
  if (block.gasUsed > target) {
    const delta = (base * (block.gasUsed - target)) / target / 8n;
    return base + (delta > 1n ? delta : 1n);
  }
  return base - (base * (target - block.gasUsed)) / target / 8n;
}

const GWEI = 1e9;

/**
 * The arbitrage engine's pool states on a real chain: on each new block one round of reads — the
 * block header and `getReserves()` of every pair at that block, issued together (one JSON-RPC batch
 * over `JsonRpcProvider`) — and `route()` quotes that block's state (`block` is its number). The
 * reads are driven from outside ({@link advance}, called by EvmPoolFeed before it emits the block's
 * ticks), because `route()` must answer synchronously on the tick path.
 *
 * For shadow settlement at the next block (a {@link LaterBlockPoolSource}): a decision on block n
 * asks for block n+1 (`watchBlock`); once the chain has mined it, `advance` reads it at block tag
 * n+1 (also when the poller jumped past it) and `minedRoute` answers with its reserves and base fee.
 *
 * @example
 * const pools = new ChainPoolSource({ provider, routes });
 * const block = await pools.advance(); // the new head, or undefined when no block was mined
 * const route = pools.route('weth-usd:A->B'); // block.number's reserves
 */
export class ChainPoolSource implements LaterBlockPoolSource {
  readonly #routes: ReadonlyMap<string, EvmRoute>;
  readonly #ids: readonly string[];
  readonly #pairs: readonly string[];
  readonly #provider: Provider;
  readonly #reader: PoolReader;
  readonly #read: <T>(what: string, run: () => Promise<T>) => Promise<T>;
  readonly #onHealth: ChainPoolSourceOptions['onHealth'];
  readonly #watched = new Map<number, PoolBlock | undefined>();
  #head: PoolBlock | undefined;
  readonly #tipWei: bigint;
  /** The head block's routes, built once per block (route() is on the tick path). */
  #headRoutes = new Map<string, FlashSwapRoute>();

  constructor(options: ChainPoolSourceOptions) {
    const twoPool = options.routes.filter(isTwoPool);
    this.#routes = new Map(twoPool.map((r) => [r.routeId, r]));
    this.#ids = twoPool.map((r) => r.routeId);
    const pairs = new Set<string>();
    for (const route of options.routes) for (const pair of routePairs(route)) pairs.add(getAddress(pair));
    for (const pair of options.extraPairs ?? []) pairs.add(getAddress(pair));
    this.#pairs = [...pairs];
    this.#provider = options.provider;
    this.#reader = new PoolReader(options.provider);
    this.#read = options.read ?? ((_what, run) => run());
    this.#onHealth = options.onHealth;
    this.#tipWei = options.priorityFeeWei ?? DEFAULT_PRIORITY_FEE_WEI;
  }

  /**
   * What a transaction sent now pays per gas, in gwei: the next block's base fee by EIP-1559 from
   * the head block, plus the tip. Before the first block, or on a chain without a base fee,
   * `meanGwei` (the configured gas price).
   */
  nextBaseFeeGwei(meanGwei: number): number {
    const head = this.#head;
    if (head === undefined || head.baseFeePerGas === 0n) return meanGwei;
    return Number(nextBaseFeeWei(head) + this.#tipWei) / GWEI;
  }

  /** The block `route()` quotes (undefined before the first {@link advance} that found one). */
  get block(): number | undefined {
    return this.#head?.number;
  }

  /** The last block read. */
  get head(): PoolBlock | undefined {
    return this.#head;
  }

  routeIds(): readonly string[] {
    return this.#ids;
  }

  route(routeId: string): FlashSwapRoute | undefined {
    return this.#headRoutes.get(routeId);
  }

  watchBlock(n: number): void {
    if (!this.#watched.has(n)) this.#watched.set(n, undefined);
  }

  minedRoute(routeId: string, n: number): MinedBlockRoute | undefined {
    const block = this.#watched.get(n);
    if (block === undefined) return undefined;
    const route = this.#routeAt(routeId, block);
    if (route === undefined) return undefined;
    return {
      route,
      blockNumber: block.number,
      baseFeeGwei: Number(block.baseFeePerGas) / GWEI,
      tsMs: block.timestamp * 1000,
    };
  }

  releaseBlock(n: number): void {
    this.#watched.delete(n);
  }

  onHealth(listener: BrokerHealthListener): () => void {
    return this.#onHealth?.(listener) ?? (() => undefined);
  }

  /**
   * Asks the node for its head (`eth_blockNumber`); when it is past the last block read, reads the
   * watched blocks it has mined, then the head. Returns the new head, or undefined when no new
   * block was mined. Errors (through `read`: counted by RpcHealth) propagate; nothing changes then.
   */
  async advance(): Promise<PoolBlock | undefined> {
    const number = await this.#read('eth_blockNumber', () => this.#provider.getBlockNumber());
    if (this.#head !== undefined && number <= this.#head.number) return undefined;
    for (const [n, read] of this.#watched) {
      if (read === undefined && n < number) this.#watched.set(n, await this.readBlock(n));
    }
    const head = await this.readBlock(number);
    if (this.#watched.has(number)) this.#watched.set(number, head);
    this.#head = head;
    const routes = new Map<string, FlashSwapRoute>();
    for (const id of this.#ids) {
      const route = this.#routeAt(id, head);
      if (route !== undefined) routes.set(id, route);
    }
    this.#headRoutes = routes;
    return head;
  }

  /** Reads block `n`: its header and every pair's reserves at it, in one round. */
  async readBlock(n: number): Promise<PoolBlock> {
    const [header, states] = await this.#read(`block ${n} and reserves`, () =>
      Promise.all([this.#provider.getBlock(n), this.#reader.read(this.#pairs, n)]),
    );
    if (header === null) {
      throw new EvmError('EVM_RPC_TIMEOUT', `the node has no block ${n} yet`, {
        method: 'eth_getBlockByNumber',
      });
    }
    return {
      number: n,
      timestamp: header.timestamp,
      baseFeePerGas: header.baseFeePerGas ?? 0n,
      gasUsed: header.gasUsed,
      gasLimit: header.gasLimit,
      states: new Map(states.map((s) => [s.pair, s] as const)),
    };
  }

  /**
   * The mid price of `pair` in USD per whole `baseToken` at the last block read: the other token's
   * reserve over `baseToken`'s (both 18 decimals), times `quoteUsd`. Undefined before the first block.
   */
  midPriceUsd(pair: string, baseToken: string, quoteUsd: number): number | undefined {
    const state = this.#head?.states.get(getAddress(pair));
    if (state === undefined) return undefined;
    const r = orientReserves(state, baseToken);
    return (Number(r.reserve1) / Number(r.reserve0)) * quoteUsd;
  }

  #routeAt(routeId: string, block: PoolBlock): FlashSwapRoute | undefined {
    const route = this.#routes.get(routeId);
    if (route === undefined) return undefined;
    const borrow = block.states.get(route.borrowPair);
    const sell = block.states.get(route.sellPath[0] ?? '');
    if (borrow === undefined || sell === undefined) return undefined;
    const borrowPool: PoolReserves = orientReserves(borrow, route.borrowToken);
    const sellPool: PoolReserves = orientReserves(sell, route.borrowToken);
    return {
      routeId,
      borrowPool,
      sellPool,
      token1Usd: route.repayTokenUsd,
      source: `uniswap-v2:${route.borrowPair}->${route.sellPath[0]}@${block.number}`,
      synthetic: false,
    };
  }
}
