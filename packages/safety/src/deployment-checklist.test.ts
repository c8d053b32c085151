import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOmniError, ManualClock, type OmniConfigInput, parseConfig, StateError } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { DeploymentChecklist } from './deployment-checklist.js';

const NOW = Date.UTC(2025, 5, 1, 12);
const PRIVATE_KEY = `0x${'ab'.repeat(32)}`;

function config(over: OmniConfigInput = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'omni-check-'));
  return parseConfig({
    mode: 'micro-live',
    logDir: join(dir, 'logs'),
    credentials: {
      mt5: { login: '1234567', server: 'Demo-Server', password: 'mt5-secret-password' },
      pocket: { token: 'pocket-secret-token' },
      dex: { rpcUrl: 'https://rpc.example.org/key-secret-123', privateKey: PRIVATE_KEY },
    },
    ...over,
  });
}

const clock = new ManualClock(NOW);

describe('DeploymentChecklist', () => {
  it('passes a complete configuration and reports every check', async () => {
    const result = await new DeploymentChecklist().verify(config(), {
      clock,
      referenceTimeMs: () => NOW + 1200,
    });
    expect(result.allPassed).toBe(true);
    expect(result.checks.map((c) => c.name)).toEqual([
      'credentials.binary',
      'credentials.spot',
      'credentials.arbitrage',
      'logDir.writable',
      'model.valid',
      'rlState.readable',
      'limits.sane',
      'clock.sane',
    ]);
    expect(result.checks.find((c) => c.name === 'clock.sane')?.detail).toMatch(/skew 1200 ms/);
  });

  it('reports credentials as set or missing and never prints them', async () => {
    const cfg = config({ credentials: { mt5: { login: '1234567' }, dex: { privateKey: PRIVATE_KEY } } });
    const result = await new DeploymentChecklist().verify(cfg, { clock });
    expect(result.allPassed).toBe(false);
    const spot = result.checks.find((c) => c.name === 'credentials.spot');
    expect(spot).toMatchObject({
      passed: false,
      detail: 'mt5.login: set, mt5.server: missing, mt5.password: missing',
    });
    const text = JSON.stringify(result);
    for (const secret of ['1234567', PRIVATE_KEY, 'ab'.repeat(32)]) expect(text).not.toContain(secret);
  });

  it('only requires credentials for the markets named', async () => {
    const cfg = config({ credentials: { pocket: { token: 'pocket-secret-token' } } });
    const result = await new DeploymentChecklist().verify(cfg, { clock, markets: ['binary'] });
    expect(result.allPassed).toBe(true);
    expect(result.checks.find((c) => c.name === 'credentials.spot')?.detail).toMatch(/^not required/);
  });

  it('fails an unwritable log directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omni-check-'));
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const result = await new DeploymentChecklist().verify(config({ logDir: join(file, 'logs') }), { clock });
    expect(result.checks.find((c) => c.name === 'logDir.writable')).toMatchObject({ passed: false });
  });

  it('validates a configured model through the injected validator', async () => {
    const cfg = config({ seqModelOnnx: '/models/seq.onnx' });
    const noValidator = await new DeploymentChecklist().verify(cfg, { clock });
    expect(noValidator.checks.find((c) => c.name === 'model.valid')).toMatchObject({ passed: false });
    const bad = await new DeploymentChecklist().verify(cfg, {
      clock,
      validateModel: async () => ({ ok: false, reason: 'input shape [1,32] != [1,64]' }),
    });
    expect(bad.checks.find((c) => c.name === 'model.valid')?.detail).toBe(
      '/models/seq.onnx: input shape [1,32] != [1,64]',
    );
    const good = await new DeploymentChecklist().verify(cfg, {
      clock,
      validateModel: async () => ({ ok: true }),
    });
    expect(good.checks.find((c) => c.name === 'model.valid')?.passed).toBe(true);
  });

  it('accepts a missing learner state file as a fresh start without reading it', async () => {
    const read = (): never => {
      throw new Error('must not be called');
    };
    const path = join(mkdtempSync(join(tmpdir(), 'omni-check-')), 'governor.json');
    const result = await new DeploymentChecklist().verify(config(), {
      clock,
      rlStatePath: path,
      readRlState: read,
    });
    expect(result.checks.find((c) => c.name === 'rlState.readable')).toEqual({
      name: 'rlState.readable',
      passed: true,
      detail: `${path} does not exist yet (fresh start)`,
    });
  });

  it('fails a learner state file the injected store refuses, with its reason', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'omni-check-')), 'governor.json');
    // Valid JSON, so "parses as JSON" would pass it; the store refuses it.
    writeFileSync(path, '{"kind":"master-governor-x100","version":2}');
    const seen: string[] = [];
    const result = await new DeploymentChecklist().verify(config(), {
      clock,
      rlStatePath: path,
      readRlState: (p) => {
        seen.push(p);
        throw new StateError('STATE_NEWER_VERSION', 'the learner state has version 2', { file: p });
      },
    });
    const check = result.checks.find((c) => c.name === 'rlState.readable');
    expect(seen).toEqual([path]);
    expect(check?.passed).toBe(false);
    expect(check?.detail).toBe(
      `${path}: [STATE_NEWER_VERSION] the learner state has version 2 (file="${path}")`,
    );
    expect(result.allPassed).toBe(false);
  });

  it('passes a learner state file the injected store loads', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'omni-check-')), 'governor.json');
    writeFileSync(path, '{}');
    const result = await new DeploymentChecklist().verify(config(), {
      clock,
      rlStatePath: path,
      readRlState: () => ({ kind: 'master-governor-x100' }),
    });
    expect(result.checks.find((c) => c.name === 'rlState.readable')).toEqual({
      name: 'rlState.readable',
      passed: true,
      detail: `${path} loads as learner state`,
    });
  });

  it('fails an existing learner state file when no reader was injected', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'omni-check-')), 'governor.json');
    writeFileSync(path, '{}');
    const result = await new DeploymentChecklist().verify(config(), { clock, rlStatePath: path });
    const check = result.checks.find((c) => c.name === 'rlState.readable');
    expect(check?.passed).toBe(false);
    expect(check?.detail).toBe(`${path}: no learner state reader was injected, cannot verify it`);
  });

  it('fails limits that are not sane, naming each problem', async () => {
    const cfg = config({
      risk: { maxStakeUsd: 300, maxDailyLossUsd: 200, maxLossStreak: 60, maxDailyTrades: 50 },
    });
    const result = await new DeploymentChecklist().verify(cfg, { clock });
    const limits = result.checks.find((c) => c.name === 'limits.sane');
    expect(limits?.passed).toBe(false);
    expect(limits?.detail).toContain('maxStakeUsd 300 is above maxDailyLossUsd 200');
    expect(limits?.detail).toContain('maxLossStreak 60 is above maxDailyTrades 50');
  });

  it('fails a clock too far from the reference or outside 2020..2100', async () => {
    const skewed = await new DeploymentChecklist().verify(config(), {
      clock,
      referenceTimeMs: () => NOW - 60_000,
    });
    expect(skewed.checks.find((c) => c.name === 'clock.sane')?.passed).toBe(false);
    const epoch = await new DeploymentChecklist().verify(config(), { clock: new ManualClock(0) });
    expect(epoch.checks.find((c) => c.name === 'clock.sane')?.detail).toMatch(/outside 2020\.\.2100/);
  });

  it('allows live only for a live mode with a passing checklist and the explicit flag', async () => {
    const checklist = new DeploymentChecklist();
    expect(() => checklist.assertLiveAllowed('micro-live', { liveFlag: true })).toThrow(
      /SAFETY_CHECKLIST_FAILED/,
    );
    await checklist.verify(config(), { clock });
    expect(() => checklist.assertLiveAllowed('scaled-live', { liveFlag: true })).not.toThrow();
    const refused = (fn: () => void, code: string) => {
      try {
        fn();
      } catch (err) {
        return isOmniError(err) && err.code === code;
      }
      return false;
    };
    expect(
      refused(() => checklist.assertLiveAllowed('micro-live', { liveFlag: false }), 'RUNTIME_LIVE_REFUSED'),
    ).toBe(true);
    expect(
      refused(() => checklist.assertLiveAllowed('shadow', { liveFlag: true }), 'RUNTIME_LIVE_REFUSED'),
    ).toBe(true);
    const failing = await checklist.verify(config({ credentials: {} }), { clock });
    expect(failing.allPassed).toBe(false);
    expect(
      refused(() => checklist.assertLiveAllowed('micro-live', { liveFlag: true }), 'SAFETY_CHECKLIST_FAILED'),
    ).toBe(true);
  });

  it('checks the credentials of the venue each market trades at: Deriv token and app id, the MT5 bridge secret', async () => {
    const deriv = { token: 'deriv-secret-token-xyz', appId: '1089' };
    const withVenues = config({
      credentials: { deriv, mt5: { bridgeSecret: 'bridge-secret-abc' } },
    });
    const verify = (c: typeof withVenues) =>
      new DeploymentChecklist().verify(c, {
        clock,
        markets: ['binary', 'spot'],
        venues: { binary: 'deriv', spot: 'mt5' },
      });
    const set = await verify(withVenues);
    const bare = await verify(config({ credentials: { deriv: { appId: '1089' } } }));
    const pick = (r: typeof set, name: string) => r.checks.find((c) => c.name === name);
    expect([pick(set, 'credentials.binary'), pick(set, 'credentials.spot')]).toEqual([
      {
        name: 'credentials.binary',
        passed: true,
        detail: 'deriv.token: set, deriv.appId: set, deriv.wsUrl (optional): missing',
      },
      { name: 'credentials.spot', passed: true, detail: 'mt5.bridgeSecret: set' },
    ]);
    expect([pick(bare, 'credentials.binary')?.passed, pick(bare, 'credentials.spot')?.passed]).toEqual([
      false,
      false,
    ]);
    expect(JSON.stringify(set)).not.toMatch(/deriv-secret-token-xyz|bridge-secret-abc/);
  });

  it('shows the optional relay and Pocket endpoints as set or missing, never their values', async () => {
    const AUTH_KEY = `0x${'5e'.repeat(32)}`;
    const relay = 'https://relay.example.org/key-relay-secret';
    const withEndpoints = config({
      credentials: {
        mt5: { login: '1234567', server: 'Demo-Server', password: 'mt5-secret-password' },
        pocket: { token: 'pocket-secret-token', baseUrl: 'https://pocket.example.org/key-pocket-secret' },
        dex: { rpcUrl: 'https://rpc.example.org/key-secret-123', privateKey: PRIVATE_KEY },
        mevRelayUrl: relay,
        mevAuthKey: AUTH_KEY,
      },
    });
    const set = await new DeploymentChecklist().verify(withEndpoints, { clock });
    const bare = await new DeploymentChecklist().verify(config(), { clock });
    const detail = (r: typeof set, name: string) => r.checks.find((c) => c.name === name)?.detail ?? '';
    expect(detail(set, 'credentials.binary')).toContain('pocket.baseUrl (optional): set');
    expect(detail(bare, 'credentials.binary')).toContain('pocket.baseUrl (optional): missing');
    expect(detail(set, 'credentials.arbitrage')).toContain('mevRelayUrl (optional): set');
    expect(detail(bare, 'credentials.arbitrage')).toContain('mevRelayUrl (optional): missing');
    expect(detail(set, 'credentials.arbitrage')).toContain('mevAuthKey (optional): set');
    expect(detail(bare, 'credentials.arbitrage')).toContain('mevAuthKey (optional): missing');
    expect(JSON.stringify(set)).not.toContain('key-relay-secret');
    expect(JSON.stringify(set)).not.toContain(AUTH_KEY.slice(2));
    expect(JSON.stringify(set)).not.toContain('key-pocket-secret');
    expect(set.checks.find((c) => c.name === 'credentials.arbitrage')?.passed).toBe(true);
  });
});
