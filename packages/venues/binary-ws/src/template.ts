/** A JSON value, as a request template holds it. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/** Every placeholder a request template may use. */
export const PLACEHOLDERS = [
  'token',
  'reqId',
  'clientId',
  'symbol',
  'direction',
  'stake',
  'currency',
  'duration',
  'durationUnit',
  'maxPrice',
  'contractId',
  'sinceMs',
  'sinceSec',
] as const;
/** A placeholder name, as written between `{{` and `}}`. */
export type Placeholder = (typeof PLACEHOLDERS)[number];
/** The values one request fills in. */
export type TemplateValues = Readonly<Partial<Record<Placeholder, string | number>>>;

/** One `{{name}}` found in a template, with where it sits (object keys and array indexes). */
export interface PlaceholderUse {
  readonly name: string;
  readonly path: readonly (string | number)[];
}

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
const WHOLE = /^\{\{([^{}]*)\}\}$/;

/** Every `{{...}}` in `template`'s string values and keys (keys are reported so the check can refuse them). */
export function placeholderUses(
  template: JsonValue,
  path: readonly (string | number)[] = [],
): PlaceholderUse[] {
  if (typeof template === 'string') {
    return [...template.matchAll(PLACEHOLDER)].map((m) => ({ name: m[1] ?? '', path }));
  }
  if (Array.isArray(template)) return template.flatMap((item, i) => placeholderUses(item, [...path, i]));
  if (typeof template === 'object' && template !== null) {
    return Object.entries(template).flatMap(([key, value]) => [
      ...[...key.matchAll(PLACEHOLDER)].map((m) => ({ name: `key:${m[1] ?? ''}`, path: [...path, key] })),
      ...placeholderUses(value, [...path, key]),
    ]);
  }
  return [];
}

/**
 * The request `template` with its placeholders filled from `values`. A string that is exactly one
 * placeholder takes the value with its type (`"{{stake}}"` → `10`); a placeholder inside a longer
 * string is written as text (`"R_{{symbol}}"` → `"R_100"`). The result goes through
 * `JSON.stringify`, so no value can break out of its string (a token with quotes stays one string).
 * Placeholders are checked at load; one without a value here is a bug and throws a TypeError.
 */
export function fillTemplate(template: JsonValue, values: TemplateValues): JsonValue {
  if (typeof template === 'string') {
    const whole = WHOLE.exec(template);
    if (whole) return placeholderValue(whole[1] ?? '', values);
    return template.includes('{{')
      ? template.replace(PLACEHOLDER, (_m, name: string) => String(placeholderValue(name, values)))
      : template;
  }
  if (Array.isArray(template)) return template.map((item) => fillTemplate(item, values));
  if (typeof template === 'object' && template !== null) {
    const out: Record<string, JsonValue> = {};
    for (const [key, value] of Object.entries(template)) out[key] = fillTemplate(value, values);
    return out;
  }
  return template;
}

function placeholderValue(name: string, values: TemplateValues): string | number {
  const value = values[name as Placeholder];
  if (value === undefined)
    throw new TypeError(`no value for placeholder {{${name}}} (checked at load: a bug)`);
  return value;
}
