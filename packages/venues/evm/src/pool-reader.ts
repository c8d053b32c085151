import type { PoolReserves } from '@omni/execution';
import { type BlockTag, Contract, getAddress, type Provider } from 'ethers';
import { UNISWAP_V2_PAIR_ABI } from './artifacts.js';
import { EvmError } from './evm-error.js';
import { withTimeout } from './rpc.js';

/** A pair's tokens (immutable on chain, so read once) and its reserves at one block. */
export interface PairState {
  readonly pair: string;
  readonly token0: string;
  readonly token1: string;
  readonly reserve0: bigint;
  readonly reserve1: bigint;
}

/**
 * The pair's reserves as @omni/execution's {@link PoolReserves} with `baseToken` as token0 (the
 * traded asset) and the pair's other token as token1, whatever the pair's own token order is.
 */
export function orientReserves(state: PairState, baseToken: string): PoolReserves {
  const base = getAddress(baseToken);
  if (state.token0 === base) return { reserve0: state.reserve0, reserve1: state.reserve1 };
  if (state.token1 === base) return { reserve0: state.reserve1, reserve1: state.reserve0 };
  throw new EvmError('EVM_BAD_ROUTE', `pair ${state.pair} does not trade ${base}`, {
    pair: state.pair,
    token: base,
  });
}

/** The other token of `state`'s pair than `token`. */
export function otherToken(state: PairState, token: string): string {
  const t = getAddress(token);
  if (state.token0 === t) return state.token1;
  if (state.token1 === t) return state.token0;
  throw new EvmError('EVM_BAD_ROUTE', `pair ${state.pair} does not trade ${t}`, {
    pair: state.pair,
    token: t,
  });
}

/**
 * Reads Uniswap V2 pairs: each pair's tokens once (cached; they never change) and the reserves of
 * many pairs in one round, all at the same block. The reads are issued together (`Promise.all`):
 * over an ethers `JsonRpcProvider` they leave as one JSON-RPC batch (ethers batches calls made in
 * the same tick), so N pairs cost one round trip.
 *
 * @example
 * const reader = new PoolReader(provider);
 * const [a, b] = await reader.read([pairA, pairB], blockNumber);
 * const borrow = orientReserves(a, weth); // reserve0 = WETH, reserve1 = the quote
 */
export class PoolReader {
  readonly #provider: Provider;
  readonly #timeoutMs: number;
  readonly #tokens = new Map<string, Promise<readonly [string, string]>>();

  constructor(provider: Provider, options: { readonly timeoutMs?: number } = {}) {
    this.#provider = provider;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** The states of `pairs` at `blockTag` (default latest), in the order given. */
  async read(pairs: readonly string[], blockTag: BlockTag = 'latest'): Promise<PairState[]> {
    const reads = pairs.map(async (address): Promise<PairState> => {
      const pair = getAddress(address);
      const contract = new Contract(pair, UNISWAP_V2_PAIR_ABI, this.#provider);
      const [[token0, token1], reserves] = await Promise.all([
        this.#tokensOf(pair, contract),
        contract.getFunction('getReserves')({ blockTag }) as Promise<[bigint, bigint, bigint]>,
      ]);
      return { pair, token0, token1, reserve0: reserves[0], reserve1: reserves[1] };
    });
    return withTimeout(Promise.all(reads), this.#timeoutMs, `getReserves of ${pairs.length} pairs`);
  }

  #tokensOf(pair: string, contract: Contract): Promise<readonly [string, string]> {
    let tokens = this.#tokens.get(pair);
    if (tokens === undefined) {
      tokens = Promise.all([
        contract.getFunction('token0')() as Promise<string>,
        contract.getFunction('token1')() as Promise<string>,
      ]).then(([t0, t1]) => [getAddress(t0), getAddress(t1)] as const);
      // A failed read is not cached: the next round asks again.
      tokens.catch(() => this.#tokens.delete(pair));
      this.#tokens.set(pair, tokens);
    }
    return tokens;
  }
}
