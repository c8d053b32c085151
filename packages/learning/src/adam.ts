/** Options of {@link Adam}. Defaults are the paper's: lr 1e-3, β1 0.9, β2 0.999, ε 1e-8. */
export interface AdamOptions {
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/**
 * The Adam optimiser over one flat parameter vector (Kingma & Ba, 2015, Algorithm 1).
 * Why: robust default step sizes for the small models the trainer fits; state is two moment vectors.
 *
 * @example
 * const adam = new Adam(params.length, { learningRate: 0.01 });
 * adam.step(params, gradient); // params -= lr · m̂ / (√v̂ + ε)
 */
export class Adam {
  readonly #m: Float64Array;
  readonly #v: Float64Array;
  readonly #lr: number;
  readonly #b1: number;
  readonly #b2: number;
  readonly #eps: number;
  /** beta1^t and beta2^t as running products: plain multiplications round the same on every
   *  Node version, where `beta ** t` (Math.pow) changed in V8 on Node 24 (issue 18). */
  #b1t = 1;
  #b2t = 1;

  constructor(size: number, options: AdamOptions = {}) {
    this.#m = new Float64Array(size);
    this.#v = new Float64Array(size);
    this.#lr = options.learningRate ?? 1e-3;
    this.#b1 = options.beta1 ?? 0.9;
    this.#b2 = options.beta2 ?? 0.999;
    this.#eps = options.epsilon ?? 1e-8;
  }

  /** One update of `params` in place from `gradient` (same length). */
  step(params: Float64Array, gradient: Float64Array): void {
    this.#b1t *= this.#b1;
    this.#b2t *= this.#b2;
    const c1 = 1 - this.#b1t;
    const c2 = 1 - this.#b2t;
    for (let i = 0; i < params.length; i++) {
      const g = gradient[i] as number;
      const m = this.#b1 * (this.#m[i] as number) + (1 - this.#b1) * g;
      const v = this.#b2 * (this.#v[i] as number) + (1 - this.#b2) * g * g;
      this.#m[i] = m;
      this.#v[i] = v;
      params[i] = (params[i] as number) - (this.#lr * (m / c1)) / (Math.sqrt(v / c2) + this.#eps);
    }
  }
}
