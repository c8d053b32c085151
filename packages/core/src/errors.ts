import { scrubSecrets } from './secret.js';

/**
 * Every error code the engine can raise, grouped by area. Codes are stable identifiers: match on
 * them in code, quote them in issues. The table in `docs/errors.md` says what each one means and
 * what to do about it.
 */
export const ERROR_CODES = {
  config: [
    'CONFIG_INVALID',
    'CONFIG_FILE_UNREADABLE',
    'CONFIG_FILE_INVALID_JSON',
    'CONFIG_ENV_FILE_UNREADABLE',
  ],
  feed: [
    'FEED_BAD_PRICE',
    'FEED_CROSSED_BOOK',
    'FEED_NON_MONOTONIC',
    'FEED_DUPLICATE',
    'FEED_SPIKE',
    'FEED_MALFORMED_ROW',
    'FEED_UNREADABLE',
    'FEED_LATE_TICK',
    'FEED_STALE',
    'FEED_CONNECTION',
    'FEED_PROTOCOL',
    'FEED_BAD_OPTION',
  ],
  data: ['DATA_SOURCE_INVALID', 'DATA_ROW_INVALID'],
  feature: ['FEATURE_BAD_INPUT', 'FEATURE_BAD_OPTION'],
  model: [
    'MODEL_NOT_FOUND',
    'MODEL_CORRUPT',
    'MODEL_CONTRACT_MISMATCH',
    'MODEL_INFERENCE_FAILED',
    'MODEL_TRAINING_FAILED',
    'MODEL_RUNTIME_UNAVAILABLE',
    'MODEL_PROMOTION_REFUSED',
    'MODEL_BAD_OPTION',
  ],
  analysis: ['ANALYSIS_BAD_INPUT', 'ANALYSIS_BAD_OPTION'],
  governor: ['GOVERNOR_BAD_STATE', 'GOVERNOR_BAD_OPTION', 'GOVERNOR_BAD_INPUT'],
  safety: [
    'SAFETY_LIMIT_BREACHED',
    'SAFETY_COOLDOWN',
    'SAFETY_FROZEN',
    'SAFETY_REDUCE_ONLY',
    'SAFETY_CHECKLIST_FAILED',
    'SAFETY_STATE_INVALID',
    'SAFETY_RESET_REFUSED',
    'SAFETY_STALE_DATA',
    'SAFETY_BROKER_UNHEALTHY',
  ],
  execution: [
    'EXECUTION_NO_EXECUTOR',
    'EXECUTION_REJECTED',
    'EXECUTION_BROKER_ERROR',
    'EXECUTION_TIMEOUT',
    'EXECUTION_SETTLEMENT_FAILED',
    'EXECUTION_BAD_INPUT',
    'EXECUTION_VENUE_UNAVAILABLE',
    'EXECUTION_DUPLICATE_ORDER',
  ],
  journal: [
    'JOURNAL_WRITE_FAILED',
    'JOURNAL_CORRUPT_LINE',
    'JOURNAL_CLOSED',
    'JOURNAL_UNREADABLE',
    'JOURNAL_BAD_OPTION',
  ],
  state: ['STATE_UNREADABLE', 'STATE_INVALID', 'STATE_NEWER_VERSION', 'STATE_WRITE_FAILED'],
  runtime: ['RUNTIME_BAD_INPUT', 'RUNTIME_NOT_STARTED', 'RUNTIME_LIVE_REFUSED'],
} as const;

/** Every error area: one subclass of {@link OmniError} each. */
export type ErrorArea = keyof typeof ERROR_CODES;
/** Codes of one area. */
export type ErrorCodeOf<A extends ErrorArea> = (typeof ERROR_CODES)[A][number];
/** Every code of every area. */
export type OmniErrorCode = ErrorCodeOf<ErrorArea>;

/** Structured, secret-free facts about where an error happened (file, line, field, symbol...). */
export type ErrorContext = Readonly<Record<string, unknown>>;

