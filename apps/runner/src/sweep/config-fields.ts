import { OmniConfigSchema } from '@omni/core';

/** A scalar a sweep may set a configuration field to. */
export type SweepValue = number | string | boolean;

/** The zod node types {@link configFieldKind} looks through. */
interface SchemaNode {
  readonly type: string;
  readonly def: { readonly innerType?: SchemaNode };
  readonly shape?: Readonly<Record<string, SchemaNode>>;
}

/** Fields a sweep may not set, with the reason given to the user. */
const REFUSED: readonly { readonly prefix: string; readonly why: string }[] = [
  { prefix: 'mode', why: 'every run of a sweep is a backtest' },
  { prefix: 'seed', why: "each run's seed is derived from the sweep's --seed (docs/sweeps.md)" },
  { prefix: 'credentials', why: 'a backtest uses no credentials, and secrets never go into a grid file' },
];

/** What a configuration path names: a field that takes a value, an object of fields, or nothing. */
export type ConfigFieldKind =
  | { readonly kind: 'field' }
  | { readonly kind: 'object'; readonly fields: readonly string[] }
  | { readonly kind: 'unknown'; readonly known: readonly string[] }
  | { readonly kind: 'refused'; readonly why: string };

function unwrap(node: SchemaNode): SchemaNode {
  let n = node;
  while (n.def.innerType !== undefined && n.type !== 'object') n = n.def.innerType;
  return n;
}

/**
 * What `path` (dot-separated, as in docs/configuration.md, e.g. `engines.governor.minConfidence`)
 * names in {@link OmniConfigSchema}, found by walking the schema's objects. For an unknown path,
 * `known` lists the fields of the deepest object reached (for the error message).
 */
export function configFieldKind(path: string): ConfigFieldKind {
  const refused = REFUSED.find((r) => path === r.prefix || path.startsWith(`${r.prefix}.`));
  if (refused) return { kind: 'refused', why: refused.why };
  let node = unwrap(OmniConfigSchema as unknown as SchemaNode);
  const parts = path.split('.');
  for (const [i, part] of parts.entries()) {
    const shape = node.shape;
    const child = shape !== undefined && Object.hasOwn(shape, part) ? shape[part] : undefined;
    if (shape === undefined || child === undefined) {
      const prefix = parts.slice(0, i).join('.');
      return {
        kind: 'unknown',
        known: Object.keys(shape ?? {}).map((k) => (prefix === '' ? k : `${prefix}.${k}`)),
      };
    }
    node = unwrap(child);
  }
  if (node.type === 'object' && node.shape !== undefined) {
    return { kind: 'object', fields: Object.keys(node.shape).map((k) => `${path}.${k}`) };
  }
  return { kind: 'field' };
}

/** `{"a.b": 1, "a.c": 2}` → `{a: {b: 1, c: 2}}`: a parameter set in the shape of `loadConfig`'s overrides. */
export function nestParameters(parameters: Readonly<Record<string, SweepValue>>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(parameters)) {
    const parts = path.split('.');
    let node = root;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      if (typeof next === 'object' && next !== null) node = next as Record<string, unknown>;
      else {
        const created: Record<string, unknown> = {};
        node[part] = created;
        node = created;
      }
    }
    node[parts[parts.length - 1] as string] = value;
  }
  return root;
}

/**
 * Why the schema refuses `value` at `path` (the messages of its issues), or undefined when it
 * accepts it. Checked on its own (every other field at its default).
 */
export function refusedValue(path: string, value: SweepValue): string | undefined {
  const result = OmniConfigSchema.safeParse(nestParameters({ [path]: value }));
  if (result.success) return undefined;
  return result.error.issues.map((i) => i.message).join('; ');
}
