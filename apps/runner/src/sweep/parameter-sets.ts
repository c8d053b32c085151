import { Rng } from '@omni/core';
import type { SweepValue } from './config-fields.js';
import { checkValue, type SweepGrid, type SweepParameter, type SweepRange } from './grid.js';
import { SweepError } from './sweep-error.js';

/** One parameter set: configuration path → value, in the grid file's parameter order. */
export type ParameterSet = Readonly<Record<string, SweepValue>>;

/** Decimal places of a number as written (`0.05` → 2), for rounding lattice values exactly. */
function decimals(x: number): number {
  const text = String(x);
  const exp = /e-(\d+)$/.exec(text);
  if (exp) return Number(exp[1]);
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** Continuous draws are rounded to this many decimals, so results print and compare cleanly. */
const CONTINUOUS_DECIMALS = 6;

/** One value drawn from a range (see docs/sweeps.md for the rule). */
export function drawFromRange(range: SweepRange, rng: Rng): number {
  const { min, max } = range;
  if (min === max) return min;
  if (range.integer) return rng.int(Math.ceil(min), Math.floor(max) + 1);
  if (range.step !== undefined) {
    const steps = Math.floor((max - min) / range.step + 1e-9);
    const k = rng.int(0, steps + 1);
    return Number((min + k * range.step).toFixed(Math.max(decimals(min), decimals(range.step))));
  }
  return Number(rng.range(min, max).toFixed(CONTINUOUS_DECIMALS));
}

function draw(parameter: SweepParameter, rng: Rng): SweepValue {
  return parameter.kind === 'values' ? rng.pick(parameter.values) : drawFromRange(parameter.range, rng);
}

/**
 * The parameter sets of a grid search: the cartesian product in lexicographic order over the
 * parameters in the file's order (the first parameter varies slowest, each list in its own order).
 */
export function gridParameterSets(parameters: readonly SweepParameter[]): ParameterSet[] {
  let sets: Record<string, SweepValue>[] = [{}];
  for (const parameter of parameters) {
    if (parameter.kind !== 'values') continue;
    sets = sets.flatMap((set) => parameter.values.map((value) => ({ ...set, [parameter.path]: value })));
  }
  return sets;
}

/** The key of a parameter set that does not depend on the order of its paths. */
export function parameterKey(set: ParameterSet): string {
  return JSON.stringify(
    Object.keys(set)
      .sort()
      .map((path) => [path, set[path]]),
  );
}

/**
 * The parameter sets of a random search: `samples` distinct sets, each parameter drawn in the
 * file's order from the stream `Rng(seed).fork('sweep/random')`. A set drawn before is drawn again;
 * when the ranges hold fewer distinct sets than `samples` the grid is refused.
 */
export function randomParameterSets(
  parameters: readonly SweepParameter[],
  samples: number,
  seed: number,
  file = 'grid',
): ParameterSet[] {
  const rng = new Rng(seed).fork('sweep/random');
  const sets: ParameterSet[] = [];
  const seen = new Set<string>();
  const attempts = samples * 100;
  for (let i = 0; i < attempts && sets.length < samples; i++) {
    const set: Record<string, SweepValue> = {};
    for (const parameter of parameters) set[parameter.path] = draw(parameter, rng);
    const key = parameterKey(set);
    if (seen.has(key)) continue;
    seen.add(key);
    sets.push(set);
  }
  if (sets.length < samples) {
    throw new SweepError(
      'SWEEP_BAD_GRID',
      `${file}: samples: the parameters hold fewer than ${samples} distinct sets (${sets.length} found)`,
      { file, field: 'samples', samples, distinct: sets.length },
    );
  }
  return sets;
}

/**
 * The parameter sets of a grid, in the sweep's fixed order; every value (drawn ones included) is
 * checked against the configuration schema, so a refused value fails before any run.
 */
export function parameterSets(grid: SweepGrid, seed: number, file = 'grid'): ParameterSet[] {
  const sets =
    grid.search === 'grid'
      ? gridParameterSets(grid.parameters)
      : randomParameterSets(grid.parameters, grid.samples, seed, file);
  for (const set of sets) for (const [path, value] of Object.entries(set)) checkValue(file, path, value);
  return sets;
}
