import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { configFieldKind, refusedValue, type SweepValue } from './config-fields.js';
import { SweepError } from './sweep-error.js';

const ScalarSchema = z.union([z.number(), z.string(), z.boolean()]);

/** A numeric range of a random search: uniform in [min, max], or on the `step` lattice from `min`, or whole numbers. */
const RangeSchema = z
  .strictObject({
    min: z.number(),
    max: z.number(),
    step: z.number().positive().optional(),
    integer: z.boolean().optional(),
  })
  .refine((r) => r.min <= r.max, { message: 'min must not exceed max' });

const ValuesSchema = z.array(ScalarSchema).min(1, 'a parameter needs at least one value');

/** The grid file of `omni sweep --grid` (docs/sweeps.md). */
export const GridFileSchema = z.discriminatedUnion('search', [
  z.strictObject({
    search: z.literal('grid'),
    parameters: z.record(
      z.string(),
      z
        .array(ScalarSchema, {
          error: 'a grid search needs a list of values (ranges {"min", "max"} are for "search": "random")',
        })
        .min(1, 'a parameter needs at least one value'),
    ),
  }),
  z.strictObject({
    search: z.literal('random'),
    samples: z.number().int().min(1).max(100_000),
    parameters: z.record(z.string(), z.union([ValuesSchema, RangeSchema])),
  }),
]);

/** A range of a random search, as the grid file gives it. */
export type SweepRange = z.output<typeof RangeSchema>;

/** One parameter of a sweep: a configuration path and its values (a list, or a range for random search). */
export type SweepParameter =
  | { readonly path: string; readonly kind: 'values'; readonly values: readonly SweepValue[] }
  | { readonly path: string; readonly kind: 'range'; readonly range: SweepRange };

/** A validated grid: the parameters in the file's order. */
export type SweepGrid =
  | { readonly search: 'grid'; readonly parameters: readonly SweepParameter[] }
  | { readonly search: 'random'; readonly samples: number; readonly parameters: readonly SweepParameter[] };

function badGrid(file: string, field: string, message: string, details: string[] = []): never {
  throw new SweepError('SWEEP_BAD_GRID', `${file}: ${field}: ${message}`, { file, field }, { details });
}

/** Refuses a value the configuration schema refuses at `path`, naming the path. */
export function checkValue(file: string, path: string, value: SweepValue): void {
  const why = refusedValue(path, value);
  if (why !== undefined) {
    badGrid(
      file,
      `parameters.${path}`,
      `the configuration refuses ${JSON.stringify(value)} for ${path}: ${why}`,
    );
  }
}

/** A parameter's path and each of its values, checked against the configuration schema. */
function checkParameter(file: string, parameter: SweepParameter): void {
  const field = `parameters.${parameter.path}`;
  const kind = configFieldKind(parameter.path);
  if (kind.kind === 'refused') badGrid(file, field, `${parameter.path} cannot be swept: ${kind.why}`);
  if (kind.kind === 'unknown') {
    badGrid(file, field, `${parameter.path} is not a configuration field`, [
      `fields here: ${kind.known.join(', ')}`,
      'paths as in docs/configuration.md, e.g. engines.governor.minConfidence',
    ]);
  }
  if (kind.kind === 'object') {
    badGrid(file, field, `${parameter.path} is a group of fields, not one field`, [
      `its fields: ${kind.fields.join(', ')}`,
    ]);
  }
  if (parameter.kind === 'range' && parameter.range.integer) {
    const { min, max } = parameter.range;
    if (Math.ceil(min) > Math.floor(max)) badGrid(file, field, `no whole number lies in [${min}, ${max}]`);
  }
  // A range's ends here; every value a random search draws is checked again before any run.
  const values =
    parameter.kind === 'values'
      ? parameter.values
      : parameter.range.integer
        ? [Math.ceil(parameter.range.min), Math.floor(parameter.range.max)]
        : [parameter.range.min, parameter.range.max];
  for (const value of values) checkValue(file, parameter.path, value);
  if (parameter.kind === 'values') {
    const seen = new Set<string>();
    for (const value of parameter.values) {
      const key = JSON.stringify(value);
      if (seen.has(key)) badGrid(file, field, `${key} is listed twice`);
      seen.add(key);
    }
  }
}

/**
 * Validates a grid (the parsed JSON of a grid file): its shape with zod, then every parameter path
 * against the configuration schema (unknown, refused and group paths are errors naming the path)
 * and every listed value (and each range's ends) against that field's schema. `file` names the
 * source in errors. Every problem is a {@link SweepError} `SWEEP_BAD_GRID` before any run.
 */
export function parseGrid(json: unknown, file = 'grid'): SweepGrid {
  const result = GridFileSchema.safeParse(json);
  if (!result.success) {
    const first = result.error.issues[0];
    const field = first && first.path.length > 0 ? first.path.join('.') : '(file)';
    badGrid(
      file,
      field,
      first?.message ?? 'not a grid file',
      result.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(file)'}: ${i.message}`),
    );
  }
  const grid = result.data;
  const parameters: SweepParameter[] = Object.entries(grid.parameters).map(([path, spec]) =>
    Array.isArray(spec) ? { path, kind: 'values', values: spec } : { path, kind: 'range', range: spec },
  );
  if (parameters.length === 0) badGrid(file, 'parameters', 'names no parameter');
  for (const parameter of parameters) checkParameter(file, parameter);
  return grid.search === 'grid'
    ? { search: 'grid', parameters }
    : { search: 'random', samples: grid.samples, parameters };
}

/** Reads and validates a grid file (see {@link parseGrid}); unreadable files and bad JSON are `SWEEP_BAD_GRID`. */
export function readGridFile(path: string): SweepGrid {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return badGrid(file, '(file)', `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return badGrid(file, '(file)', `is not JSON: ${(err as Error).message}`);
  }
  return parseGrid(json, file);
}
