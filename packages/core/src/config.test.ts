import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENV_BINDINGS, loadConfig, parseConfig } from './config.js';
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

  it('documents every environment variable in docs/configuration.md', () => {
    const doc = readFileSync(resolve(import.meta.dirname, '../../../docs/configuration.md'), 'utf8');
    for (const binding of ENV_BINDINGS) {
      expect(doc, binding.env).toContain(`\`${binding.env}\``);
      expect(doc, binding.path.join('.')).toContain(`\`${binding.path.join('.')}\``);
    }
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

  it('names the file and line of a line that is not an assignment', () => {
    const err = configError(() => parseEnvText('A=1\nthis is wrong\n', '/tmp/x.env'));
    expect(err.context).toEqual({ file: '/tmp/x.env', line: 2 });
  });
});
