import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { ConfigError } from './errors.js';
import { OmniLogger } from './omni-logger.js';
import { Secret, scrubSecrets } from './secret.js';

const PASSWORD = 'hunter2-Sup3rS3cret';
const TOKEN = 'pocket-token-abcdef0123456789';
const PRIVKEY = `0x${'ab'.repeat(32)}`;
const RPC = 'https://rpc.example.org/v3/key-0123456789abcdef';
const RELAY = 'https://relay.example.org/bundle?auth=relay-key-42424242';
const POCKET_URL = 'wss://pocket.example.org/ws?token=pocket-url-key-777';
const env = {
  MEV_RELAY_URL: RELAY,
  POCKET_BASE_URL: POCKET_URL,
  MT5_LOGIN: '123456',
  MT5_SERVER: 'Demo-Server',
  MT5_PASSWORD: PASSWORD,
  POCKET_TOKEN: TOKEN,
  DEX_RPC: RPC,
  DEX_PRIVKEY: PRIVKEY,
};
const VALUES = [PASSWORD, TOKEN, PRIVKEY, RPC, RELAY, POCKET_URL, PRIVKEY.slice(2)];

function expectNoSecret(text: string): void {
  for (const v of VALUES) expect(text).not.toContain(v);
}

describe('Secret', () => {
  it('prints [redacted] through toString, template literals, JSON and inspect', () => {
    const s = new Secret(PASSWORD);
    expect(String(s)).toBe('[redacted]');
    expect(`${s}`).toBe('[redacted]');
    expect(JSON.stringify({ s })).toBe('{"s":"[redacted]"}');
    expect(inspect(s)).toBe('Secret([redacted])');
    expect(inspect({ nested: { s } }, { depth: 5 })).not.toContain(PASSWORD);
    expect(s.reveal()).toBe(PASSWORD);
    expect(s.isSet).toBe(true);
  });

  it('scrubs registered values from free text', () => {
    new Secret('another-secret-value');
    expect(scrubSecrets('url?key=another-secret-value&x=1')).toBe('url?key=[redacted]&x=1');
  });

  it('never leaks a credential from a loaded config through JSON, inspect or console formatting', () => {
    const config = loadConfig({ env, envFile: false });
    expect(config.credentials.mt5.password?.reveal()).toBe(PASSWORD);
    expect(config.credentials.dex.privateKey?.reveal()).toBe(PRIVKEY);
    expectNoSecret(JSON.stringify(config));
    expectNoSecret(inspect(config, { depth: 10 }));
    expectNoSecret(`${config.credentials.pocket.token}`);
  });

  it('never echoes a secret value in a config error', () => {
    try {
      loadConfig({
        env: { ...env, DEX_PRIVKEY: 'not-a-key-but-still-secret-123', OMNI_SEED: 'x' },
        envFile: false,
      });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const e = err as ConfigError;
      expect(e.message).toContain('DEX_PRIVKEY');
      expect(e.message).not.toContain('not-a-key-but-still-secret-123');
      expect(e.message).toContain('OMNI_SEED');
      expectNoSecret(e.message);
      expectNoSecret(JSON.stringify(e));
    }
  });

  it('never writes a secret into a journal line, even when one is logged by mistake', () => {
    const config = loadConfig({ env, envFile: false });
    const dir = mkdtempSync(join(tmpdir(), 'omni-secret-'));
    const logger = new OmniLogger(dir);
    logger.logDecision({
      id: 'd1',
      credentials: config.credentials,
      note: `rpc ${config.credentials.dex.rpcUrl}`,
    });
    logger.logAlert({
      tsMs: 1,
      level: 'warn',
      code: 'FEED_CONNECTION',
      message: `failed to reach ${RPC} or ${RELAY}`,
      source: 'test',
    });
    logger.close();
    expectNoSecret(readFileSync(join(dir, 'decisions.jsonl'), 'utf8'));
    expectNoSecret(readFileSync(join(dir, 'alerts.jsonl'), 'utf8'));
    expect(readFileSync(join(dir, 'alerts.jsonl'), 'utf8')).toContain('[redacted]');
  });
});
