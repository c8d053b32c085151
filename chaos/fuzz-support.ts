/**
 * Shared pieces of the fuzz suites (chaos/fuzz-*.chaos.test.ts): the seed and run counts, the
 * per-boundary tally printed as one `CHAOS fuzz boundary=…` line, generators of arbitrary and
 * structure-aware mutated inputs, and the checks every boundary shares (a typed error, finite numbers).
 */
import { isOmniError, type Tick } from '@omni/core';
import fc from 'fast-check';

/** One seed for every fuzz suite: the same cases on every run and machine. */
export const FUZZ_SEED = 0x0f17;

/**
 * What one fuzz input gave: a typed error (OmniError with a code), an alert or skipped row, accepted,
 * or ignored by design (a venue's acknowledgement or answer that carries no tick).
 */
export type FuzzOutcome = 'typed-error' | 'alert' | 'accepted' | 'ignored';

/** The counts of one boundary, printed in `afterAll` as one `CHAOS fuzz boundary=…` line. */
export class BoundaryTally {
  readonly name: string;
  cases = 0;
  typedErrors = 0;
  alerts = 0;
  accepted = 0;
  ignored = 0;

  constructor(name: string) {
    this.name = name;
  }

  record(outcome: FuzzOutcome): void {
    this.add(outcome, 1);
  }

  /** Counts `n` inputs with the same outcome. */
  add(outcome: FuzzOutcome, n: number): void {
    this.cases += n;
    if (outcome === 'typed-error') this.typedErrors += n;
    else if (outcome === 'alert') this.alerts += n;
    else if (outcome === 'accepted') this.accepted += n;
    else this.ignored += n;
  }

  line(): string {
    const ignored = this.ignored > 0 ? ` ignored=${this.ignored}` : '';
    return `CHAOS fuzz boundary=${this.name} cases=${this.cases} typed-errors=${this.typedErrors} alerts=${this.alerts} accepted=${this.accepted}${ignored}`;
  }
}

/**
 * Runs `fn`; a thrown OmniError with a code is the outcome `typed-error`, anything else thrown is
 * re-thrown (the fuzz property fails on it, with the input fast-check shrank to).
 */
export function typedOr<T>(fn: () => T): { ok: true; value: T } | { ok: false; code: string } {
  try {
    return { ok: true, value: fn() };
  } catch (err) {
    if (isOmniError(err) && typeof err.code === 'string' && err.code !== '')
      return { ok: false, code: err.code };
    throw err;
  }
}

/** Async {@link typedOr}. */
export async function typedOrAsync<T>(
  fn: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; code: string }> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    if (isOmniError(err) && typeof err.code === 'string' && err.code !== '')
      return { ok: false, code: err.code };
    throw err;
  }
}

/** The first non-finite number field of a tick (price, bid, ask, volume, tsMs), or undefined. */
export function nonFiniteTickField(tick: Tick): string | undefined {
  if (!Number.isFinite(tick.tsMs)) return 'tsMs';
  if (!(Number.isFinite(tick.price) && tick.price > 0)) return 'price';
  if (tick.bid !== undefined && !Number.isFinite(tick.bid)) return 'bid';
  if (tick.ask !== undefined && !Number.isFinite(tick.ask)) return 'ask';
  if (tick.volume !== undefined && !Number.isFinite(tick.volume)) return 'volume';
  return undefined;
}

/** Every number anywhere inside `value` is finite (a NaN or Infinity must never be accepted). */
export function allNumbersFinite(value: unknown, depth = 0): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object' || value === null || depth > 50) return true;
  for (const v of Object.values(value)) if (!allNumbersFinite(v, depth + 1)) return false;
  return true;
}

/** Values that break parsers: wrong types, huge numbers, NaN/Infinity as strings, nested garbage. */
export const garbageValue: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom<unknown>(
      null,
      true,
      false,
      0,
      -0,
      -1,
      1e308,
      -1e308,
      5e-324,
      Number.MAX_SAFE_INTEGER * 1024,
      'NaN',
      'Infinity',
      '-Infinity',
      '1e999',
      '',
      ' ',
      '0x1F',
      '1_000',
      '__proto__',
      'constructor',
      'toString',
      [],
      {},
      { __proto__: null },
      [[[[[[[[[[]]]]]]]]]],
      { a: { b: { c: { d: { e: 'deep' } } } } },
    ),
  },
  fc.string({ maxLength: 40 }),
  fc.double(),
  fc.integer(),
  fc.jsonValue({ maxDepth: 3 }),
);

/** A structure-aware mutation of a JSON value: what to do, where (an index into its paths) and with what. */
interface Mutation {
  readonly op: 'drop' | 'rename' | 'replace' | 'wrap' | 'inject';
  readonly at: number;
  readonly value: unknown;
  readonly name: string;
}

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom('drop', 'rename', 'replace', 'replace', 'replace', 'wrap', 'inject'),
  at: fc.nat(),
  value: garbageValue,
  name: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'p ', 'P')),
});

