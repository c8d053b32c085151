/**
 * The environment side of the configuration: which variable sets which field, how its text is
 * converted, and the warnings for `OMNI_*` variables that no setting reads.
 */

export type EnvKind = 'string' | 'number' | 'list' | 'boolean';

/** One environment variable and the config field it sets. */
export interface EnvBinding {
  readonly env: string;
  readonly path: readonly string[];
  readonly kind: EnvKind;
  readonly secret?: boolean;
}

/** Every environment variable the engine reads, and the config field it sets. */
export const ENV_BINDINGS: readonly EnvBinding[] = [
  { env: 'OMNI_MODE', path: ['mode'], kind: 'string' },
  { env: 'OMNI_SEED', path: ['seed'], kind: 'number' },
  { env: 'OMNI_SYMBOLS', path: ['symbols'], kind: 'list' },
  { env: 'OMNI_STARTING_BALANCE_USD', path: ['startingBalanceUsd'], kind: 'number' },
  { env: 'OMNI_LOG_DIR', path: ['logDir'], kind: 'string' },
  { env: 'SEQ_MODEL_ONNX', path: ['seqModelOnnx'], kind: 'string' },
  { env: 'MT5_LOGIN', path: ['credentials', 'mt5', 'login'], kind: 'string' },
  { env: 'MT5_SERVER', path: ['credentials', 'mt5', 'server'], kind: 'string' },
  { env: 'MT5_PASSWORD', path: ['credentials', 'mt5', 'password'], kind: 'string', secret: true },
  { env: 'MT5_BRIDGE_SECRET', path: ['credentials', 'mt5', 'bridgeSecret'], kind: 'string', secret: true },
  { env: 'DERIV_WS_URL', path: ['credentials', 'deriv', 'wsUrl'], kind: 'string' },
  { env: 'DERIV_APP_ID', path: ['credentials', 'deriv', 'appId'], kind: 'string' },
  { env: 'DERIV_TOKEN', path: ['credentials', 'deriv', 'token'], kind: 'string', secret: true },
  { env: 'POCKET_TOKEN', path: ['credentials', 'pocket', 'token'], kind: 'string', secret: true },
  { env: 'POCKET_BASE_URL', path: ['credentials', 'pocket', 'baseUrl'], kind: 'string', secret: true },
  { env: 'DEX_RPC', path: ['credentials', 'dex', 'rpcUrl'], kind: 'string', secret: true },
  { env: 'DEX_PRIVKEY', path: ['credentials', 'dex', 'privateKey'], kind: 'string', secret: true },
  { env: 'MEV_RELAY_URL', path: ['credentials', 'mevRelayUrl'], kind: 'string', secret: true },
  { env: 'MEV_AUTH_KEY', path: ['credentials', 'mevAuthKey'], kind: 'string', secret: true },
  { env: 'OMNI_MAX_DAILY_LOSS_USD', path: ['risk', 'maxDailyLossUsd'], kind: 'number' },
  { env: 'OMNI_MAX_DAILY_TRADES', path: ['risk', 'maxDailyTrades'], kind: 'number' },
  { env: 'OMNI_MAX_LOSS_STREAK', path: ['risk', 'maxLossStreak'], kind: 'number' },
  { env: 'OMNI_MAX_STAKE_USD', path: ['risk', 'maxStakeUsd'], kind: 'number' },
  { env: 'OMNI_MAX_OPEN_POSITIONS', path: ['risk', 'maxOpenPositions'], kind: 'number' },
  { env: 'OMNI_MAX_EXPOSURE_PER_MARKET_USD', path: ['risk', 'maxExposurePerMarketUsd'], kind: 'number' },
  {
    env: 'OMNI_MAX_BALANCE_FRACTION_PER_TRADE',
    path: ['risk', 'maxBalanceFractionPerTrade'],
    kind: 'number',
  },
  { env: 'OMNI_MAX_EXPOSURE_PER_SYMBOL_USD', path: ['risk', 'maxExposurePerSymbolUsd'], kind: 'number' },
  { env: 'OMNI_MAX_POSITIONS_PER_SETUP', path: ['risk', 'maxPositionsPerSetup'], kind: 'number' },
  { env: 'OMNI_CONFIRM_LIVE', path: ['live', 'confirm'], kind: 'boolean' },
  { env: 'OMNI_FREEZE_ON_CAP_TRIP', path: ['risk', 'freezeOnCapTrip'], kind: 'boolean' },
  { env: 'OMNI_STALE_DATA_MS', path: ['risk', 'staleDataMs'], kind: 'number' },
  { env: 'OMNI_SESSION_START_UTC', path: ['risk', 'sessionStartUtc'], kind: 'string' },
  { env: 'OMNI_BINARY_PAYOUT', path: ['engines', 'binary', 'payout'], kind: 'number' },
  { env: 'OMNI_BINARY_EXPIRY_SEC', path: ['engines', 'binary', 'defaultExpirySec'], kind: 'number' },
  { env: 'OMNI_BINARY_TIE_RULE', path: ['engines', 'binary', 'tieRule'], kind: 'string' },
  { env: 'OMNI_BINARY_MAX_LADDER_DEPTH', path: ['engines', 'binary', 'maxLadderDepth'], kind: 'number' },
  { env: 'OMNI_BINARY_KELLY_FRACTION', path: ['engines', 'binary', 'kellyFraction'], kind: 'number' },
  { env: 'OMNI_SPOT_COMMISSION_BPS', path: ['engines', 'spot', 'commissionBps'], kind: 'number' },
  { env: 'OMNI_SPOT_SLIPPAGE_BPS', path: ['engines', 'spot', 'slippageBps'], kind: 'number' },
  { env: 'OMNI_SPOT_RISK_PER_TRADE', path: ['engines', 'spot', 'riskPerTradeFraction'], kind: 'number' },
  { env: 'OMNI_SPOT_FILL_RISK_TOLERANCE', path: ['engines', 'spot', 'fillRiskTolerance'], kind: 'number' },
  { env: 'OMNI_ARB_GAS_PRICE_GWEI', path: ['engines', 'arbitrage', 'gasPriceGwei'], kind: 'number' },
  { env: 'OMNI_ARB_GAS_LIMIT', path: ['engines', 'arbitrage', 'gasLimit'], kind: 'number' },
  { env: 'OMNI_ARB_ETH_USD', path: ['engines', 'arbitrage', 'ethUsd'], kind: 'number' },
  { env: 'OMNI_ARB_MIN_PROFIT_USD', path: ['engines', 'arbitrage', 'minProfitUsd'], kind: 'number' },
  { env: 'OMNI_MIN_CONFIDENCE', path: ['engines', 'governor', 'minConfidence'], kind: 'number' },
  { env: 'OMNI_EXPLORATION_EPSILON', path: ['engines', 'governor', 'explorationEpsilon'], kind: 'number' },
  { env: 'OMNI_JOURNAL_DECISIONS', path: ['journal', 'decisions'], kind: 'string' },
];

