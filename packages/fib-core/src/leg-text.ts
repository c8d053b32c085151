import type { FibSetup } from './fib-signal.js';

/**
 * The reason text about a swing leg (`up leg 1.08520 → 1.09310`, its dates), formatted once per leg
 * and reused on every tick until the leg changes. Why: the fib engines explain each signal with the
 * leg it measures; toPrecision and toISOString cost ~0.1 µs and ~0.5 µs a call, and the leg only
 * changes on a new swing. The cache is keyed by the values it formats (direction, start and end price
 * and time), not by object identity, so any setup gives the text its values give.
 */
export class LegText {
  #up = false;
  #startPrice = Number.NaN;
  #startTsMs = Number.NaN;
  #endPrice = Number.NaN;
  #endTsMs = Number.NaN;
  #leg = '';
  #binaryLine: string | undefined;

  /** `<direction> leg <start price> → <end price>` (prices to 6 significant digits). */
  leg(setup: FibSetup): string {
    this.#refresh(setup);
    return this.#leg;
  }

  /** The binary retracement signal's second reason line: the leg with its start and end dates. */
  binaryLine(setup: FibSetup): string {
    this.#refresh(setup);
    this.#binaryLine ??= `of the ${this.#leg} (${new Date(setup.start.tsMs).toISOString()} → ${new Date(setup.end.tsMs).toISOString()})`;
    return this.#binaryLine;
  }

  #refresh(setup: FibSetup): void {
    const up = setup.levels.direction === 'up';
    const { start, end } = setup;
    if (
      up === this.#up &&
      start.price === this.#startPrice &&
      start.tsMs === this.#startTsMs &&
      end.price === this.#endPrice &&
      end.tsMs === this.#endTsMs
    ) {
      return;
    }
    this.#up = up;
    this.#startPrice = start.price;
    this.#startTsMs = start.tsMs;
    this.#endPrice = end.price;
    this.#endTsMs = end.tsMs;
    this.#leg = `${setup.levels.direction} leg ${start.price.toPrecision(6)} → ${end.price.toPrecision(6)}`;
    this.#binaryLine = undefined;
  }
}
