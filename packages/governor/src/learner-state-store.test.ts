import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOmniError, OmniError, parseConfig, StateError, writeJsonAtomic } from '@omni/core';
import { MomentumSequenceModel } from '@omni/sequence';
import { afterAll, describe, expect, it } from 'vitest';
import type { GovernorSnapshot } from './governor-snapshot.js';
import { LearnerStateStore } from './learner-state-store.js';
import { type MarketTick, settleOnMarket, syntheticMarket, testRouteCandidates } from './market.fixture.js';
import { MasterGovernorX100 } from './master-governor-x100.js';

const config = parseConfig({ seed: 11, engines: { governor: { minConfidence: 0.5 } } });
const deps = () => ({ config, sequence: new MomentumSequenceModel() });

/** A governor that decided on a synthetic market and learned from every outcome that settled. */
function learnedGovernor(): { governor: MasterGovernorX100; learned: number } {
  const market = syntheticMarket({ seed: 7, count: 1500 });
  const governor = new MasterGovernorX100(deps());
  let learned = 0;
  for (let i = 32; i < market.length; i++) {
    const t = market[i] as MarketTick;
    const audit = governor.decide({
      decisionId: `d-${i}`,
      features: t.features,
      window: t.window,
      balanceUsd: 10_000,
      arbitrage: { candidates: testRouteCandidates() },
      dexVolatility: t.dexVolatility,
    });
    const settled = settleOnMarket(audit.decision, market, i);
    if (settled) {
      governor.learn(settled.outcome, audit);
      learned++;
    }
  }
  return { governor, learned };
}

const trained = learnedGovernor();
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function stateFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'omni-learner-state-'));
  dirs.push(dir);
  return join(dir, 'governor.json');
}

/** The StateError `fn` throws (fails the test when it throws nothing or something else). */
function stateErrorOf(fn: () => unknown): StateError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StateError);
    return err as StateError;
  }
  throw new Error('expected a StateError, nothing was thrown');
}

describe('LearnerStateStore', () => {
  it('loads nothing when the file does not exist yet', () => {
    expect(new LearnerStateStore(stateFile()).load()).toBeUndefined();
  });

  it('loads back exactly the snapshot it saved', () => {
    expect(trained.learned).toBeGreaterThan(10);
    const store = new LearnerStateStore(stateFile());
    const snapshot = trained.governor.snapshot();
    store.save(snapshot);
    expect(store.load()).toEqual(snapshot);
    const onDisk = JSON.parse(readFileSync(store.path, 'utf8')) as GovernorSnapshot;
    expect([onDisk.kind, onDisk.version]).toEqual(['master-governor-x100', 1]);
  });

  it('loads a governor.json written by the code before the store (snapshot + writeJsonAtomic)', () => {
    const path = stateFile();
    writeJsonAtomic(path, trained.governor.snapshot());
    const saved = new LearnerStateStore(path).load();
    expect(saved).toBeDefined();
    const restored = MasterGovernorX100.restore(saved, deps());
    expect(restored.snapshot()).toEqual(trained.governor.snapshot());
    expect(restored.learners.ladder.toJSON()).toEqual(trained.governor.learners.ladder.toJSON());
  });

  it('refuses a file of a newer version and leaves it byte-identical', () => {
    const path = stateFile();
    writeJsonAtomic(path, { ...trained.governor.snapshot(), version: 2, somethingNew: [1, 2, 3] });
    const before = readFileSync(path);
    const err = stateErrorOf(() => new LearnerStateStore(path).load());
    expect(err.code).toBe('STATE_NEWER_VERSION');
    expect(err.context).toMatchObject({ file: path, version: 2, supportedVersion: 1 });
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('names the file when it is not valid JSON', () => {
    const path = stateFile();
    writeFileSync(path, '{"kind": "master-governor-x100", "version": 1, "regimeRL": {');
    const err = stateErrorOf(() => new LearnerStateStore(path).load());
    expect(err.code).toBe('STATE_INVALID');
    expect(err.message).toContain(path);
    expect(err.cause).toBeInstanceOf(SyntaxError);
  });

  it('lists each schema problem with its path and names the file', () => {
    const path = stateFile();
    const snapshot = trained.governor.snapshot();
    writeJsonAtomic(path, { ...snapshot, ladder: { ...snapshot.ladder, kind: undefined }, spotTp: 7 });
    const err = stateErrorOf(() => new LearnerStateStore(path).load());
    expect(err.code).toBe('STATE_INVALID');
    expect(err.message).toContain(path);
    expect(err.details.some((d) => d.startsWith('spotTp:'))).toBe(true);
    expect(err.details.some((d) => d.startsWith('ladder.kind:'))).toBe(true);
  });

  it('refuses a JSON file that is not a governor snapshot', () => {
    const path = stateFile();
    writeJsonAtomic(path, { format: 'omni-rl-state', name: 'pattern-memory', version: 1, state: {} });
    const err = stateErrorOf(() => new LearnerStateStore(path).load());
    expect(err.code).toBe('STATE_INVALID');
    expect(err.context).toMatchObject({ file: path, kind: 'undefined' });
  });

  it('upgrades an older version through the migration table, without writing the file', () => {
    const path = stateFile();
    const { kind, version: _v, patternMemory, ...learners } = trained.governor.snapshot();
    // A fabricated version 0: the learners nested under `learners`.
    writeJsonAtomic(path, { kind, version: 0, learners, patternMemory });
    const before = readFileSync(path);
    const store = new LearnerStateStore(path, {
      migrations: {
        0: (v0) => {
          const { learners: nested, ...rest } = v0 as { learners: Record<string, unknown> };
          return { ...rest, ...nested };
        },
      },
    });
    expect(store.load()).toEqual(trained.governor.snapshot());
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('refuses an older version that has no migration, naming the version', () => {
    const path = stateFile();
    writeJsonAtomic(path, { ...trained.governor.snapshot(), version: 0 });
    const err = stateErrorOf(() => new LearnerStateStore(path).load());
    expect(err.code).toBe('STATE_INVALID');
    expect(err.context).toMatchObject({ file: path, version: 0, supportedVersion: 1 });
  });

  it('turns a failing migration into STATE_INVALID with the failure as its cause', () => {
    const path = stateFile();
    writeJsonAtomic(path, { ...trained.governor.snapshot(), version: 0 });
    const failure = new StateError('STATE_INVALID', 'v0 field missing');
    const store = new LearnerStateStore(path, {
      migrations: {
        0: () => {
          throw failure;
        },
      },
    });
    const err = stateErrorOf(() => store.load());
    expect(err.cause).toBe(failure);
    expect(err.context).toMatchObject({ file: path, version: 0 });
  });

  it('refuses to save a snapshot with a non-finite number and keeps the previous file', () => {
    const store = new LearnerStateStore(stateFile());
    const good = trained.governor.snapshot();
    store.save(good);
    const before = readFileSync(store.path);
    const bad: GovernorSnapshot = { ...good, ladder: { ...good.ladder, ladderStep: Number.NaN } };
    const err = stateErrorOf(() => store.save(bad));
    expect(isOmniError(err, 'STATE_INVALID')).toBe(true);
    expect(err).toBeInstanceOf(OmniError);
    expect(readFileSync(store.path).equals(before)).toBe(true);
  });
});
