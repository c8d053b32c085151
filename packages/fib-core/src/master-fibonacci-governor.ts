import type { Swing } from '@omni/core';
import type { FeatureVector } from '@omni/features';
import type { HarmonicOptions } from './classify-harmonic.js';
import { ElliottWaveForecastEngine, type WaveState } from './elliott-wave-forecast-engine.js';
import { fibLevels } from './fib-levels.js';
import type { ArbitrageSignal, BinarySignal, FibSetup, SpotSignal } from './fib-signal.js';
import {
  type ClusterZone,
  FibonacciClusterAI,
  type FibonacciClusterOptions,
} from './fibonacci-cluster-ai.js';
import { type DetectedHarmonic, type FormingHarmonic, harmonicsAtLastSwing } from './harmonic-scan.js';
import { HarmonicWatch } from './harmonic-watch.js';
import type { PatternMemory } from './pattern-memory.js';
import { type TriFectaFibonacciOptions, TriFectaFibonacciRouter } from './trifecta-fibonacci-router.js';
import {
  resolveVolatilityGate,
  type VolatilityGate,
  type VolatilityGateOptions,
  type VolatilitySample,
  VolatilityScoreMatrix,
  type VolatilityScoreOptions,
  volatilityConfidenceWeight,
} from './volatility-score-matrix.js';

/** The enriched fib decision block of one tick (the spec's `fib_block`). */
export interface FibBlock {
  readonly symbol: string;
  readonly tsMs: number;
  readonly price: number;
  /** The last confirmed swing leg with its levels, or null before two swings. */
  readonly setup: FibSetup | null;
  /** k-means support/resistance zones (recomputed on new swings only). */
  readonly zones: readonly ClusterZone[];
  /** The zone containing or nearest to the price. */
  readonly nearestZone: ClusterZone | null;
  /** Elliott reading at the last swing. */
  readonly wave: WaveState;
  /** Harmonic patterns completed at the last swing. */
  readonly harmonics: readonly DetectedHarmonic[];
  /** Harmonic patterns forming after the last swing, with their PRZ. */
  readonly forming: readonly FormingHarmonic[];
  /** Fused fx/binary/dex volatility score, or null without volatility input. */
  readonly volatilityScore: number | null;
  /**
   * Per-engine signal with confidence and reasons: the reversal at D of a harmonic pattern complete at this tick
   * (its `harmonic` says which), else the retracement entries of the last swing leg; binary and spot confidence
   * weighted by the volatility score, and none above the volatility gate's maxScore.
   */
  readonly signals: {
    readonly binary: BinarySignal;
    readonly spot: SpotSignal;
    readonly arbitrage: ArbitrageSignal;
  };
  /** Confirmed swings processed so far. */
  readonly swingCount: number;
}

/** Per-call context of {@link MasterFibonacciGovernor.evaluateMarket}. */
export interface EvaluateMarketContext {
  /**
   * Volatility observations for the VolatilityScoreMatrix (e.g. fx = features.rollingStd, dex = the
   * pools' price volatility). ArbitrageFibonacciTiming reads `dex` only: without it, it never signals.
   */
  readonly volatility?: VolatilitySample;
  /** Regime key for PatternMemory lookups (default `any`). */
  readonly regime?: string;
  /**
   * `false`: move the market state only (swings, zones, waves, harmonic watch, volatility) and keep
   * the block's signals from the last full evaluation — for ticks nobody decides on (warm-up, a
   * safety block), where entry signals and their explanations would be thrown away. Default true.
   */
  readonly signals?: boolean;
}