/** Options common to every {@link OmniError}. */
export interface OmniErrorOptions {
  /** Extra lines a person reads after the message, e.g. one per invalid config field. */
  details?: readonly string[];
  /** The underlying error, kept as a walkable `cause` chain. */
  cause?: unknown;
}

/**
 * Base class of every error the engine throws on purpose.
 *
 * `shortMessage` says what went wrong; `context` says where (file, line, field...); `details`
 * lists every individual problem. The full `message` combines them and is scrubbed of any
 * registered secret value, so it is always safe to print or journal.
 *
 * @example
 * throw new FeedError('FEED_NON_MONOTONIC', 'tick is older than the previous one', { file, line, tsMs });
 */
/**
 * The brand of every OmniError, in the global symbol registry: the ESM and CJS builds of this
 * package (or two installed copies) each have their own `OmniError` class, and an error thrown by
 * one must still be an OmniError to the other (`isOmniError`, `instanceof OmniError`).
 */
const OMNI_ERROR_BRAND: unique symbol = Symbol.for('@omni/core:OmniError') as never;

export class OmniError<C extends string = OmniErrorCode> extends Error {
  /**
   * `instanceof OmniError` recognises an OmniError of any copy of this package by its brand;
   * `instanceof` a subclass keeps the prototype-chain rule.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class `instanceof` asks about; a subclass keeps the prototype rule
    if (this !== OmniError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[OMNI_ERROR_BRAND] === true
    );
  }

  declare readonly [OMNI_ERROR_BRAND]: true;
  override readonly name: string = 'OmniError';
  readonly code: C;
  readonly shortMessage: string;
  readonly context: ErrorContext;
  readonly details: readonly string[];

  constructor(code: C, shortMessage: string, context: ErrorContext = {}, options: OmniErrorOptions = {}) {
    const safeShort = scrubSecrets(shortMessage);
    const safeDetails = (options.details ?? []).map(scrubSecrets);
    const safeContext = sanitizeContext(context);
    super(composeMessage(code, safeShort, safeContext, safeDetails), { cause: options.cause });
    this.code = code;
    this.shortMessage = safeShort;
    this.context = safeContext;
    this.details = safeDetails;
  }

  static {
    Object.defineProperty(OmniError.prototype, OMNI_ERROR_BRAND, { value: true, enumerable: false });
  }

  /** Walks the `cause` chain and returns the first error matching `predicate`, if any. */
  walk(predicate: (err: unknown) => boolean = () => true): unknown {
    let current: unknown = this.cause;
    const seen = new Set<unknown>();
    while (current !== undefined && current !== null && !seen.has(current)) {
      if (predicate(current)) return current;
      seen.add(current);
      current = current instanceof Error ? current.cause : undefined;
    }
    return undefined;
  }

