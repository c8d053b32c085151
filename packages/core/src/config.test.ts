import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { type ConfigWarning, ENV_BINDINGS, loadConfig, parseConfig } from './config.js';
import { parseEnvText } from './env-file.js';
import { ConfigError } from './errors.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'omni-config-'));
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('defaults to shadow mode with conservative limits', () => {
    const config = loadConfig({ env: {}, envFile: false });
    expect(config.mode).toBe('shadow');
    expect(config.seed).toBe(42);
    expect(config.risk.maxDailyLossUsd).toBe(200);
    expect(config.risk.maxStakeUsd).toBe(25);
    expect(config.engines.binary.payout).toBe(0.8);
    expect(config.engines.binary.tieRule).toBe('refund');
    expect(config.symbols).toEqual(['EURUSD']);
    expect(config.credentials.dex.privateKey).toBeUndefined();
  });

  it('reads typed values from environment variables', () => {
    const config = loadConfig({
      env: {
        OMNI_MODE: 'backtest',
        OMNI_SEED: '7',
        OMNI_MAX_DAILY_LOSS_USD: '150.5',
        OMNI_SYMBOLS: 'EURUSD, USDJPY',
      },
      envFile: false,
    });
    expect(config.mode).toBe('backtest');
    expect(config.seed).toBe(7);
    expect(config.risk.maxDailyLossUsd).toBe(150.5);
    expect(config.symbols).toEqual(['EURUSD', 'USDJPY']);
  });

  it('reads the stacking, correlated-exposure, freeze and fill-risk settings, with their defaults', () => {
    const defaults = loadConfig({ env: {}, envFile: false });
    expect([
      defaults.risk.maxPositionsPerSetup,
      defaults.risk.maxExposurePerSymbolUsd,
      defaults.risk.freezeOnCapTrip,
      defaults.engines.spot.fillRiskTolerance,
    ]).toEqual([1, 500, false, 0.25]);
    const set = loadConfig({
      env: {
        OMNI_MAX_POSITIONS_PER_SETUP: '2',
        OMNI_MAX_EXPOSURE_PER_SYMBOL_USD: '75',
        OMNI_FREEZE_ON_CAP_TRIP: 'TRUE',
        OMNI_SPOT_FILL_RISK_TOLERANCE: '0.1',
      },
      envFile: false,
    });
    expect([
      set.risk.maxPositionsPerSetup,
      set.risk.maxExposurePerSymbolUsd,
      set.risk.freezeOnCapTrip,
      set.engines.spot.fillRiskTolerance,
    ]).toEqual([2, 75, true, 0.1]);
    expect(loadConfig({ env: { OMNI_FREEZE_ON_CAP_TRIP: 'off' }, envFile: false }).risk.freezeOnCapTrip).toBe(
      false,
    );
  });

  it('leaves the decision journal level unset by default and reads OMNI_JOURNAL_DECISIONS', () => {
    const unset = loadConfig({ env: {}, envFile: false });
    expect(unset.journal).toBeUndefined();
    expect('journal' in JSON.parse(JSON.stringify(unset))).toBe(false); // config digests of older runs unchanged
    expect(loadConfig({ env: { OMNI_JOURNAL_DECISIONS: 'actions' }, envFile: false }).journal).toEqual({
      decisions: 'actions',
    });
    const err = configError(() => loadConfig({ env: { OMNI_JOURNAL_DECISIONS: 'some' }, envFile: false }));
    expect(err.details).toHaveLength(1);
    expect(err.details[0]).toMatch(/^journal\.decisions \[env OMNI_JOURNAL_DECISIONS, from environment\]: /);
  });

  it('refuses a boolean variable that is not a yes or a no, showing what was given', () => {
    const err = configError(() => loadConfig({ env: { OMNI_FREEZE_ON_CAP_TRIP: 'maybe' }, envFile: false }));
    expect(err.details).toHaveLength(1);
    expect(String(err.details?.[0])).toMatch(
      /^risk\.freezeOnCapTrip \[env OMNI_FREEZE_ON_CAP_TRIP, from environment\]: .*boolean.*, got "maybe"$/,
    );
  });

  it('applies precedence: defaults < JSON file < .env file < environment < overrides', () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'omni.json'),
      JSON.stringify({ seed: 1, logDir: 'from-json', risk: { maxDailyTrades: 10, maxLossStreak: 2 } }),
    );
    writeFileSync(
      join(dir, '.env'),
      'OMNI_SEED=2\nOMNI_MAX_DAILY_TRADES=20\nOMNI_STARTING_BALANCE_USD=500\n',
    );
    const config = loadConfig({
      cwd: dir,
      configFile: 'omni.json',
      env: { OMNI_SEED: '3', OMNI_STARTING_BALANCE_USD: '600' },
      overrides: { startingBalanceUsd: 700 },
    });
    expect(config.logDir).toBe('from-json');
    expect(config.risk.maxLossStreak).toBe(2);
    expect(config.risk.maxDailyTrades).toBe(20);
    expect(config.seed).toBe(3);
    expect(config.startingBalanceUsd).toBe(700);
  });

  it('reads the JSON config file named by OMNI_CONFIG', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ mode: 'backtest' }));
    expect(loadConfig({ cwd: dir, env: { OMNI_CONFIG: 'c.json' }, envFile: false }).mode).toBe('backtest');
  });

  it('reports every bad value at once, naming the variable, what is expected and where it came from', () => {
    const err = configError(() =>
      loadConfig({
        env: {
          OMNI_MODE: 'yolo',
          OMNI_MAX_DAILY_LOSS_USD: 'abc',
          OMNI_BINARY_PAYOUT: '-1',
          POCKET_BASE_URL: 'ftp://x',
        },
        envFile: false,
      }),
    );
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.details).toHaveLength(4);
    const text = err.details.join('\n');
    expect(text).toMatch(/mode \[env OMNI_MODE, from environment\]: .*"backtest".*"shadow".*got "yolo"/);
    expect(text).toMatch(
      /risk\.maxDailyLossUsd \[env OMNI_MAX_DAILY_LOSS_USD, from environment\]: .*number.*got "abc"/,
    );
    expect(text).toMatch(
      /engines\.binary\.payout \[env OMNI_BINARY_PAYOUT, from environment\]: .*>0.*got -1/,
    );
    expect(text).toMatch(
      /credentials\.pocket\.baseUrl \[env POCKET_BASE_URL.*must be an http\(s\) or ws\(s\) URL/,
    );
    expect(err.message).toContain('the configuration has 4 problems');
  });

  it('names the config file as the source of a bad value from it, and rejects unknown fields', () => {
    const dir = tempDir();
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ risk: { maxStakeUsd: 0, maxStakeUSD: 5 } }));
    const err = configError(() => loadConfig({ cwd: dir, configFile: 'bad.json', env: {}, envFile: false }));
    const text = err.details.join('\n');
    expect(text).toContain(`risk.maxStakeUsd [env OMNI_MAX_STAKE_USD, from config file ${resolve(file)}]`);
    expect(text).toContain('risk: unknown field maxStakeUSD');
  });

  it('gives a typed error for a config file that is missing or not JSON', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'broken.json'), '{ "mode": ');
    expect(configError(() => loadConfig({ cwd: dir, configFile: 'broken.json', env: {} })).code).toBe(
      'CONFIG_FILE_INVALID_JSON',
    );
    expect(configError(() => loadConfig({ cwd: dir, configFile: 'nope.json', env: {} })).code).toBe(
      'CONFIG_FILE_UNREADABLE',
    );
    expect(configError(() => loadConfig({ cwd: dir, envFile: 'missing.env', env: {} })).code).toBe(
      'CONFIG_ENV_FILE_UNREADABLE',
    );
  });

  it('normalises a private key without 0x', () => {
    const config = loadConfig({ env: { DEX_PRIVKEY: 'cd'.repeat(32) }, envFile: false });
    expect(config.credentials.dex.privateKey?.reveal()).toBe(`0x${'cd'.repeat(32)}`);
  });

  it('validates an object built in code with parseConfig', () => {
    expect(parseConfig({ mode: 'backtest' }).mode).toBe('backtest');
    expect(() => parseConfig({ seed: 1.5 })).toThrow(ConfigError);
  });

  it('reads a JSON config file that starts with a UTF-8 byte order mark', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bom.json'), `\uFEFF${JSON.stringify({ mode: 'backtest', seed: 9 })}`);
    const config = loadConfig({ cwd: dir, configFile: 'bom.json', env: {}, envFile: false });
    expect([config.mode, config.seed]).toEqual(['backtest', 9]);
  });

  it('rejects an invalid OMNI_MODE even when an override replaces the mode', () => {
    const err = configError(() =>
      loadConfig({ env: { OMNI_MODE: 'yolo' }, envFile: false, overrides: { mode: 'backtest' } }),
    );
    expect(err.details).toEqual([
      expect.stringMatching(/^mode \[env OMNI_MODE, from environment\]: .*got "yolo"$/),
    ]);
  });

  it('rejects a bad value in the config file even when the environment replaces it', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ seed: 'seven' }));
    const err = configError(() =>
      loadConfig({ cwd: dir, configFile: 'c.json', env: { OMNI_SEED: '7' }, envFile: false }),
    );
    expect(err.details).toEqual([
      `seed [env OMNI_SEED, from config file ${join(dir, 'c.json')}]: Invalid input: expected number, received string, got "seven"`,
    ]);
  });

  it('refuses a SEQ_MODEL_ONNX naming a missing file, naming the variable and the resolved path', () => {
    const dir = tempDir();
    const err = configError(() =>
      loadConfig({ cwd: dir, env: { SEQ_MODEL_ONNX: 'models/seq.onnx' }, envFile: false }),
    );
    expect([err.code, err.details]).toEqual([
      'CONFIG_INVALID',
      [
        `seqModelOnnx [env SEQ_MODEL_ONNX, from environment]: no model file at ${join(dir, 'models', 'seq.onnx')}; train one (omni train), fix the path, or unset SEQ_MODEL_ONNX`,
      ],
    ]);
    writeFileSync(join(dir, 'seq.onnx'), 'model bytes');
    const config = loadConfig({ cwd: dir, env: { SEQ_MODEL_ONNX: 'seq.onnx' }, envFile: false });
    expect(config.seqModelOnnx).toBe('seq.onnx');
  });

  it('warns about each unknown OMNI_ variable with the closest known name, and about nothing else', () => {
    const dir = tempDir();
    writeFileSync(join(dir, '.env'), 'OMNI_MODEE=backtest\nOMNI_SEED=3\n');
    const warnings: ConfigWarning[] = [];
    const config = loadConfig({
      cwd: dir,
      env: {
        OMNI_MAX_STAKE_USDD: '5',
        OMNI_MAX_STAKE_USD: '6',
        OMNI_CONFIG: '',
        MT5_LOGN: '1',
        PATH: '/usr/bin',
        omni_seed: '1',
      },
      onWarning: (w) => warnings.push(w),
    });
    expect(config.risk.maxStakeUsd).toBe(6);
    expect(warnings).toEqual([
      {
        code: 'CONFIG_UNKNOWN_ENV',
        variable: 'OMNI_MODEE',
        suggestion: 'OMNI_MODE',
        source: `.env file ${join(dir, '.env')}`,
        message: `OMNI_MODEE (from .env file ${join(dir, '.env')}) is not a known setting and is ignored; did you mean OMNI_MODE?`,
      },
      {
        code: 'CONFIG_UNKNOWN_ENV',
        variable: 'OMNI_MAX_STAKE_USDD',
        suggestion: 'OMNI_MAX_STAKE_USD',
        source: 'environment',
        message:
          'OMNI_MAX_STAKE_USDD (from environment) is not a known setting and is ignored; did you mean OMNI_MAX_STAKE_USD?',
      },
    ]);
  });

  it('sends unknown OMNI_ variables to process.emitWarning when no onWarning is given', () => {
    const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      loadConfig({ env: { OMNI_SEEDS: '1' }, envFile: false });
      expect(emit.mock.calls).toEqual([
        [
          'OMNI_SEEDS (from environment) is not a known setting and is ignored; did you mean OMNI_SEED?',
          { code: 'CONFIG_UNKNOWN_ENV' },
        ],
      ]);
    } finally {
      emit.mockRestore();
    }
  });

  it('holds relay and endpoint URLs as secrets: JSON and inspect of the config never show MEV_RELAY_URL', () => {
    const relay = 'https://relay.example.org/auth/key-0123456789abcdef';
    const pocket = 'wss://pocket.example.org/socket?token=abcdef987654';
    const config = loadConfig({ env: { MEV_RELAY_URL: relay, POCKET_BASE_URL: pocket }, envFile: false });
    const shown = `${JSON.stringify(config)}\n${inspect(config, { depth: 10 })}`;
    expect({
      relay: config.credentials.mevRelayUrl?.reveal(),
      pocket: config.credentials.pocket.baseUrl?.reveal(),
      leaked: [relay, pocket].filter((v) => shown.includes(v)),
      json: JSON.parse(JSON.stringify(config.credentials)) as unknown,
    }).toEqual({
      relay,
      pocket,
      leaked: [],
      json: { mt5: {}, deriv: {}, pocket: { baseUrl: '[redacted]' }, dex: {}, mevRelayUrl: '[redacted]' },
    });
  });

  it('never echoes a bad relay URL in the error', () => {
    const err = configError(() =>
      loadConfig({ env: { MEV_RELAY_URL: 'ftp://relay.example.org/key-secret-42' }, envFile: false }),
    );
    expect([err.details, err.message.includes('key-secret-42')]).toEqual([
      ['credentials.mevRelayUrl [env MEV_RELAY_URL, from environment]: must be an http(s) or ws(s) URL'],
      false,
    ]);
  });

  it('documents every environment variable in docs/configuration.md', () => {
    const doc = readFileSync(resolve(import.meta.dirname, '../../../docs/configuration.md'), 'utf8');
    for (const binding of ENV_BINDINGS) {
      expect(doc, binding.env).toContain(`\`${binding.env}\``);
      expect(doc, binding.path.join('.')).toContain(`\`${binding.path.join('.')}\``);
    }
  });

  it('refuses a "__proto__" key in a config file without writing into Object.prototype (found by the chaos fuzz)', () => {
    const dir = tempDir();
    const file = join(dir, 'omni.json');
    writeFileSync(
      file,
      '{"__proto__":{"polluted":"yes"},"risk":{"constructor":{"prototype":{"polluted":1}}}}',
    );
    const err = configError(() => loadConfig({ cwd: dir, configFile: 'omni.json', env: {}, envFile: false }));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('parseEnvText', () => {
  it('reads assignments, comments, export prefixes and quotes', () => {
    const env = parseEnvText(
      ['# comment', 'export A=1', 'B = "two words"', "C='x#y'", 'D=plain # trailing comment', '', 'A=3'].join(
        '\n',
      ),
    );
    expect(env).toEqual({ A: '3', B: 'two words', C: 'x#y', D: 'plain' });
  });

  it.each([
    ['a double-quoted value with a trailing comment', 'K="v" # comment', 'v'],
    ['a single-quoted value with a trailing comment', "K='v w' # comment", 'v w'],
    ['a double-quoted value holding a hash', 'K="a # b"', 'a # b'],
    ['escapes in double quotes', 'K="l1\\nl2\\t\\"q\\" \\\\ \\r"', 'l1\nl2\t"q" \\ \r'],
    ['no escapes in single quotes', "K='l1\\nl2'", 'l1\\nl2'],
    ['an unquoted value with a comment after whitespace', 'K=plain value   # comment', 'plain value'],
    ['an unquoted value with a hash not after whitespace', 'K=abc#def', 'abc#def'],
    ['an empty value', 'K=', ''],
    ['empty quotes with a comment', 'K="" # none', ''],
    ['a byte order mark before the first key', '\uFEFFK=v', 'v'],
  ])('parses %s as dotenv does', (_label, line, value) => {
    expect(parseEnvText(line)).toEqual({ K: value });
  });

  it.each([
    ['an unterminated double quote', 'K="open'],
    ['an unterminated single quote', "K='open"],
    ['text after the closing quote', 'K="v" junk'],
  ])('refuses %s naming file and line', (_label, line) => {
    const err = configError(() => parseEnvText(`A=1\n${line}\n`, '/tmp/q.env'));
    expect([err.code, err.context]).toEqual(['CONFIG_INVALID', { file: '/tmp/q.env', line: 2 }]);
  });

  it('names the file and line of a line that is not an assignment', () => {
    const err = configError(() => parseEnvText('A=1\nthis is wrong\n', '/tmp/x.env'));
    expect(err.context).toEqual({ file: '/tmp/x.env', line: 2 });
  });
});