/** Options of {@link MasterFibonacciGovernor}. */
export interface MasterFibonacciOptions {
  readonly cluster?: FibonacciClusterOptions;
  readonly engines?: TriFectaFibonacciOptions;
  readonly volatility?: VolatilityScoreOptions;
  /** How the volatility score weights binary and spot confidence (see VolatilityGateOptions). */
  readonly volatilityGate?: VolatilityGateOptions;
  readonly harmonic?: HarmonicOptions;
  /** Outcome memory used as a confidence weight; none = weight 1. */
  readonly memory?: PatternMemory;
  /** Timeframe key for PatternMemory (default `tick`). */
  readonly timeframe?: string;
  /** Swings used for the mean leg duration (default 4 legs). */
  readonly durationLegs?: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
interface MutableEvidence {
  zone: ClusterZone | undefined;
  memoryWeight: number;
  waveDirection: 'up' | 'down' | undefined;
  notes: readonly string[];
  pattern: string;
  volatilityScore: number | null;
  volatilityWeight: number;
}

const NO_WAVE: WaveState = { kind: 'none', reason: 'no confirmed swings yet' };

/**
 * The fib super-controller (the spec's MasterFibonacciGovernor): on each new confirmed swing it re-clusters zones,
 * re-reads the Elliott count, scans harmonic patterns and rebuilds the swing-leg setup (the heavy, per-swing step);
 * on every tick it only evaluates the three engines against the cached setup (O(1), allocating only when an engine
 * signals). A harmonic pattern complete at the tick with the price in its PRZ ({@link HarmonicWatch}) makes the
 * binary and spot signals its reversal; otherwise they are the retracement entries. The final decision weighs the
 * base signal with the wave reading, PatternMemory and the VolatilityScoreMatrix score (the spec's `final_decision`).
 * Why: the spec's `evaluate_market`, with the decision geometry and its reasons exposed as typed data.
 *
 * The returned {@link FibBlock} is reused and overwritten on the next call: copy what you keep.
 *
 * @example
 * const fib = new MasterFibonacciGovernor({ memory: PatternMemory.load('state/pattern-memory.json') });
 * const block = fib.evaluateMarket(features, { volatility: { fx: features.rollingStd ?? undefined } });
 * if (block.signals.spot.kind === 'signal') console.log(block.signals.spot.reasons);
 */
export class MasterFibonacciGovernor {
  readonly cluster: FibonacciClusterAI;
  readonly elliott: ElliottWaveForecastEngine;
  readonly router: TriFectaFibonacciRouter;
  readonly volatility: VolatilityScoreMatrix;
  readonly memory: PatternMemory | undefined;
  readonly #watch: HarmonicWatch;
  readonly #gate: VolatilityGate;
  readonly #timeframe: string;
  readonly #durationLegs: number;
  readonly #swings: Swing[] = [];
  #lastSwingTsMs = Number.NEGATIVE_INFINITY;
  #setup: FibSetup | null = null;
  #waveNotes: readonly string[] = [];
  #regime = 'any';
  #baseWeight = 1;
  #harmonicWeights: number[] = [];
  readonly #harmonicOptions: HarmonicOptions;
  readonly #evidence: MutableEvidence = {
    zone: undefined,
    memoryWeight: 1,
    waveDirection: undefined,
    notes: [],
    pattern: 'fib-retracement',
    volatilityScore: null,
    volatilityWeight: 1,
  };
  readonly #block: Omit<Mutable<FibBlock>, 'signals'> & { signals: Mutable<FibBlock['signals']> };

