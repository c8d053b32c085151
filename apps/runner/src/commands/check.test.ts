import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, parseConfig, Rng, writeJsonAtomic } from '@omni/core';
import { createDefaultBrain } from '@omni/runtime';
import { MomentumSequenceModel } from '@omni/sequence';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheck, stateDir } from './check.js';

const clock = new ManualClock(Date.UTC(2025, 5, 1, 12));
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A config whose `<logDir>/state/governor.json` holds what the default brain saves. */
function configWithGovernorState() {
  const dir = mkdtempSync(join(tmpdir(), 'omni-runner-check-'));
  dirs.push(dir);
  const config = parseConfig({ seed: 3, logDir: join(dir, 'logs') });
  const path = join(stateDir(config), 'governor.json');
  mkdirSync(stateDir(config), { recursive: true });
  createDefaultBrain({
    config,
    rng: new Rng(config.seed),
    sequence: new MomentumSequenceModel(),
    statePath: path,
  }).save();
  return { config, path };
}

async function rlCheck(config: ReturnType<typeof parseConfig>) {
  const result = await runCheck(config, clock);
  return result.checks.find((c) => c.name === 'rlState.readable');
}

describe('omni check: learner state', () => {
  it('passes the governor.json the default brain saved', async () => {
    const { config, path } = configWithGovernorState();
    expect(await rlCheck(config)).toEqual({
      name: 'rlState.readable',
      passed: true,
      detail: `${path} loads as learner state`,
    });
  });

  it('fails a governor.json written by a newer release and leaves it untouched', async () => {
    const { config, path } = configWithGovernorState();
    const saved = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    writeJsonAtomic(path, { ...saved, version: 2 });
    const before = readFileSync(path);
    const check = await rlCheck(config);
    expect(check?.passed).toBe(false);
    expect(check?.detail).toContain('[STATE_NEWER_VERSION]');
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('fails a governor.json that is valid JSON but not a learner state', async () => {
    const { config, path } = configWithGovernorState();
    writeFileSync(path, '{"regime-switching-rl": {}}\n');
    const check = await rlCheck(config);
    expect(check?.passed).toBe(false);
    expect(check?.detail).toContain('[STATE_INVALID]');
    expect(check?.detail).toContain(path);
  });
});
