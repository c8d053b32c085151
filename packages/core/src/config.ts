import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { CredentialsSchema } from './config-credentials.js';
import { LiveSettingsSchema } from './config-live.js';
import { readEnvFile } from './env-file.js';
import { ConfigError } from './errors.js';
import { ModeSchema } from './market.js';
import { Secret } from './secret.js';

/** Hard limits enforced by SafetyManager. */
export const RiskLimitsSchema = z.strictObject({
  maxDailyLossUsd: z.number().positive().default(200),
  maxDailyTrades: z.number().int().positive().default(50),
  maxLossStreak: z.number().int().positive().default(5),
  maxStakeUsd: z.number().positive().default(25),
  maxOpenPositions: z.number().int().positive().default(3),
  maxExposurePerMarketUsd: z.number().positive().default(500),
  /**
   * Open USD at risk on one symbol in one direction, across engines: a binary CALL and a spot BUY
   * of EURUSD are one long EURUSD bet, so correlated positions count together here.
   */
  maxExposurePerSymbolUsd: z.number().positive().default(500),
  /**
   * Open positions at once on one setup (symbol × engine × the decision's `setupKey`, e.g. one fib
   * swing leg and level). 1: a setup that stays valid for several ticks trades once, not once a tick.
   */
  maxPositionsPerSetup: z.number().int().positive().default(1),
  /**
   * Freeze trading when a cap trips (EmergencyShutdownController: pending orders cancelled, only an
   * operator's unfreeze lifts it) instead of the default reduce-only cooldown.
   */
  freezeOnCapTrip: z.boolean().default(false),
  /** Largest fraction of the balance one trade may risk. */
  maxBalanceFractionPerTrade: z.number().gt(0).max(1).default(0.02),
  /** No trading when the newest tick is older than this (by the injected clock). */
  staleDataMs: z.number().int().positive().default(300_000),
  /**
   * Start of the trading session, `HH:MM` UTC: caps named daily (loss, trade count) and the loss
   * streak count within one session, from this time to the same time the next day. Default `00:00`
   * (the UTC day); `22:00` follows the FX day that starts at the New York close.
   */
  sessionStartUtc: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (UTC), e.g. 00:00 or 22:00')
    .default('00:00'),
});

/** Per-engine settings: payouts, fees, gas. */
export const EngineSettingsSchema = z.strictObject({
  binary: z
    .strictObject({
      /** Payout ratio on a win: 0.8 pays 80% of the stake on top of the stake back. */
      payout: z.number().gt(0).max(5).default(0.8),
      defaultExpirySec: z
        .number()
        .int()
        .min(60)
        .max(86_400 * 7)
        .default(300),
      /** What a tie (settle price == entry price) does: refund the stake, or count as a loss. */
      tieRule: z.enum(['refund', 'loss']).default('refund'),
      maxLadderDepth: z.number().int().min(1).max(10).default(3),
      kellyFraction: z.number().gt(0).max(1).default(0.25),
    })
    .prefault({}),
  spot: z
    .strictObject({
      commissionBps: z.number().nonnegative().default(1),
      slippageBps: z.number().nonnegative().default(0.5),
      riskPerTradeFraction: z.number().gt(0).max(0.1).default(0.01),
      /**
       * How much larger than approved the risk may be at the actual fill (size × |fill − stop| with
       * costs, in USD) before the order is cancelled: 0.25 = 25 % more. A fill at or beyond the stop
       * is always cancelled.
       */
      fillRiskTolerance: z.number().min(0).max(10).default(0.25),
    })
    .prefault({}),
  arbitrage: z
    .strictObject({
      gasPriceGwei: z.number().nonnegative().default(20),
      gasLimit: z.number().int().positive().default(250_000),
      ethUsd: z.number().positive().default(3000),
      minProfitUsd: z.number().nonnegative().default(1),
    })
    .prefault({}),
  governor: z
    .strictObject({
      /** Trades below this calibrated confidence are not taken. */
      minConfidence: z.number().min(0).max(1).default(0.55),
      explorationEpsilon: z.number().min(0).max(1).default(0.05),
    })
    .prefault({}),
});

/**
 * The whole engine configuration. This schema is the single source of truth: the type, the
 * defaults and the validation all come from it; `docs/configuration.md` documents every field.
 */
