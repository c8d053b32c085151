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
import type { PatternMemory } from './pattern-memory.js';
import { type TriFectaFibonacciOptions, TriFectaFibonacciRouter } from './trifecta-fibonacci-router.js';
import {
  type VolatilitySample,
  VolatilityScoreMatrix,
  type VolatilityScoreOptions,
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
  /** Per-engine signal with confidence and reasons. */
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
  /** Volatility observations for the VolatilityScoreMatrix (e.g. fx = features.rollingStd). */
  readonly volatility?: VolatilitySample;
  /** Regime key for PatternMemory lookups (default `any`). */
  readonly regime?: string;
}

/** Options of {@link MasterFibonacciGovernor}. */
export interface MasterFibonacciOptions {
  readonly cluster?: FibonacciClusterOptions;
  readonly engines?: TriFectaFibonacciOptions;
  readonly volatility?: VolatilityScoreOptions;
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
}

const NO_WAVE: WaveState = { kind: 'none', reason: 'no confirmed swings yet' };

/**
 * The fib super-controller (the spec's MasterFibonacciGovernor): on each new confirmed swing it re-clusters zones,
 * re-reads the Elliott count, scans harmonic patterns and rebuilds the swing-leg setup (the heavy, per-swing step);
 * on every tick it only evaluates the three engines against the cached setup (O(1), allocating only when an engine
 * signals). Why: the spec's `evaluate_market`, with the decision geometry and its reasons exposed as typed data.
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
  readonly #harmonic: HarmonicOptions;
  readonly #timeframe: string;
  readonly #durationLegs: number;
  readonly #swings: Swing[] = [];
  #lastSwingTsMs = Number.NEGATIVE_INFINITY;
  #setup: FibSetup | null = null;
  #waveNotes: readonly string[] = [];
  #regime = 'any';
  #baseWeight = 1;
  #formingWeights: number[] = [];
  #formingNotes: string[][] = [];
  readonly #evidence: MutableEvidence = {
    zone: undefined,
    memoryWeight: 1,
    waveDirection: undefined,
    notes: [],
    pattern: 'fib-retracement',
  };
  readonly #block: Omit<Mutable<FibBlock>, 'signals'> & { signals: Mutable<FibBlock['signals']> };

  constructor(options: MasterFibonacciOptions = {}) {
    this.cluster = new FibonacciClusterAI(options.cluster);
    this.elliott = new ElliottWaveForecastEngine();
    this.router = new TriFectaFibonacciRouter(options.engines);
    this.volatility = new VolatilityScoreMatrix(options.volatility);
    this.memory = options.memory;
    this.#harmonic = options.harmonic ?? {};
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
    if (swingChanged) this.#onSwings();
    if (swingChanged || regime !== this.#regime) {
      this.#regime = regime;
      this.#refreshWeights();
    }
    const b = this.#block;
    b.symbol = features.symbol;
    b.tsMs = features.tsMs;
    b.price = features.price;
    if (context.volatility) b.volatilityScore = this.volatility.update(context.volatility);
    const vol = features.rollingStd ?? features.atr;
    if (vol !== null) this.router.arbitrage.update(vol);

    const price = features.price;
    const zone = this.cluster.nearestZone(price);
    b.nearestZone = zone ?? null;
    const ev = this.#evidence;
    ev.zone = zone;
    ev.memoryWeight = this.#baseWeight;
    ev.notes = this.#waveNotes;
    ev.pattern = 'fib-retracement';
    const upLeg = this.#setup?.levels.direction === 'up';
    for (let i = 0; i < b.forming.length; i++) {
      const f = b.forming[i] as FormingHarmonic;
      if (price >= f.prz[0] && price <= f.prz[1] && (f.direction === 'bullish') === upLeg) {
        ev.memoryWeight = this.#formingWeights[i] ?? 1;
        ev.notes = this.#formingNotes[i] ?? this.#waveNotes;
        ev.pattern = f.pattern;
        break;
      }
    }
    b.signals.binary = this.router.binary.evaluate(price, features.atr, this.#setup, ev);
    b.signals.spot = this.router.spot.evaluate(price, features.atr, this.#setup, ev);
    b.signals.arbitrage = this.router.arbitrage.evaluate();
    return b;
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

  #onSwings(): void {
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
    const { completed, forming } = harmonicsAtLastSwing(sw, this.#harmonic);
    b.harmonics = completed;
    b.forming = forming;
    if (wave.kind === 'count') {
      this.#evidence.waveDirection = wave.nextDirection;
      this.#waveNotes = [
        `Elliott ${wave.count.structure} ${wave.count.complete ? 'complete' : `waves 1–${wave.count.swings.length - 1}`} ${wave.count.direction} (score ${wave.count.score.toFixed(2)}): now ${wave.position}, invalidation ${wave.invalidation.toPrecision(6)}`,
      ];
    } else {
      this.#evidence.waveDirection = undefined;
      this.#waveNotes = [];
    }
    this.#formingNotes = forming.map((f) => [
      ...this.#waveNotes,
      `price inside the forming ${f.direction} ${f.pattern} PRZ ${f.prz[0].toPrecision(6)}–${f.prz[1].toPrecision(6)} (X ${f.points.X.price.toPrecision(6)}, A ${f.points.A.price.toPrecision(6)}, B ${f.points.B.price.toPrecision(6)}, C ${f.points.C.price.toPrecision(6)})`,
    ]);
  }

  #refreshWeights(): void {
    const m = this.memory;
    const forming = this.#block.forming;
    if (!m || !this.#setup) {
      this.#baseWeight = 1;
      this.#formingWeights = forming.map(() => 1);
      return;
    }
    const direction = this.#setup.levels.direction === 'up' ? 'bullish' : 'bearish';
    this.#baseWeight = m.confidenceWeight({
      pattern: 'fib-retracement',
      direction,
      regime: this.#regime,
      timeframe: this.#timeframe,
    });
    this.#formingWeights = forming.map((f) =>
      m.confidenceWeight({
        pattern: f.pattern,
        direction: f.direction,
        regime: this.#regime,
        timeframe: this.#timeframe,
      }),
    );
  }
}
