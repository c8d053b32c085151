/** A dot path into a JSON message, e.g. `trade.id` or `trades.0.cost` (a number segment indexes an array). */
export const DOT_PATH_PATTERN = /^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/;

/** A dot path split once into its segments, so reading it allocates nothing. */
export type CompiledPath = readonly string[];

/** Splits a dot path (checked against {@link DOT_PATH_PATTERN} at load) into its segments. */
export function compilePath(path: string): CompiledPath {
  return path.split('.');
}

/**
 * The value at `path` in `value`, or `undefined` when any step is missing. Objects and arrays are
 * walked alike (`trades.0` is the first trade); a step into a string or number finds nothing.
 */
export function readPath(value: unknown, path: CompiledPath): unknown {
  let current = value;
  for (let i = 0; i < path.length; i++) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[path[i] as string];
  }
  return current;
}

/** A number at `path`: a JSON number or a numeric string (`"10.50"`); `undefined` otherwise. */
export function readNumber(value: unknown, path: CompiledPath): number | undefined {
  const raw = readPath(value, path);
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** An identifier at `path` as a string: a non-empty string or a finite number; `undefined` otherwise. */
export function readId(value: unknown, path: CompiledPath): string | undefined {
  const raw = readPath(value, path);
  if (typeof raw === 'string') return raw.length > 0 ? raw : undefined;
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  return undefined;
}
