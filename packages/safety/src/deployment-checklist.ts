import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Clock,
  isLiveMode,
  MARKETS,
  type Market,
  type Mode,
  type OmniConfig,
  RuntimeError,
  SafetyError,
  type Secret,
  scrubSecrets,
} from '@omni/core';

/** Names of the individual checks, in the order they run. */
export type ChecklistCheckName =
  | 'credentials.binary'
  | 'credentials.spot'
  | 'credentials.arbitrage'
  | 'logDir.writable'
  | 'model.valid'
  | 'rlState.readable'
  | 'limits.sane'
  | 'clock.sane';

/** One check's result. `detail` never contains a secret value (credentials say "set"/"missing"). */
export interface ChecklistCheck {
  readonly name: ChecklistCheckName;
  readonly passed: boolean;
  readonly detail: string;
}

/** All check results and whether every one passed. */
export interface ChecklistResult {
  readonly checks: readonly ChecklistCheck[];
  readonly allPassed: boolean;
}

/** What a model validator reports (inject `@omni/sequence`'s contract check; safety does not depend on it). */
export type ModelValidation =
  | { readonly ok: true; readonly detail?: string }
  | { readonly ok: false; readonly reason: string };

/** Injected dependencies of {@link DeploymentChecklist.verify}. */
export interface ChecklistDeps {
  /** The clock the engine will run on. */
  readonly clock: Clock;
  /** A trusted reference time (e.g. an NTP-synced or broker server time). Without it only plausibility is checked. */
  readonly referenceTimeMs?: () => number | Promise<number>;
  /** Largest allowed |clock − reference| in ms. Default 5000. */
  readonly maxClockSkewMs?: number;
  /** Markets whose credentials must be present. Default: all three. */
  readonly markets?: readonly Market[];
  /**
   * The venue each market trades at, when known (`omni live --venue`): its credentials are the ones
   * checked — `deriv`: DERIV_TOKEN and DERIV_APP_ID; `mt5`: MT5_BRIDGE_SECRET (the MT5 login stays in
   * the terminal). Otherwise the specification's defaults (binary: POCKET_TOKEN; spot: MT5_LOGIN,
   * MT5_SERVER, MT5_PASSWORD).
   */
  readonly venues?: Partial<Record<Market, string>>;
  /** Validates `config.seqModelOnnx` against the model contract. Required when a model is configured. */
  readonly validateModel?: (path: string) => Promise<ModelValidation>;
  /** Learner state file to check (e.g. `state/governor.json`): absent is a fresh start, present must load. */
  readonly rlStatePath?: string;
  /**
   * Loads and validates the learner state file, throwing when it cannot be used (inject
   * `(path) => new LearnerStateStore(path).load()` of `@omni/governor`; safety does not depend on it).
   * Required when `rlStatePath` exists: a file that only parses as JSON may still not restore.
   */
  readonly readRlState?: (path: string) => unknown;
}

/** 2020-01-01T00:00:00Z and 2100-01-01T00:00:00Z: a clock outside this range is certainly wrong. */
const PLAUSIBLE_FROM_MS = 1_577_836_800_000;
const PLAUSIBLE_TO_MS = 4_102_444_800_000;

/**
 * The specification's DeploymentChecklist: verifies a configuration is ready for live trading
 * (credentials present, log dir writable, model valid, RL state readable, limits sane, clock
 * sane) and gates live modes with {@link DeploymentChecklist.assertLiveAllowed}.
 *
 * @example
 * const checklist = new DeploymentChecklist();
 * const result = await checklist.verify(config, { clock: new SystemClock(), validateModel });
 * for (const c of result.checks) console.log(c.passed ? 'ok  ' : 'FAIL', c.name, c.detail);
 * checklist.assertLiveAllowed(config.mode, { liveFlag: argv.live });
 */
export class DeploymentChecklist {
  #last: ChecklistResult | undefined;

  /** The result of the latest {@link verify}, if any. */
  get lastResult(): ChecklistResult | undefined {
    return this.#last;
  }

  /** Runs every check (none throws) and remembers the result for {@link assertLiveAllowed}. */
  async verify(config: OmniConfig, deps: ChecklistDeps): Promise<ChecklistResult> {
    const checks: ChecklistCheck[] = [];
    const markets = deps.markets ?? MARKETS;
    for (const market of MARKETS) {
      checks.push(credentialCheck(config, market, markets.includes(market), deps.venues?.[market]));
    }
    checks.push(logDirCheck(config.logDir));
    checks.push(await modelCheck(config.seqModelOnnx, deps.validateModel));
    checks.push(await rlStateCheck(deps.rlStatePath, deps.readRlState));
    checks.push(limitsCheck(config));
    checks.push(await clockCheck(deps));
    const result: ChecklistResult = { checks, allPassed: checks.every((c) => c.passed) };
    this.#last = result;
    return result;
  }

