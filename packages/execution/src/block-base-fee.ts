import { ExecutionError, type Rng } from '@omni/core';

/** Options of a {@link BlockBaseFee} process. */
export interface BlockBaseFeeOptions {
  /** The level the base fee reverts to, in gwei (`engines.arbitrage.gasPriceGwei`). */
  readonly meanGwei: number;
  /** The base fee stays within [mean / bound, mean × bound]. Default 4; 1 makes it constant. */
  readonly bound?: number;
}

/** EIP-1559: the base fee moves by at most 1/8 per block. */
export const MAX_BASE_FEE_CHANGE = 0.125;

/**
 * A seeded EIP-1559-like base fee, one value per block: b(n+1) = b(n) × (1 + ⅛·u), where the block's
 * fullness u = clamp(z/2 − ln(b(n)/mean), −1, 1), z ~ N(0, 1) (full blocks raise the fee by ⅛ at
 * most, empty ones lower it by ⅛; the log term pulls it back to the mean), then bounded to
 * [mean/bound, mean·bound]. Runs one block ahead, so that a transaction sent in block n knows the
 * fee of block n+1 it will pay; one normal draw per block from its own Rng, no allocation.
 *
 * @example
 * const fee = new BlockBaseFee(new Rng(42).fork('base-fee'), { meanGwei: 20 });
 * fee.advance(); // block 1
 * fee.currentGwei; fee.nextGwei;
 */
export class BlockBaseFee {
  readonly #rng: Rng;
  readonly #mean: number;
  readonly #lo: number;
  readonly #hi: number;
  #current: number;
  #next: number;

  constructor(rng: Rng, options: BlockBaseFeeOptions) {
    const bound = options.bound ?? 4;
    if (!(options.meanGwei >= 0 && Number.isFinite(options.meanGwei)) || !(bound >= 1)) {
      throw new ExecutionError('EXECUTION_BAD_INPUT', 'invalid base fee: meanGwei must be ≥ 0, bound ≥ 1', {
        meanGwei: options.meanGwei,
        bound,
      });
    }
    this.#rng = rng;
    this.#mean = options.meanGwei;
    this.#lo = options.meanGwei / bound;
    this.#hi = options.meanGwei * bound;
    this.#current = options.meanGwei;
    this.#next = this.#step(options.meanGwei);
  }

  /** Base fee of the current block, in gwei. */
  get currentGwei(): number {
    return this.#current;
  }

  /** Base fee of the next block, in gwei. */
  get nextGwei(): number {
    return this.#next;
  }

  /** Moves to the next block. */
  advance(): void {
    this.#current = this.#next;
    this.#next = this.#step(this.#current);
  }

  #step(b: number): number {
    if (this.#mean === 0) return 0;
    const u = Math.min(1, Math.max(-1, this.#rng.normal() / 2 - Math.log(b / this.#mean)));
    return Math.min(this.#hi, Math.max(this.#lo, b * (1 + MAX_BASE_FEE_CHANGE * u)));
  }
}