export const OmniConfigSchema = z.strictObject({
  mode: ModeSchema.default('shadow'),
  seed: z.number().int().default(42),
  symbols: z.array(z.string().min(1)).min(1).default(['EURUSD']),
  startingBalanceUsd: z.number().positive().default(10_000),
  logDir: z.string().min(1).default('./omni-logs'),
  seqModelOnnx: z.string().min(1).optional(),
  credentials: CredentialsSchema.prefault({}),
  risk: RiskLimitsSchema.prefault({}),
  engines: EngineSettingsSchema.prefault({}),
  /** The live modes: the explicit opt-in, micro-live's caps, scaled-live's promotion rule and ramp (docs/modes). */
  live: LiveSettingsSchema.prefault({}),
  /** What the journals record; unset keeps each mode's default. */
  journal: z
    .strictObject({
      /**
       * decisions.jsonl: `all` decisions with their inputs, or the `actions` (the rest counted in
       * hash-chained checkpoint lines). Unset: `actions` in backtests, `all` in shadow and live.
       */
      decisions: z.enum(['actions', 'all']).optional(),
    })
    .optional(),
});

/** The validated configuration (secrets wrapped in {@link Secret}). */
export type OmniConfig = z.output<typeof OmniConfigSchema>;
/** What a JSON config file may contain (every field optional). */
export type OmniConfigInput = z.input<typeof OmniConfigSchema>;

import {
  type ConfigWarning,
  emitConfigWarning,
  envToObject,
  findBinding,
  isSecretPath,
  unknownEnvWarnings,
} from './config-env.js';

export { type ConfigWarning, ENV_BINDINGS, type EnvBinding } from './config-env.js';

/** Where {@link loadConfig} reads from. */
export interface LoadConfigOptions {
  /** Environment variables; defaults to `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** A `.env` file; defaults to `<cwd>/.env` when it exists; `false` to skip. */
  envFile?: string | false;
  /** A JSON config file; defaults to `$OMNI_CONFIG` when set. */
  configFile?: string;
  /** Directory relative paths are resolved from; defaults to `process.cwd()`. */
  cwd?: string;
  /** Values that override everything (e.g. CLI flags), in the JSON file's shape. */
  overrides?: OmniConfigInput;
  /**
   * Receives each {@link ConfigWarning} (unknown `OMNI_*` variables). Default: `process.emitWarning`,
   * so a misspelled variable is never ignored silently.
   */
  onWarning?: (warning: ConfigWarning) => void;
}

type Layer = { label: string; values: Record<string, unknown> };

/**
 * Loads and validates the configuration.
 *
 * Precedence, lowest to highest: schema defaults < JSON config file < `.env` file < process
 * environment < `overrides`. Every source is validated on its own, so a bad value is an error even
 * when a higher source replaces it (`OMNI_MODE=yolo` fails whatever mode a command forces). Every
 * problem is reported at once in one {@link ConfigError} whose details name the field, the
 * environment variable and the source of the bad value; secret values are never echoed. A
 * `seqModelOnnx` (`SEQ_MODEL_ONNX`) must name an existing file (relative to `cwd`). Unknown `OMNI_*`
 * variables are reported to `onWarning` with the closest known name.
 *
 * @example
 * const config = loadConfig({ configFile: 'omni.config.json' });
 * config.mode; // 'shadow' unless set
 */