/** Environment variables the engine reads that are not in {@link ENV_BINDINGS}. */
const OTHER_KNOWN_ENV = ['OMNI_CONFIG'] as const;

/** Every variable name {@link loadConfig} knows (the bindings and `OMNI_CONFIG`). */
const KNOWN_ENV: ReadonlySet<string> = new Set([...ENV_BINDINGS.map((b) => b.env), ...OTHER_KNOWN_ENV]);

/**
 * Something in the configuration sources that is probably a mistake but does not stop the load:
 * `CONFIG_UNKNOWN_ENV`, an `OMNI_*` variable that no setting reads (a misspelling, most likely).
 * The message names the variable, where it came from and the closest known name; never its value.
 */
export interface ConfigWarning {
  readonly code: 'CONFIG_UNKNOWN_ENV';
  readonly message: string;
  /** The variable as written, e.g. `OMNI_MAX_STAKE_USDD`. */
  readonly variable: string;
  /** The known variable closest to it by edit distance, e.g. `OMNI_MAX_STAKE_USD`. */
  readonly suggestion: string;
  /** `environment` or `.env file <path>`. */
  readonly source: string;
}

/** The default warning sink: Node's process warning (printed to stderr once per message). */
export function emitConfigWarning(warning: ConfigWarning): void {
  process.emitWarning(warning.message, { code: warning.code });
}

/** One warning per `OMNI_*` key of `env` that no setting reads, naming the closest known name. */
export function unknownEnvWarnings(
  env: Readonly<Record<string, string | undefined>>,
  source: string,
): ConfigWarning[] {
  const warnings: ConfigWarning[] = [];
  for (const variable of Object.keys(env)) {
    if (!variable.startsWith('OMNI_') || KNOWN_ENV.has(variable)) continue;
    const suggestion = closestKnownEnv(variable);
    warnings.push({
      code: 'CONFIG_UNKNOWN_ENV',
      message: `${variable} (from ${source}) is not a known setting and is ignored; did you mean ${suggestion}?`,
      variable,
      suggestion,
      source,
    });
  }
  return warnings;
}

/** The known variable with the smallest Levenshtein distance to `name` (first in binding order on ties). */
function closestKnownEnv(name: string): string {
  let best = '';
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const known of KNOWN_ENV) {
    const d = editDistance(name, known);
    if (d < bestDistance) {
      best = known;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance (insertions, deletions, substitutions), O(|a|·|b|) with one row. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return row[b.length] as number;
}

export function isSecretPath(path: readonly string[]): boolean {
  return ENV_BINDINGS.some((b) => b.secret && b.path.join('.') === path.join('.'));
}

export function findBinding(path: readonly string[]): EnvBinding | undefined {
  const key = path.join('.');
  return ENV_BINDINGS.find((b) => b.path.join('.') === key);
}

export function envToObject(env: Readonly<Record<string, string | undefined>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const binding of ENV_BINDINGS) {
    const raw = env[binding.env];
    if (raw === undefined || raw.trim() === '') continue;
    setPath(out, binding.path, convert(raw.trim(), binding.kind));
  }
  return out;
}

/** Words a boolean variable accepts (any case); anything else is kept as text so the error shows it. */
const TRUE_WORDS: ReadonlySet<string> = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS: ReadonlySet<string> = new Set(['false', '0', 'no', 'off']);

function convert(raw: string, kind: EnvKind): unknown {
  switch (kind) {
    case 'number': {
      const n = Number(raw);
      // Keep the original text on failure so the error can show what was given.
      return Number.isFinite(n) ? n : raw;
    }
    case 'boolean': {
      const word = raw.toLowerCase();
      if (TRUE_WORDS.has(word)) return true;
      if (FALSE_WORDS.has(word)) return false;
      return raw;
    }
    case 'list':
      return raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
    default:
      return raw;
  }
}

export function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i] as string;
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}
