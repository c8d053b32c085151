import { FeatureError } from '@omni/core';
import { requireFinite, requirePeriod, type StreamingIndicator } from './indicator.js';

const NIL = -1;

/**
 * Percentile rank of the current volatility within the last `window` values (the specification's
 * VolatilityProfileBuilder): 0 = the calmest reading in the window, 1 = the most volatile.
 *
 * rank = (#{v < x} + (#{v = x} − 1) / 2) / (n − 1) over the n values in the window including x (mid-rank for
 * ties). The window is a ring buffer; its values also live in an order-statistic treap (subtree sizes,
 * preallocated typed arrays, one node per ring slot, fixed pseudo-random priorities), so each update is an
 * O(log window) expected delete + insert + rank query with no allocation. Memory: 5 numbers per slot.
 * `update` returns `undefined` until `minSamples` values (default: the full window) have been seen.
 *
 * @example
 * const profile = new VolatilityProfile(500, 50);
 * const rank = profile.update(rollingStd); // e.g. 0.93: more volatile than 93% of the last 500 readings
 */
export class VolatilityProfile implements StreamingIndicator<number> {
  readonly window: number;
  readonly minSamples: number;
  readonly #value: Float64Array;
  readonly #priority: Uint32Array;
  readonly #left: Int32Array;
  readonly #right: Int32Array;
  readonly #size: Int32Array;
  #root = NIL;
  #next = 0;
  #count = 0;
  // A double field plus a flag (not `number | undefined`): V8 then updates it in place, no boxing per update.
  #rank = Number.NaN;
  #stable = false;
  // Results of #split, kept in fields so splitting allocates nothing.
  #splitLeft = NIL;
  #splitRight = NIL;

  constructor(window: number, minSamples: number = window) {
    requirePeriod('VolatilityProfile', 'window', window, 2);
    if (!Number.isInteger(minSamples) || minSamples < 2 || minSamples > window) {
      throw new FeatureError(
        'FEATURE_BAD_OPTION',
        'VolatilityProfile minSamples must be a whole number in [2, window]',
        {
          indicator: 'VolatilityProfile',
          field: 'minSamples',
          value: minSamples,
          window,
        },
      );
    }
    this.window = window;
    this.minSamples = minSamples;
    this.#value = new Float64Array(window);
    this.#priority = new Uint32Array(window);
    this.#left = new Int32Array(window).fill(NIL);
    this.#right = new Int32Array(window).fill(NIL);
    this.#size = new Int32Array(window);
    // Fixed, well-mixed priorities per slot (splitmix32 of the slot index): deterministic, no RNG state.
    for (let i = 0; i < window; i++) this.#priority[i] = mix32(i + 1);
  }

  get isStable(): boolean {
    return this.#stable;
  }

  get value(): number | undefined {
    return this.#stable ? this.#rank : undefined;
  }

  /** Number of values currently in the window. */
  get count(): number {
    return this.#count;
  }

  update(x: number): number | undefined {
    requireFinite('VolatilityProfile', 'input', x);
    const slot = this.#next;
    if (this.#count === this.window) this.#root = this.#remove(this.#root, slot);
    else this.#count++;
    this.#value[slot] = x;
    this.#left[slot] = NIL;
    this.#right[slot] = NIL;
    this.#size[slot] = 1;
    this.#split(this.#root, x, slot);
    this.#root = this.#merge(this.#merge(this.#splitLeft, slot), this.#splitRight);
    this.#next = slot + 1 === this.window ? 0 : slot + 1;
    if (this.#count < this.minSamples) return undefined;
    const less = this.#countLess(x);
    const lessOrEqual = this.#countLessOrEqual(x);
    this.#rank = (less + (lessOrEqual - less - 1) / 2) / (this.#count - 1);
    this.#stable = true;
    return this.#rank;
  }

  reset(): void {
    this.#root = NIL;
    this.#next = this.#count = 0;
    this.#rank = Number.NaN;
    this.#stable = false;
  }

  /** Orders nodes by (value, slot), so equal values still have a strict, unique order. */
  #before(a: number, value: number, slot: number): boolean {
    const va = this.#value[a] as number;
    return va < value || (va === value && a < slot);
  }

  #sizeOf(node: number): number {
    return node === NIL ? 0 : (this.#size[node] as number);
  }

  #pull(node: number): void {
    this.#size[node] =
      1 + this.#sizeOf(this.#left[node] as number) + this.#sizeOf(this.#right[node] as number);
  }

  /** Splits `node` into keys before (value, slot) -> #splitLeft and the rest -> #splitRight. */
  #split(node: number, value: number, slot: number): void {
    if (node === NIL) {
      this.#splitLeft = this.#splitRight = NIL;
      return;
    }
    if (this.#before(node, value, slot)) {
      this.#split(this.#right[node] as number, value, slot);
      this.#right[node] = this.#splitLeft;
      this.#pull(node);
      this.#splitLeft = node;
    } else {
      this.#split(this.#left[node] as number, value, slot);
      this.#left[node] = this.#splitRight;
      this.#pull(node);
      this.#splitRight = node;
    }
  }

  /** Merges two treaps where every key of `a` is before every key of `b`. */
  #merge(a: number, b: number): number {
    if (a === NIL) return b;
    if (b === NIL) return a;
    if ((this.#priority[a] as number) > (this.#priority[b] as number)) {
      this.#right[a] = this.#merge(this.#right[a] as number, b);
      this.#pull(a);
      return a;
    }
    this.#left[b] = this.#merge(a, this.#left[b] as number);
    this.#pull(b);
    return b;
  }

  /** Removes node `slot` from the subtree at `node`; returns the new subtree root. */
  #remove(node: number, slot: number): number {
    if (node === slot) return this.#merge(this.#left[node] as number, this.#right[node] as number);
    const value = this.#value[slot] as number;
    if (this.#before(node, value, slot)) this.#right[node] = this.#remove(this.#right[node] as number, slot);
    else this.#left[node] = this.#remove(this.#left[node] as number, slot);
    this.#pull(node);
    return node;
  }

  #countLess(x: number): number {
    let node = this.#root;
    let count = 0;
    while (node !== NIL) {
      if ((this.#value[node] as number) < x) {
        count += this.#sizeOf(this.#left[node] as number) + 1;
        node = this.#right[node] as number;
      } else node = this.#left[node] as number;
    }
    return count;
  }

  #countLessOrEqual(x: number): number {
    let node = this.#root;
    let count = 0;
    while (node !== NIL) {
      if ((this.#value[node] as number) <= x) {
        count += this.#sizeOf(this.#left[node] as number) + 1;
        node = this.#right[node] as number;
      } else node = this.#left[node] as number;
    }
    return count;
  }
}

/** splitmix32 finaliser: spreads slot indices into well-mixed 32-bit treap priorities. */
function mix32(seed: number): number {
  let z = Math.imul(seed, 0x9e3779b9);
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}
