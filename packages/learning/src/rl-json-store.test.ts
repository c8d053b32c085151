import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RL_STATE_SLOTS, RLJSONStore } from './rl-json-store.js';

const fresh = () => new RLJSONStore(mkdtempSync(join(tmpdir(), 'omni-rl-')), new ManualClock(42));

describe('RLJSONStore', () => {
  it('round-trips a q-table with its version and save time', () => {
    const store = fresh();
    const q = { 'hv|trend': { binary: 0.5, spot: -0.2, arbitrage: 0 } };
    store.save(RL_STATE_SLOTS.regimeSwitchingRl, q);
    expect(store.load(RL_STATE_SLOTS.regimeSwitchingRl)).toEqual(q);
    const raw = JSON.parse(readFileSync(store.pathOf(RL_STATE_SLOTS.regimeSwitchingRl), 'utf8'));
    expect(raw).toMatchObject({
      format: 'omni-rl-state',
      name: 'regime-switching-rl',
      version: 1,
      savedAtMs: 42,
    });
  });

  it('returns undefined when nothing was saved yet', () => {
    expect(fresh().load(RL_STATE_SLOTS.arbitrageRlAgent)).toBeUndefined();
  });

  it('refuses a file written by a newer version with STATE_NEWER_VERSION', () => {
    const store = fresh();
    const file = store.pathOf(RL_STATE_SLOTS.arbitrageRlAgent);
    writeFileSync(
      file,
      JSON.stringify({
        format: 'omni-rl-state',
        name: 'arbitrage-rl-agent',
        version: 2,
        savedAtMs: 1,
        state: {},
      }),
    );
    expect(() => store.load(RL_STATE_SLOTS.arbitrageRlAgent)).toThrow(
      expect.objectContaining({ code: 'STATE_NEWER_VERSION' }),
    );
  });

  it('reports a corrupt file as STATE_INVALID naming the file', () => {
    const store = fresh();
    const file = store.pathOf(RL_STATE_SLOTS.patternMemory);
    writeFileSync(file, '{"format":"omni-rl-state","na');
    expect(() => store.load(RL_STATE_SLOTS.patternMemory)).toThrow(
      expect.objectContaining({ code: 'STATE_INVALID', context: { file } }),
    );
  });

  it('reports a state that fails its schema as STATE_INVALID with the field path', () => {
    const store = fresh();
    writeFileSync(
      store.pathOf(RL_STATE_SLOTS.arbitrageRlAgent),
      JSON.stringify({
        format: 'omni-rl-state',
        name: 'arbitrage-rl-agent',
        version: 1,
        savedAtMs: 1,
        state: { r1: 'high' },
      }),
    );
    expect(() => store.load(RL_STATE_SLOTS.arbitrageRlAgent)).toThrow(/state\.r1/);
  });

  it('migrates an older version when the slot provides a migration', () => {
    const store = fresh();
    const v1 = { name: 'counter', version: 1, schema: z.object({ n: z.number() }) };
    store.save(v1, { n: 3 });
    const v2 = {
      name: 'counter',
      version: 2,
      schema: z.object({ count: z.number() }),
      migrate: (_from: number, s: unknown) => ({ count: (s as { n: number }).n }),
    };
    expect(store.load(v2)).toEqual({ count: 3 });
  });
});