/** Every path (as keys) to a field inside `value`, the root excluded. */
function fieldPaths(value: unknown, prefix: readonly string[] = [], out: string[][] = []): string[][] {
  if (typeof value !== 'object' || value === null || prefix.length > 6) return out;
  for (const key of Object.keys(value)) {
    const path = [...prefix, key];
    out.push(path);
    fieldPaths((value as Record<string, unknown>)[key], path, out);
  }
  return out;
}

/** A deep copy of plain JSON data. */
function cloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Applies `mutations` to a copy of `base` (a JSON object) and returns the copy. */
export function mutateJson(base: unknown, mutations: readonly Mutation[]): unknown {
  const copy = cloneJson(base);
  // Generated values may be shared constants: place copies, so no mutation writes into one (or makes a cycle).
  const fresh = (v: unknown): unknown => (typeof v === 'object' && v !== null ? cloneJson(v) : v);
  for (const m of mutations) {
    const paths = fieldPaths(copy);
    if (paths.length === 0) return copy;
    const path = paths[m.at % paths.length] as string[];
    let parent = copy as Record<string, unknown>;
    for (const key of path.slice(0, -1)) parent = parent[key] as Record<string, unknown>;
    const key = path[path.length - 1] as string;
    if (m.op === 'drop') delete parent[key];
    else if (m.op === 'rename') {
      Object.defineProperty(parent, m.name, {
        value: parent[key],
        enumerable: true,
        writable: true,
        configurable: true,
      });
      if (m.name !== key) delete parent[key];
    } else if (m.op === 'replace') parent[key] = fresh(m.value);
    else if (m.op === 'wrap') parent[key] = { value: parent[key], garbage: fresh(m.value) };
    else {
      // An own "__proto__"/"constructor" key holding an object: what a prototype-polluting input looks like.
      const target =
        typeof parent[key] === 'object' && parent[key] !== null ? (parent[key] as object) : parent;
      const name = ['__proto__', 'constructor', 'prototype'][m.at % 3] as string;
      Object.defineProperty(target, name, {
        value: { polluted: fresh(m.value), prototype: { polluted: fresh(m.value) } },
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return copy;
}

/** Text-level damage of a serialised message: cut it, flip a character, splice garbage in. */
const textDamage = fc.record({
  kind: fc.constantFrom('cut', 'flip', 'splice', 'none', 'none', 'none'),
  at: fc.nat(),
  text: fc.string({ maxLength: 12 }),
});

/**
 * Frames for a JSON text boundary: structure-aware mutations of `valid` messages (1–3 mutations,
 * sometimes also damaged as text), the valid messages themselves, arbitrary strings and JSON values,
 * and NaN/Infinity spelled as bare JSON tokens.
 */
export function jsonFrames(valid: readonly unknown[]): fc.Arbitrary<string> {
  const mutated = fc
    .tuple(fc.constantFrom(...valid), fc.array(mutationArb, { minLength: 1, maxLength: 3 }), textDamage)
    .map(([base, mutations, damage]) => {
      const text = JSON.stringify(mutateJson(base, mutations));
      const at = text.length === 0 ? 0 : damage.at % text.length;
      if (damage.kind === 'cut') return text.slice(0, at);
      if (damage.kind === 'flip')
        return text.slice(0, at) + String.fromCharCode(text.charCodeAt(at) ^ 0x20) + text.slice(at + 1);
      if (damage.kind === 'splice') return text.slice(0, at) + damage.text + text.slice(at);
      return text;
    });
  const bareTokens = fc
    .tuple(
      fc.constantFrom(...valid),
      fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e999', '-1e999', 'null'),
    )
    .map(([base, token]) => JSON.stringify(base).replace(/:(-?\d+(\.\d+)?|"-?\d+(\.\d+)?")/, `:${token}`));
  return fc.oneof(
    { weight: 6, arbitrary: mutated },
    { weight: 1, arbitrary: fc.constantFrom(...valid).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: bareTokens },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
  );
}

/** Bytes damaged the way files are: truncated at a point, a run of bits flipped, or both. */
export function damagedBytes(valid: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc
    .record({
      cut: fc.option(fc.nat({ max: Math.max(0, valid.length - 1) }), { nil: undefined }),
      flips: fc.array(
        fc.tuple(fc.nat({ max: Math.max(0, valid.length - 1) }), fc.integer({ min: 1, max: 255 })),
        {
          maxLength: 8,
        },
      ),
    })
    .filter((d) => d.cut !== undefined || d.flips.length > 0)
    .map(({ cut, flips }) => {
      const bytes = Uint8Array.from(valid);
      for (const [at, mask] of flips) bytes[at] = (bytes[at] as number) ^ mask;
      return cut === undefined ? bytes : bytes.slice(0, cut);
    });
}

/** `n` samples of `arb`, the same ones on every run (seeded). */
export function seededSample<T>(arb: fc.Arbitrary<T>, n: number, seed = FUZZ_SEED): T[] {
  return fc.sample(arb, { numRuns: n, seed });
}

/**
 * Keys an input left on Object.prototype (a "__proto__" key merged somewhere), removed again so the
 * rest of the run is not affected. Every suite checks it is empty after its cases.
 */
export function prototypeLeaks(): string[] {
  const leaked = Object.keys(Object.prototype);
  for (const key of leaked) delete (Object.prototype as Record<string, unknown>)[key];
  return leaked;
}
