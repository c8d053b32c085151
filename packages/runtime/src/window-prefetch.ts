import type { Tick } from '@omni/core';
import type { PreparableSequenceModel } from './ports.js';

/**
 * Keeps the newest prices before the next chunk of ticks (the past of its first windows) and hands
 * the sequence model each chunk's price series to predict ahead (see {@link OmniRuntime.prefetch}).
 * Windows are per symbol: ticks of a second symbol switch prefetching off for the run, and each
 * decision then runs one inference of its own, as without prefetching.
 */
export class WindowPrefetch {
  readonly #sequence: PreparableSequenceModel | undefined;
  #history = new Float64Array(0);
  #symbol: string | undefined;
  #off = false;

  constructor(sequence: PreparableSequenceModel | undefined) {
    this.#sequence = sequence;
  }

  /** Predicts every window `ticks` will end; undefined when there is nothing to prefetch. */
  prefetch(ticks: readonly Tick[]): Promise<void> | undefined {
    const sequence = this.#sequence;
    const n = sequence?.windowLength;
    if (!sequence?.prefetch || n === undefined || this.#off || ticks.length === 0) return undefined;
    const symbol = (ticks[0] as Tick).symbol;
    for (const t of ticks) {
      if (t.symbol !== symbol || (this.#symbol !== undefined && symbol !== this.#symbol)) {
        this.#off = true;
        return undefined;
      }
    }
    this.#symbol = symbol;
    const past = this.#history;
    const series = new Float64Array(past.length + ticks.length);
    series.set(past);
    for (let i = 0; i < ticks.length; i++) series[past.length + i] = (ticks[i] as Tick).price;
    this.#history = series.slice(Math.max(0, series.length - (n - 1)));
    return sequence.prefetch(series, past.length);
  }
}