export function loadConfig(options: LoadConfigOptions = {}): OmniConfig {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const warn = options.onWarning ?? emitConfigWarning;
  const layers: Layer[] = [];

  const configFile = options.configFile ?? env['OMNI_CONFIG'];
  if (configFile) {
    const path = resolve(cwd, configFile);
    layers.push({ label: `config file ${path}`, values: readJsonConfig(path) });
  }
  if (options.envFile !== false) {
    const path = resolve(cwd, options.envFile ?? '.env');
    const fileEnv = readEnvFile(path);
    if (fileEnv) {
      const label = `.env file ${path}`;
      layers.push({ label, values: envToObject(fileEnv) });
      for (const w of unknownEnvWarnings(fileEnv, label)) warn(w);
    } else if (options.envFile !== undefined) {
      throw new ConfigError(
        'CONFIG_ENV_FILE_UNREADABLE',
        'the .env file named in the options does not exist',
        {
          file: path,
        },
      );
    }
  }
  layers.push({ label: 'environment', values: envToObject(env) });
  for (const w of unknownEnvWarnings(env, 'environment')) warn(w);
  if (options.overrides)
    layers.push({ label: 'overrides', values: options.overrides as Record<string, unknown> });

  // Each source on its own first: a bad value must not hide behind a higher source replacing it.
  const details: string[] = [];
  for (const layer of layers) {
    const result = OmniConfigSchema.safeParse(layer.values);
    if (!result.success) {
      for (const issue of result.error.issues) {
        details.push(describeIssue(issue, layer.values, () => layer.label));
      }
    }
  }
  const sources = new Map<string, string>();
  const merged: Record<string, unknown> = {};
  for (const layer of layers) deepMerge(merged, layer.values, [], layer.label, sources);
  const model = merged['seqModelOnnx'];
  if (typeof model === 'string' && model !== '' && !isFile(resolve(cwd, model))) {
    const from = sources.get('seqModelOnnx');
    details.push(
      `seqModelOnnx [env SEQ_MODEL_ONNX${from ? `, from ${from}` : ''}]: no model file at ${resolve(cwd, model)}; train one (omni train), fix the path, or unset SEQ_MODEL_ONNX`,
    );
  }
  if (details.length > 0) throw invalidConfig(details);
  return parseConfig(merged, sources);
}

/**
 * Validates an already-assembled config object (e.g. from a test or an embedding bot).
 * Throws the same {@link ConfigError} as {@link loadConfig}.
 */
export function parseConfig(input: unknown, sources: ReadonlyMap<string, string> = new Map()): OmniConfig {
  const result = OmniConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) =>
    describeIssue(issue, input, (field) => sources.get(field)),
  );
  throw invalidConfig(details);
}

function invalidConfig(details: string[]): ConfigError {
  return new ConfigError(
    'CONFIG_INVALID',
    `the configuration has ${details.length} problem${details.length === 1 ? '' : 's'}; fix them and start again`,
    {},
    { details },
  );
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function describeIssue(
  issue: z.core.$ZodIssue,
  input: unknown,
  sourceOf: (field: string) => string | undefined,
): string {
  const pathParts = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const base = pathParts.join('.') || '(top level)';
    return `${base}: unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.join(', ')} (check the spelling against docs/configuration.md)`;
  }
  const field = pathParts.join('.') || '(top level)';
  const binding = findBinding(pathParts);
  const source = sourceOf(field) ?? sourceOf(pathParts.slice(0, -1).join('.'));
  const where = [binding ? `env ${binding.env}` : undefined, source ? `from ${source}` : undefined]
    .filter(Boolean)
    .join(', ');
  let text = `${field}${where ? ` [${where}]` : ''}: ${issue.message}`;
  if (!binding?.secret && !isSecretPath(pathParts)) {
    const got = valueAt(input, issue.path);
    if (got !== undefined) text += `, got ${JSON.stringify(got)}`;
  }
  return text;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function deepMerge(
  target: Record<string, unknown>,
  source: Record<string, unknown>,
  path: string[],
  label: string,
  sources: Map<string, string>,
): void {
  for (const [key, value] of Object.entries(source)) {
    // Never a config key (the schema reports it as unknown); merging it would write into Object.prototype.
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    const here = [...path, key];
    if (isPlainObject(value)) {
      const existing = Object.hasOwn(target, key) ? target[key] : undefined;
      if (!isPlainObject(existing)) target[key] = {};
      deepMerge(target[key] as Record<string, unknown>, value, here, label, sources);
    } else {
      target[key] = value;
      sources.set(here.join('.'), label);
    }
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Secret);
}

function readJsonConfig(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
    // Editors on Windows often save UTF-8 with a byte order mark, which JSON.parse refuses.
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  } catch (err) {
    throw new ConfigError(
      'CONFIG_FILE_UNREADABLE',
      'cannot read the JSON config file',
      { file: path },
      { cause: err },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(
      'CONFIG_FILE_INVALID_JSON',
      `the config file is not valid JSON: ${(err as Error).message}`,
      { file: path },
      { cause: err },
    );
  }
  if (!isPlainObject(parsed)) {
    throw new ConfigError('CONFIG_FILE_INVALID_JSON', 'the config file must hold a JSON object', {
      file: path,
    });
  }
  return parsed;
}
