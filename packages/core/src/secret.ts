const REDACTED = '[redacted]';
const inspectCustom = Symbol.for('nodejs.util.inspect.custom');

/** Every secret value created in this process, so that stray copies can be scrubbed from text. */
const registry = new Set<string>();
/** Values shorter than this are not scrubbed from free text (they would match ordinary words). */
const MIN_SCRUB_LENGTH = 6;

/**
 * A credential (key, token, password) that never prints itself.
 *
 * `toString`, `toJSON`, template literals and `util.inspect` all give `[redacted]`; only
 * {@link Secret.reveal} returns the value, and only code that hands it to a broker should call it.
 *
 * @example
 * const token = new Secret(process.env.POCKET_TOKEN ?? '');
 * console.log(`${token}`); // [redacted]
 * ws.send(JSON.stringify({ authorize: token.reveal() }));
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
    if (value.length >= MIN_SCRUB_LENGTH) registry.add(value);
  }

  /** The real value. Call it only at the point where it goes to the broker or chain. */
  reveal(): string {
    return this.#value;
  }

  /** True when the secret holds a non-empty value. */
  get isSet(): boolean {
    return this.#value.length > 0;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  [inspectCustom](): string {
    return `Secret(${REDACTED})`;
  }
}

/**
 * Replaces every registered secret value found in `text` with `[redacted]`.
 *
 * Defence in depth for text that did not come from our own formatting (a library's error
 * message that echoes a URL with a key in it, say). O(secrets × text length).
 */
export function scrubSecrets(text: string): string {
  if (registry.size === 0) return text;
  let out = text;
  for (const value of registry) {
    if (out.includes(value)) out = out.split(value).join(REDACTED);
  }
  return out;
}

/** True when any secret has been registered in this process (lets hot paths skip scrubbing). */
export function hasRegisteredSecrets(): boolean {
  return registry.size > 0;
}

/** The string every secret prints as. */
export const REDACTED_TEXT = REDACTED;
