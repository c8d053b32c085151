import type { Swing } from '@omni/core';
import type {
  ArbitrageFibSignal,
  ArbitrageSignal,
  BinaryFibSignal,
  BinarySignal,
  ClusterZone,
  DetectedHarmonic,
  FibBlock,
  FibLevel,
  FibLevels,
  FibSignal,
  FormingHarmonic,
  HarmonicSetup,
  NoFibSignal,
  SpotFibSignal,
  SpotSignal,
  WaveCount,
  WaveState,
} from '@omni/fib-core';

/** A fib level as the audit keeps it: its ratio and price. */
type LevelAudit = Pick<FibLevel, 'ratio' | 'price'>;

/**
 * A JSON-safe copy of one engine's fib signal: fib-core's signal types, with the binary signal's
 * level reduced to ratio and price (numbers, strings and copied arrays only).
 */
export type FibSignalAudit =
  | (Omit<BinaryFibSignal, 'level'> & { readonly level: LevelAudit })
  | SpotFibSignal
  | ArbitrageFibSignal
  | NoFibSignal<FibSignal['engine']>;

/** The compact, JSON-safe audit copy of a {@link FibBlock}: what the decision saw of the fib geometry. */
export interface FibAudit {
  readonly tsMs: number;
  readonly price: number;
  readonly swingCount: number;
  /** The last swing leg and its levels, or null before two swings. */
  readonly setup: {
    readonly direction: FibLevels['direction'];
    readonly start: Pick<Swing, 'price' | 'tsMs'>;
    readonly end: Pick<Swing, 'price' | 'tsMs'>;
    readonly retracements: readonly LevelAudit[];
    readonly extensions: readonly LevelAudit[];
  } | null;
  readonly zoneCount: number;
  readonly nearestZone: Pick<ClusterZone, 'center' | 'low' | 'high' | 'touches' | 'strength'> | null;
  /** Elliott reading: `label` like `impulse wave-3 up`, or the reason there is none. */
  readonly wave:
    | (Pick<Extract<WaveState, { kind: 'count' }>, 'kind' | 'position' | 'nextDirection' | 'invalidation'> &
        Pick<WaveCount, 'structure' | 'score'> & { readonly label: string })
    | Extract<WaveState, { kind: 'none' }>;
  /** Harmonic patterns completed at the last swing. */
  readonly harmonics: readonly Pick<DetectedHarmonic, 'pattern' | 'direction' | 'score'>[];
  /** Harmonic patterns forming, with their PRZ. */
  readonly forming: readonly Pick<FormingHarmonic, 'pattern' | 'direction' | 'prz'>[];
  readonly volatilityScore: number | null;
  readonly signals: {
    readonly binary: FibSignalAudit;
    readonly spot: FibSignalAudit;
    readonly arbitrage: FibSignalAudit;
  };
}

/**
 * Copies the parts of a {@link FibBlock} a decision's audit needs into fresh plain objects.
 * Why: MasterFibonacciGovernor reuses its block between ticks, and an audit record must stay what
 * the decision saw; the copy is also JSON-safe (no class instances, no shared arrays). O(levels +
 * patterns + reasons); runs once per decision.
 */
export function auditFibBlock(block: FibBlock): FibAudit {
  const setup = block.setup;
  const zone = block.nearestZone;
  const wave = block.wave;
  return {
    tsMs: block.tsMs,
    price: block.price,
    swingCount: block.swingCount,
    setup: setup
      ? {
          direction: setup.levels.direction,
          start: { price: setup.start.price, tsMs: setup.start.tsMs },
          end: { price: setup.end.price, tsMs: setup.end.tsMs },
          retracements: setup.levels.retracements.map((l) => ({ ratio: l.ratio, price: l.price })),
          extensions: setup.levels.extensions.map((l) => ({ ratio: l.ratio, price: l.price })),
        }
      : null,
    zoneCount: block.zones.length,
    nearestZone: zone
      ? {
          center: zone.center,
          low: zone.low,
          high: zone.high,
          touches: zone.touches,
          strength: zone.strength,
        }
      : null,
    wave:
      wave.kind === 'count'
        ? {
            kind: 'count',
            label: `${wave.count.structure} ${wave.position} ${wave.nextDirection}`,
            structure: wave.count.structure,
            position: wave.position,
            nextDirection: wave.nextDirection,
            invalidation: wave.invalidation,
            score: wave.count.score,
          }
        : { kind: 'none', reason: wave.reason },
    harmonics: block.harmonics.map((h) => ({ pattern: h.pattern, direction: h.direction, score: h.score })),
    forming: block.forming.map((f) => ({
      pattern: f.pattern,
      direction: f.direction,
      prz: [f.prz[0], f.prz[1]] as const,
    })),
    volatilityScore: block.volatilityScore,
    signals: {
      binary: auditFibSignal(block.signals.binary),
      spot: auditFibSignal(block.signals.spot),
      arbitrage: auditFibSignal(block.signals.arbitrage),
    },
  };
}

/** A JSON-safe copy of one fib signal. */
export function auditFibSignal(signal: BinarySignal | SpotSignal | ArbitrageSignal): FibSignalAudit {
  if (signal.kind === 'none') return { kind: 'none', engine: signal.engine, reason: signal.reason };
  switch (signal.engine) {
    case 'binary':
      return {
        kind: 'signal',
        engine: 'binary',
        direction: signal.direction,
        confidence: signal.confidence,
        expirySec: signal.expirySec,
        level: { ratio: signal.level.ratio, price: signal.level.price },
        zone: { low: signal.zone.low, high: signal.zone.high },
        pattern: signal.pattern,
        ...(signal.harmonic ? { harmonic: auditHarmonic(signal.harmonic) } : {}),
        reasons: [...signal.reasons],
      };
    case 'spot':
      return {
        kind: 'signal',
        engine: 'spot',
        side: signal.side,
        confidence: signal.confidence,
        entryPrice: signal.entryPrice,
        stopPrice: signal.stopPrice,
        takeProfits: signal.takeProfits.map((t) => ({
          ratio: t.ratio,
          price: t.price,
          fraction: t.fraction,
        })),
        zone: { low: signal.zone.low, high: signal.zone.high },
        pattern: signal.pattern,
        ...(signal.harmonic ? { harmonic: auditHarmonic(signal.harmonic) } : {}),
        reasons: [...signal.reasons],
      };
    case 'arbitrage':
      return {
        kind: 'signal',
        engine: 'arbitrage',
        phase: signal.phase,
        volatilityRatio: signal.volatilityRatio,
        confidence: signal.confidence,
        reasons: [...signal.reasons],
      };
  }
}

/** A fresh copy of a harmonic setup (its PRZ and points are copied too). */
function auditHarmonic(h: HarmonicSetup): HarmonicSetup {
  return { ...h, prz: [h.prz[0], h.prz[1]], points: { ...h.points } };
}