  constructor(options: MasterFibonacciOptions = {}) {
    this.cluster = new FibonacciClusterAI(options.cluster);
    this.elliott = new ElliottWaveForecastEngine();
    this.router = new TriFectaFibonacciRouter(options.engines);
    this.volatility = new VolatilityScoreMatrix(options.volatility);
    this.memory = options.memory;
    this.#harmonicOptions = options.harmonic ?? {};
    this.#watch = new HarmonicWatch(this.#harmonicOptions);
    this.#gate = resolveVolatilityGate(options.volatilityGate);
    this.#timeframe = options.timeframe ?? 'tick';
    this.#durationLegs = options.durationLegs ?? 4;
    this.#block = {
      symbol: '',
      tsMs: 0,
      price: 0,
      setup: null,
      zones: [],
      nearestZone: null,
      wave: NO_WAVE,
      harmonics: [],
      forming: [],
      volatilityScore: null,
      signals: {
        binary: { kind: 'none', engine: 'binary', reason: 'not evaluated yet' },
        spot: { kind: 'none', engine: 'spot', reason: 'not evaluated yet' },
        arbitrage: { kind: 'none', engine: 'arbitrage', reason: 'not evaluated yet' },
      },
      swingCount: 0,
    };
  }

  /**
   * Evaluates one tick's features into the fib block. Heavy work runs only when `features.newSwing` is set (or on
   * the first call, from `features.swings`); otherwise O(1).
   */
  evaluateMarket(features: FeatureVector, context: EvaluateMarketContext = {}): FibBlock {
    const regime = context.regime ?? 'any';
    let swingChanged = false;
    if (this.#swings.length === 0 && features.swings.length > 0) {
      for (const s of features.swings) swingChanged = this.#addSwing(s) || swingChanged;
    } else if (features.newSwing) {
      swingChanged = this.#addSwing(features.newSwing);
    }
    if (swingChanged) this.#onSwings(features.price, features.tsMs);
    if (swingChanged || regime !== this.#regime) {
      this.#regime = regime;
      this.#refreshWeights();
    }
    const b = this.#block;
    b.symbol = features.symbol;
    b.tsMs = features.tsMs;
    b.price = features.price;
    const sample = context.volatility;
    if (sample) b.volatilityScore = this.volatility.update(sample);
    // Arbitrage timing reads the pools' own price volatility (the dex channel), never the FX feed's.
    if (sample?.dex !== undefined) this.router.arbitrage.update(sample.dex);

    const price = features.price;
    const zone = this.cluster.nearestZone(price);
    b.nearestZone = zone ?? null;
    const ev = this.#evidence;
    ev.zone = zone;
    ev.memoryWeight = this.#baseWeight;
    ev.notes = this.#waveNotes;
    ev.pattern = 'fib-retracement';
    ev.volatilityScore = b.volatilityScore;
    ev.volatilityWeight = volatilityConfidenceWeight(b.volatilityScore, this.#gate);
    const setup = this.#setup;
    const done = setup ? this.#watch.update(price, features.tsMs, setup.meanLegMs) : undefined;
    if (context.signals === false) return b;
    if (done) {
      ev.memoryWeight = this.#harmonicWeights[done.index] ?? 1;
      ev.pattern = done.setup.pattern;
      b.signals.binary = this.router.binary.evaluateHarmonic(price, features.atr, done.setup, ev);
      b.signals.spot = this.router.spot.evaluateHarmonic(price, features.atr, done.setup, ev);
    } else {
      b.signals.binary = this.router.binary.evaluate(price, features.atr, setup, ev);
      b.signals.spot = this.router.spot.evaluate(price, features.atr, setup, ev);
    }
    if (b.volatilityScore !== null && b.volatilityScore > this.#gate.maxScore)
      this.#standAside(b.volatilityScore);
    b.signals.arbitrage = this.router.arbitrage.evaluate();
    return b;
  }

  /** Binary and spot entries stand aside in a volatility shock (score above the gate's maxScore). */
  #standAside(score: number): void {
    const signals = this.#block.signals;
    if (signals.binary.kind === 'none' && signals.spot.kind === 'none') return;
    const reason = `volatility score ${score.toFixed(3)} is above the gate's maxScore ${this.#gate.maxScore}: fib levels are overrun in a volatility shock`;
    if (signals.binary.kind === 'signal') signals.binary = { kind: 'none', engine: 'binary', reason };
    if (signals.spot.kind === 'signal') signals.spot = { kind: 'none', engine: 'spot', reason };
  }

  #addSwing(s: Swing): boolean {
    if (s.confirmedTsMs < this.#lastSwingTsMs) return false;
    const last = this.#swings[this.#swings.length - 1];
    if (last && last.tsMs === s.tsMs && last.price === s.price && last.kind === s.kind) return false;
    if (last && last.kind === s.kind) return false; // the detector alternates; ignore a malformed repeat
    this.#lastSwingTsMs = s.confirmedTsMs;
    this.#swings.push(s);
    if (this.#swings.length > 8) this.#swings.shift();
    this.cluster.onSwing(s);
    this.elliott.onSwing(s);
    this.#block.swingCount++;
    return true;
  }

  #onSwings(price: number, tsMs: number): void {
    const sw = this.#swings;
    const b = this.#block;
    const start = sw[sw.length - 2];
    const end = sw[sw.length - 1];
    if (start && end && start.price !== end.price) {
      const legs = Math.min(this.#durationLegs, sw.length - 1);
      const first = sw[sw.length - 1 - legs] as Swing;
      this.#setup = {
        start,
        end,
        levels: fibLevels(start.price, end.price),
        meanLegMs: (end.tsMs - first.tsMs) / legs,
      };
    }
    b.setup = this.#setup;
    b.zones = this.cluster.zones;
    const wave = this.elliott.state;
    b.wave = wave;
    const { completed, forming } = harmonicsAtLastSwing(sw, this.#harmonicOptions);
    b.harmonics = completed;
    b.forming = forming;
    this.#watch.reset(completed, forming, price, tsMs);
    if (wave.kind === 'count') {
      this.#evidence.waveDirection = wave.nextDirection;
      this.#waveNotes = [
        `Elliott ${wave.count.structure} ${wave.count.complete ? 'complete' : `waves 1–${wave.count.swings.length - 1}`} ${wave.count.direction} (score ${wave.count.score.toFixed(2)}): now ${wave.position}, invalidation ${wave.invalidation.toPrecision(6)}`,
      ];
    } else {
      this.#evidence.waveDirection = undefined;
      this.#waveNotes = [];
    }
  }

  #refreshWeights(): void {
    const m = this.memory;
    const candidates = this.#watch.candidates;
    if (!m || !this.#setup) {
      this.#baseWeight = 1;
      this.#harmonicWeights = candidates.map(() => 1);
      return;
    }
    const direction = this.#setup.levels.direction === 'up' ? 'bullish' : 'bearish';
    this.#baseWeight = m.confidenceWeight({
      pattern: 'fib-retracement',
      direction,
      regime: this.#regime,
      timeframe: this.#timeframe,
    });
    this.#harmonicWeights = candidates.map((f) =>
      m.confidenceWeight({
        pattern: f.pattern,
        direction: f.direction,
        regime: this.#regime,
        timeframe: this.#timeframe,
      }),
    );
  }
}