  /**
   * Throws unless `mode` is a live mode, the checklist passed and the operator opted in.
   * RuntimeError `RUNTIME_LIVE_REFUSED` for a non-live mode or a missing flag; SafetyError
   * `SAFETY_CHECKLIST_FAILED` (listing the failing checks) when the checklist did not pass or
   * was never run.
   */
  assertLiveAllowed(
    mode: Mode,
    options: { readonly liveFlag: boolean; readonly result?: ChecklistResult },
  ): void {
    if (!isLiveMode(mode)) {
      throw new RuntimeError('RUNTIME_LIVE_REFUSED', `mode ${mode} is not a live mode`, { mode });
    }
    const result = options.result ?? this.#last;
    if (result === undefined) {
      throw new SafetyError('SAFETY_CHECKLIST_FAILED', 'run the deployment checklist before going live', {
        mode,
      });
    }
    if (!result.allPassed) {
      const failed = result.checks.filter((c) => !c.passed);
      throw new SafetyError(
        'SAFETY_CHECKLIST_FAILED',
        `${failed.length} deployment check(s) failed; fix them (omni check) before going live`,
        { mode },
        { details: failed.map((c) => `${c.name}: ${c.detail}`) },
      );
    }
    if (options.liveFlag !== true) {
      throw new RuntimeError(
        'RUNTIME_LIVE_REFUSED',
        'live trading needs an explicit opt-in (--live); refusing to start',
        { mode },
      );
    }
  }
}

function setOrMissing(value: string | Secret | undefined): 'set' | 'missing' {
  if (value === undefined) return 'missing';
  if (typeof value === 'string') return value.length > 0 ? 'set' : 'missing';
  return value.isSet ? 'set' : 'missing';
}

type CredentialField = [string, string | Secret | undefined];

/** The credentials a market needs at a venue (required), and the ones shown but not required. */
function credentialFields(
  config: OmniConfig,
  market: Market,
  venue: string | undefined,
): { fields: CredentialField[]; optional: CredentialField[] } {
  const c = config.credentials;
  if (market === 'binary' && venue === 'deriv') {
    return {
      fields: [
        ['deriv.token', c.deriv.token],
        ['deriv.appId', c.deriv.appId],
      ],
      optional: [['deriv.wsUrl', c.deriv.wsUrl]],
    };
  }
  if (market === 'binary')
    return { fields: [['pocket.token', c.pocket.token]], optional: [['pocket.baseUrl', c.pocket.baseUrl]] };
  if (market === 'spot' && venue === 'mt5')
    return { fields: [['mt5.bridgeSecret', c.mt5.bridgeSecret]], optional: [] };
  if (market === 'spot') {
    return {
      fields: [
        ['mt5.login', c.mt5.login],
        ['mt5.server', c.mt5.server],
        ['mt5.password', c.mt5.password],
      ],
      optional: [],
    };
  }
  return {
    fields: [
      ['dex.rpcUrl', c.dex.rpcUrl],
      ['dex.privateKey', c.dex.privateKey],
    ],
    // A relay needs both its URL and the separate key that signs the bundles (MEV_AUTH_KEY).
    optional: [
      ['mevRelayUrl', c.mevRelayUrl],
      ['mevAuthKey', c.mevAuthKey],
    ],
  };
}

function credentialCheck(
  config: OmniConfig,
  market: Market,
  required: boolean,
  venue?: string,
): ChecklistCheck {
  const { fields, optional } = credentialFields(config, market, venue);
  const states = [
    ...fields.map(([name, value]) => `${name}: ${setOrMissing(value)}`),
    ...optional.map(([name, value]) => `${name} (optional): ${setOrMissing(value)}`),
  ];
  const allSet = fields.every(([, value]) => setOrMissing(value) === 'set');
  const name = `credentials.${market}` as ChecklistCheckName;
  if (!required) return { name, passed: true, detail: `not required (${states.join(', ')})` };
  return { name, passed: allSet, detail: states.join(', ') };
}

