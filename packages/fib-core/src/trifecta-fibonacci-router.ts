import type { Market } from '@omni/core';
import { ArbitrageFibonacciTiming, type ArbitrageTimingOptions } from './arbitrage-fibonacci-timing.js';
import { BinaryFibonacciEngine, type BinaryFibonacciOptions } from './binary-fibonacci-engine.js';
import type { ArbitrageSignal, BinarySignal, FibEvidence, FibSetup, SpotSignal } from './fib-signal.js';
import { SpotFibonacciEngine, type SpotFibonacciOptions } from './spot-fibonacci-engine.js';

/** What every engine reads at one tick. */
export interface FibMarketInput {
  readonly price: number;
  readonly atr: number | null;
  readonly setup: FibSetup | null;
  readonly evidence?: FibEvidence;
}

/** The signal type of each market. */
export interface FibSignalOf {
  readonly binary: BinarySignal;
  readonly spot: SpotSignal;
  readonly arbitrage: ArbitrageSignal;
}

/** Options of the three engines. */
export interface TriFectaFibonacciOptions {
  readonly binary?: BinaryFibonacciOptions;
  readonly spot?: SpotFibonacciOptions;
  readonly arbitrage?: ArbitrageTimingOptions;
}

/**
 * Dispatches to the binary, spot or arbitrage fib engine (the spec's TriFectaFibonacciRouter / `analyze(engine_type)`).
 * Why: one place that owns the three engines so the governor and users address them by market.
 */
export class TriFectaFibonacciRouter {
  readonly binary: BinaryFibonacciEngine;
  readonly spot: SpotFibonacciEngine;
  readonly arbitrage: ArbitrageFibonacciTiming;

  constructor(options: TriFectaFibonacciOptions = {}) {
    this.binary = new BinaryFibonacciEngine(options.binary);
    this.spot = new SpotFibonacciEngine(options.spot);
    this.arbitrage = new ArbitrageFibonacciTiming(options.arbitrage);
  }

  /** The signal of one market's engine. */
  analyze<M extends Market>(market: M, input: FibMarketInput): FibSignalOf[M] {
    switch (market) {
      case 'binary':
        return this.binary.evaluate(input.price, input.atr, input.setup, input.evidence) as FibSignalOf[M];
      case 'spot':
        return this.spot.evaluate(input.price, input.atr, input.setup, input.evidence) as FibSignalOf[M];
      default:
        return this.arbitrage.evaluate() as FibSignalOf[M];
    }
  }
}

/** The specification's other name for the router (DOC 2 §2.3 "TriFectaFibonacciSystem", `analyze(engine_type)`). */
export const TriFectaFibonacciSystem = TriFectaFibonacciRouter;
/** The router's type under the specification's other name. */
export type TriFectaFibonacciSystem = TriFectaFibonacciRouter;
