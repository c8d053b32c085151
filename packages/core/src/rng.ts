import { RuntimeError } from './errors.js';
/**
 * A seeded pseudo-random number generator: sfc32 (Chris Doty-Humphrey's Small Fast Chaotic
 * generator, 128-bit state, passes PractRand to 2^42+ bytes), seeded through splitmix32.
 *
 * It is the only randomness allowed in the product. Streams for different components come from
 * {@link Rng.fork}: a fork depends only on the root seed and the label path, never on how many
 * numbers the parent has drawn, so adding a draw in one component cannot change another's stream.
 *
 * @example
 * const rng = new Rng(42);
 * const explore = rng.fork('governor/explore');
 * explore.float(); // same value in every run with seed 42
 */
export class Rng {
  readonly #seedPath: string;
  #a = 0;
  #b = 0;
  #c = 0;
  #d = 0;

  constructor(seed: number | string) {
    if (typeof seed === 'number' && !Number.isFinite(seed)) {
      throw new RuntimeError('RUNTIME_BAD_INPUT', 'Rng seed must be a finite number or a string', {
        seed: String(seed),
      });
    }
    this.#seedPath = String(seed);
    this.#reseed(this.#seedPath);
  }

  /** The seed and fork labels this stream was derived from, e.g. `42/governor/explore`. */
  get seedPath(): string {
    return this.#seedPath;
  }

  /** An independent stream for `label`, a pure function of (root seed, label path). */
  fork(label: string): Rng {
    return new Rng(`${this.#seedPath}/${label}`);
  }

  /** The next unsigned 32-bit integer. */
  nextUint32(): number {
    const a = this.#a;
    const b = this.#b;
    const c = this.#c;
    const d = this.#d;
    const t = (((a + b) | 0) + d) | 0;
    this.#d = (d + 1) | 0;
    this.#a = b ^ (b >>> 9);
    this.#b = (c + (c << 3)) | 0;
    const r = (c << 21) | (c >>> 11);
    this.#c = (r + t) | 0;
    return t >>> 0;
  }

  /** A float uniform in [0, 1) with 53 bits of precision. */
  float(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A float uniform in [min, max). */
  range(min: number, max: number): number {
    return min + (max - min) * this.float();
  }

  /** An integer uniform in [min, maxExclusive), without modulo bias. */
  int(min: number, maxExclusive: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(maxExclusive) || maxExclusive <= min) {
      throw new RuntimeError('RUNTIME_BAD_INPUT', 'Rng.int needs integers min < maxExclusive', {
        min,
        maxExclusive,
      });
    }
    const span = maxExclusive - min;
    if (span > 0x100000000) return min + Math.floor(this.float() * span);
    const limit = 0x100000000 - (0x100000000 % span);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return min + (x % span);
  }

  /** True with probability `p`. */
  bernoulli(p: number): boolean {
    return this.float() < p;
  }

  /** A normal deviate (Box–Muller; two uniforms per call, no hidden cache). */
  normal(mean = 0, sd = 1): number {
    let u = this.float();
    while (u === 0) u = this.float();
    const v = this.float();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** An exponential deviate with the given rate (mean 1/rate). */
  exponential(rate: number): number {
    let u = this.float();
    while (u === 0) u = this.float();
    return -Math.log(u) / rate;
  }

  /** A uniformly chosen element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RuntimeError('RUNTIME_BAD_INPUT', 'Rng.pick needs a non-empty array');
    return items[this.int(0, items.length)] as T;
  }

  /** The generator state, to persist and resume a stream exactly. */
  getState(): RngState {
    return { seedPath: this.#seedPath, words: [this.#a, this.#b, this.#c, this.#d] };
  }

  /** Restores a state from {@link Rng.getState}. */
  static fromState(state: RngState): Rng {
    const rng = new Rng(state.seedPath);
    [rng.#a, rng.#b, rng.#c, rng.#d] = state.words.map((w) => w | 0) as [number, number, number, number];
    return rng;
  }

  #reseed(material: string): void {
    let s = hashString(material);
    const next = (): number => {
      // splitmix32
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) | 0;
    };
    this.#a = next();
    this.#b = next();
    this.#c = next();
    this.#d = next();
    // Discard the first outputs: sfc32 mixes its state in the first few rounds.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }
}

/** A persisted {@link Rng} state. */
export interface RngState {
  readonly seedPath: string;
  readonly words: readonly number[];
}

/** FNV-1a over UTF-16 code units, then a murmur3 finaliser: a well-mixed 32-bit hash of a string. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}
