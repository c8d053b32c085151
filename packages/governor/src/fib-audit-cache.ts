import type { FibBlock, FibLevel, FibLevels, NoFibSignal } from '@omni/fib-core';
import { auditFibSignal, type FibAudit, type FibSignalAudit } from './fib-audit.js';

type SetupAudit = NonNullable<FibAudit['setup']>;
type ZoneAudit = NonNullable<FibAudit['nearestZone']>;
type WaveAudit = FibAudit['wave'];
type HarmonicsAudit = FibAudit['harmonics'];
type FormingAudit = FibAudit['forming'];
type SignalKey = keyof FibAudit['signals'];

const EMPTY: readonly never[] = Object.freeze([]);

/**
 * {@link auditFibBlock} for one decision maker, sharing the parts of the audit that did not change since
 * the last decision. The setup and its levels, the nearest zone, the wave reading, the harmonics and the
 * engines' `none` signals only change on a new swing (or when price moves to another zone), yet a fresh
 * copy of them cost more than the rest of a decision. Each part is compared by value with the last copy
 * and reused when equal, so an audit record holds exactly the numbers and strings its decision saw and
 * serializes to the same JSON as a fresh copy. Shared parts are deeply frozen, so no record can change
 * another. Signals that trade (`kind: 'signal'`) are copied for every decision.
 */
export class FibAuditCache {
  #setup: SetupAudit | null = null;
  #zone: ZoneAudit | null = null;
  #wave: WaveAudit | null = null;
  #harmonics: HarmonicsAudit = EMPTY;
  #forming: FormingAudit = EMPTY;
  readonly #none: Record<SignalKey, NoFibSignal<SignalKey> | null> = {
    binary: null,
    spot: null,
    arbitrage: null,
  };

  /** The audit copy of `block` (see {@link auditFibBlock}), with unchanged parts shared. */
  audit(block: FibBlock): FibAudit {
    const signals = block.signals;
    return {
      tsMs: block.tsMs,
      price: block.price,
      swingCount: block.swingCount,
      setup: this.#setupOf(block.setup),
      zoneCount: block.zones.length,
      nearestZone: this.#zoneOf(block.nearestZone),
      wave: this.#waveOf(block.wave),
      harmonics: this.#harmonicsOf(block.harmonics),
      forming: this.#formingOf(block.forming),
      volatilityScore: block.volatilityScore,
      signals: {
        binary: this.#signalOf('binary', signals.binary),
        spot: this.#signalOf('spot', signals.spot),
        arbitrage: this.#signalOf('arbitrage', signals.arbitrage),
      },
    };
  }

  #setupOf(setup: FibBlock['setup']): SetupAudit | null {
    if (setup === null) return null;
    const last = this.#setup;
    const { levels, start, end } = setup;
    if (
      last !== null &&
      last.direction === levels.direction &&
      last.start.price === start.price &&
      last.start.tsMs === start.tsMs &&
      last.end.price === end.price &&
      last.end.tsMs === end.tsMs &&
      sameLevels(last.retracements, levels.retracements) &&
      sameLevels(last.extensions, levels.extensions)
    ) {
      return last;
    }
    this.#setup = Object.freeze({
      direction: levels.direction,
      start: Object.freeze({ price: start.price, tsMs: start.tsMs }),
      end: Object.freeze({ price: end.price, tsMs: end.tsMs }),
      retracements: levelAudits(levels.retracements),
      extensions: levelAudits(levels.extensions),
    });
    return this.#setup;
  }

  #zoneOf(zone: FibBlock['nearestZone']): ZoneAudit | null {
    if (zone === null) return null;
    const last = this.#zone;
    if (
      last !== null &&
      last.center === zone.center &&
      last.low === zone.low &&
      last.high === zone.high &&
      last.touches === zone.touches &&
      last.strength === zone.strength
    ) {
      return last;
    }
    this.#zone = Object.freeze({
      center: zone.center,
      low: zone.low,
      high: zone.high,
      touches: zone.touches,
      strength: zone.strength,
    });
    return this.#zone;
  }

  #waveOf(wave: FibBlock['wave']): WaveAudit {
    const last = this.#wave;
    if (wave.kind === 'none') {
      if (last !== null && last.kind === 'none' && last.reason === wave.reason) return last;
      this.#wave = Object.freeze({ kind: 'none', reason: wave.reason });
      return this.#wave;
    }
    const count = wave.count;
    if (
      last !== null &&
      last.kind === 'count' &&
      last.structure === count.structure &&
      last.position === wave.position &&
      last.nextDirection === wave.nextDirection &&
      last.invalidation === wave.invalidation &&
      last.score === count.score
    ) {
      return last;
    }
    this.#wave = Object.freeze({
      kind: 'count',
      label: `${count.structure} ${wave.position} ${wave.nextDirection}`,
      structure: count.structure,
      position: wave.position,
      nextDirection: wave.nextDirection,
      invalidation: wave.invalidation,
      score: count.score,
    });
    return this.#wave;
  }

  #harmonicsOf(harmonics: FibBlock['harmonics']): HarmonicsAudit {
    const last = this.#harmonics;
    let same = last.length === harmonics.length;
    for (let i = 0; same && i < harmonics.length; i++) {
      const a = last[i] as HarmonicsAudit[number];
      const h = harmonics[i] as FibBlock['harmonics'][number];
      same = a.pattern === h.pattern && a.direction === h.direction && a.score === h.score;
    }
    if (same) return last;
    this.#harmonics = Object.freeze(
      harmonics.map((h) => Object.freeze({ pattern: h.pattern, direction: h.direction, score: h.score })),
    );
    return this.#harmonics;
  }

  #formingOf(forming: FibBlock['forming']): FormingAudit {
    const last = this.#forming;
    let same = last.length === forming.length;
    for (let i = 0; same && i < forming.length; i++) {
      const a = last[i] as FormingAudit[number];
      const f = forming[i] as FibBlock['forming'][number];
      same =
        a.pattern === f.pattern &&
        a.direction === f.direction &&
        a.prz[0] === f.prz[0] &&
        a.prz[1] === f.prz[1];
    }
    if (same) return last;
    this.#forming = Object.freeze(
      forming.map((f) =>
        Object.freeze({
          pattern: f.pattern,
          direction: f.direction,
          prz: Object.freeze([f.prz[0], f.prz[1]] as const),
        }),
      ),
    );
    return this.#forming;
  }

  #signalOf<K extends SignalKey>(key: K, signal: FibBlock['signals'][K]): FibSignalAudit {
    if (signal.kind !== 'none') return auditFibSignal(signal);
    const last = this.#none[key];
    if (last !== null && last.engine === signal.engine && last.reason === signal.reason) return last;
    const copy = Object.freeze({ kind: 'none' as const, engine: signal.engine, reason: signal.reason });
    this.#none[key] = copy;
    return copy;
  }
}

/** Whether the audit copies `audits` hold exactly the ratios and prices of `levels`. */
function sameLevels(audits: SetupAudit['retracements'], levels: FibLevels['retracements']): boolean {
  if (audits.length !== levels.length) return false;
  for (let i = 0; i < levels.length; i++) {
    const a = audits[i] as SetupAudit['retracements'][number];
    const l = levels[i] as FibLevel;
    if (a.ratio !== l.ratio || a.price !== l.price) return false;
  }
  return true;
}

function levelAudits(levels: readonly FibLevel[]): SetupAudit['retracements'] {
  return Object.freeze(levels.map((l) => Object.freeze({ ratio: l.ratio, price: l.price })));
}