  /** A plain, secret-free object for journals and JSON output. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.shortMessage,
      context: this.context,
      details: this.details,
    };
  }
}

function composeMessage(
  code: string,
  short: string,
  context: ErrorContext,
  details: readonly string[],
): string {
  const where = Object.entries(context)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${formatContextValue(v)}`)
    .join(' ');
  let message = `[${code}] ${short}`;
  if (where) message += ` (${where})`;
  if (details.length > 0) message += `\n${details.map((d) => `  - ${d}`).join('\n')}`;
  return message;
}

function formatContextValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'object' && value !== null) {
    try {
      return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
    } catch {
      return '[unserialisable]';
    }
  }
  return String(value);
}

function sanitizeContext(context: ErrorContext): ErrorContext {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(context)) {
    out[key] = typeof value === 'string' ? scrubSecrets(value) : value;
  }
  return Object.freeze(out);
}

/** The constructor of one area's error class, as {@link defineErrorArea} returns it. */
export type AreaErrorClass<C extends string> = {
  new (code: C, shortMessage: string, context?: ErrorContext, options?: OmniErrorOptions): OmniError<C>;
  /** The codes this area may raise. */
  readonly codes: readonly C[];
};

const AREA_CODES = new Map<string, ReadonlySet<string>>();

/**
 * Defines the error class of one area with its own code union — the extension point for packages
 * outside core (a venue: `defineErrorArea('DerivError', ['DERIV_AUTH_FAILED', ...])`). Codes must be
 * SCREAMING_SNAKE_CASE and belong to one area only; a code outside the list is a TypeError at the
 * throw site (a bug, not a runtime condition).
 *
 * @example
 * export const DerivErrorCodes = ['DERIV_AUTH_FAILED', 'DERIV_RATE_LIMITED'] as const;
 * export class DerivError extends defineErrorArea('DerivError', DerivErrorCodes) {}
 * throw new DerivError('DERIV_AUTH_FAILED', 'the token was refused', { appId });
 */
export function defineErrorArea<const C extends string>(
  className: string,
  codes: readonly C[],
): AreaErrorClass<C> {
  for (const code of codes) {
    if (!/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/.test(code)) {
      throw new TypeError(
        `error code ${code} of ${className} must be SCREAMING_SNAKE_CASE with an area prefix`,
      );
    }
    for (const [owner, owned] of AREA_CODES) {
      if (owner !== className && owned.has(code)) {
        throw new TypeError(`error code ${code} of ${className} already belongs to ${owner}`);
      }
    }
  }
  const allowed = new Set<string>(codes);
  AREA_CODES.set(className, allowed);
  class AreaError extends OmniError<C> {
    static readonly codes: readonly C[] = codes;
    override readonly name: string = className;
    constructor(code: C, shortMessage: string, context: ErrorContext = {}, options: OmniErrorOptions = {}) {
      if (!allowed.has(code)) throw new TypeError(`${className} does not take code ${code}`);
      super(code, shortMessage, context, options);
    }
  }
  return AreaError;
}

/** One subclass per core area, with the codes of {@link ERROR_CODES}. */
function areaError<A extends ErrorArea>(area: A, className: string): AreaErrorClass<ErrorCodeOf<A>> {
  return defineErrorArea<ErrorCodeOf<A>>(className, ERROR_CODES[area]);
}

/** Invalid or unreadable configuration: env variables, `.env`, JSON config file. */
export class ConfigError extends areaError('config', 'ConfigError') {}
/** A tick, row or message from a price feed that is malformed, out of order or unreachable. */
export class FeedError extends areaError('feed', 'FeedError') {}
/** A bundled or extracted data set that is malformed. */
export class DataError extends areaError('data', 'DataError') {}
/** Bad input or options to a feature/indicator. */
export class FeatureError extends areaError('feature', 'FeatureError') {}
/** A sequence model that is missing, corrupt, off-contract or failing at inference or training. */
export class ModelError extends areaError('model', 'ModelError') {}
/** Bad input or options to the Fibonacci / pattern analysis. */
export class AnalysisError extends areaError('analysis', 'AnalysisError') {}
/** Inconsistent governor state or options. */
export class GovernorError extends areaError('governor', 'GovernorError') {}
/** A safety cap, cooldown, freeze or failed deployment check. */
export class SafetyError extends areaError('safety', 'SafetyError') {}
/** An order that could not be placed, was rejected, or could not be settled. */
export class ExecutionError extends areaError('execution', 'ExecutionError') {}
/** A journal that cannot be written or read. */
export class JournalError extends areaError('journal', 'JournalError') {}
/** A persisted state file that is unreadable, invalid or from a newer version. */
export class StateError extends areaError('state', 'StateError') {}
/** Misuse of the runtime: bad input, wrong lifecycle, live mode refused. */
export class RuntimeError extends areaError('runtime', 'RuntimeError') {}

/** True when `err` is an {@link OmniError}, optionally with the given code. */
export function isOmniError(err: unknown, code?: OmniErrorCode | (string & {})): err is OmniError<string> {
  return err instanceof OmniError && (code === undefined || err.code === code);
}