function logDirCheck(dir: string): ChecklistCheck {
  const probe = join(dir, `.omni-write-check-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(probe, 'ok');
    unlinkSync(probe);
    return { name: 'logDir.writable', passed: true, detail: `${dir} is writable` };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    return { name: 'logDir.writable', passed: false, detail: `${dir} is not writable (${code})` };
  }
}

async function modelCheck(
  path: string | undefined,
  validate: ChecklistDeps['validateModel'],
): Promise<ChecklistCheck> {
  const name = 'model.valid';
  if (path === undefined) {
    return { name, passed: true, detail: 'no model configured (the momentum default model is used)' };
  }
  if (validate === undefined) {
    return { name, passed: false, detail: `${path}: no model validator was injected, cannot verify it` };
  }
  try {
    const result = await validate(path);
    return result.ok
      ? { name, passed: true, detail: result.detail ?? `${path} matches the model contract` }
      : { name, passed: false, detail: `${path}: ${result.reason}` };
  } catch (err) {
    return { name, passed: false, detail: `${path}: ${describeError(err)}` };
  }
}

async function rlStateCheck(
  path: string | undefined,
  read: ChecklistDeps['readRlState'],
): Promise<ChecklistCheck> {
  const name = 'rlState.readable';
  if (path === undefined) return { name, passed: true, detail: 'no RL state file configured' };
  if (!existsSync(path)) return { name, passed: true, detail: `${path} does not exist yet (fresh start)` };
  if (read === undefined) {
    return { name, passed: false, detail: `${path}: no learner state reader was injected, cannot verify it` };
  }
  try {
    await read(path);
    return { name, passed: true, detail: `${path} loads as learner state` };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return { name, passed: true, detail: `${path} does not exist yet (fresh start)` };
    }
    return { name, passed: false, detail: `${path}: ${describeError(err)}` };
  }
}

function limitsCheck(config: OmniConfig): ChecklistCheck {
  const r = config.risk;
  const problems: string[] = [];
  const positive: [string, number][] = [
    ['maxDailyLossUsd', r.maxDailyLossUsd],
    ['maxDailyTrades', r.maxDailyTrades],
    ['maxLossStreak', r.maxLossStreak],
    ['maxStakeUsd', r.maxStakeUsd],
    ['maxOpenPositions', r.maxOpenPositions],
    ['maxExposurePerMarketUsd', r.maxExposurePerMarketUsd],
    ['staleDataMs', r.staleDataMs],
  ];
  for (const [key, value] of positive) {
    if (!(Number.isFinite(value) && value > 0))
      problems.push(`${key} must be a positive number, got ${value}`);
  }
  if (!(r.maxBalanceFractionPerTrade > 0 && r.maxBalanceFractionPerTrade <= 1)) {
    problems.push(`maxBalanceFractionPerTrade must be in (0, 1], got ${r.maxBalanceFractionPerTrade}`);
  }
  if (r.maxStakeUsd > r.maxDailyLossUsd) {
    problems.push(`maxStakeUsd ${r.maxStakeUsd} is above maxDailyLossUsd ${r.maxDailyLossUsd}`);
  }
  if (r.maxStakeUsd > r.maxExposurePerMarketUsd) {
    problems.push(
      `maxStakeUsd ${r.maxStakeUsd} is above maxExposurePerMarketUsd ${r.maxExposurePerMarketUsd}`,
    );
  }
  if (r.maxDailyLossUsd > config.startingBalanceUsd) {
    problems.push(
      `maxDailyLossUsd ${r.maxDailyLossUsd} is above the starting balance ${config.startingBalanceUsd}`,
    );
  }
  if (r.maxLossStreak > r.maxDailyTrades) {
    problems.push(`maxLossStreak ${r.maxLossStreak} is above maxDailyTrades ${r.maxDailyTrades}`);
  }
  const b = config.engines.binary;
  if (!(b.payout > 0)) problems.push(`engines.binary.payout must be > 0, got ${b.payout}`);
  return problems.length === 0
    ? {
        name: 'limits.sane',
        passed: true,
        detail: `max stake ${r.maxStakeUsd} USD, max daily loss ${r.maxDailyLossUsd} USD, max ${r.maxDailyTrades} trades/day`,
      }
    : { name: 'limits.sane', passed: false, detail: problems.join('; ') };
}

async function clockCheck(deps: ChecklistDeps): Promise<ChecklistCheck> {
  const name = 'clock.sane';
  const now = deps.clock.nowMs();
  if (!Number.isFinite(now) || now < PLAUSIBLE_FROM_MS || now > PLAUSIBLE_TO_MS) {
    return { name, passed: false, detail: `clock reads ${now}, outside 2020..2100` };
  }
  if (deps.referenceTimeMs === undefined) {
    return {
      name,
      passed: true,
      detail: `clock reads ${new Date(now).toISOString()} (no reference to compare)`,
    };
  }
  const maxSkew = deps.maxClockSkewMs ?? 5000;
  try {
    const reference = await deps.referenceTimeMs();
    const skew = Math.abs(now - reference);
    return skew <= maxSkew
      ? { name, passed: true, detail: `skew ${skew} ms against the reference (limit ${maxSkew} ms)` }
      : { name, passed: false, detail: `skew ${skew} ms against the reference exceeds ${maxSkew} ms` };
  } catch (err) {
    return {
      name,
      passed: false,
      detail: `reference time unavailable: ${describeError(err)}`,
    };
  }
}

/** An error's message, scrubbed of any registered secret value. */
function describeError(err: unknown): string {
  return scrubSecrets(err instanceof Error ? err.message : String(err));
}
