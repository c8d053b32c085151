/**
 * Fuzz of the files and variables the engine reads at start: the config (`loadConfig`: JSON file,
 * `.env` file, environment), the governor's learner state file (`LearnerStateStore` then
 * `MasterGovernorX100.restore` and a few decisions) and PatternMemory snapshots — each structure-aware
 * mutated (fields dropped, renamed, wrong types, huge numbers, NaN/Infinity as strings, nested
 * garbage) or damaged as bytes (truncated, bit-flipped). Property: a typed error (ConfigError,
 * StateError, GovernorError...) or a loaded value whose every number is finite, whose decisions
 * carry no NaN.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENV_BINDINGS, loadConfig, parseConfig } from '@omni/core';
import { PatternMemory } from '@omni/fib-core';
import { LearnerStateStore, MasterGovernorX100 } from '@omni/governor';
import { MomentumSequenceModel } from '@omni/sequence';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type MarketTick,
  settleOnMarket,
  syntheticMarket,
  testRouteCandidates,
} from '../packages/governor/src/market.fixture.js';
import {
  allNumbersFinite,
  BoundaryTally,
  damagedBytes,
  FUZZ_SEED,
  garbageValue,
  jsonFrames,
  prototypeLeaks,
  seededSample,
  typedOr,
} from './fuzz-support.js';

const CONFIG_RUNS = 600;
const STATE_RUNS = 300;
const MEMORY_RUNS = 600;

const configTally = new BoundaryTally('config-and-env');
const learnerTally = new BoundaryTally('learner-state');
const memoryTally = new BoundaryTally('pattern-memory');
const dir = mkdtempSync(join(tmpdir(), 'omni-fuzz-state-'));
afterAll(() => {
  expect(prototypeLeaks()).toEqual([]);
  rmSync(dir, { recursive: true, force: true });
  for (const t of [configTally, learnerTally, memoryTally]) console.log(t.line());
});

const VALID_CONFIG = {
  mode: 'shadow',
  seed: 7,
  symbols: ['EURUSD', 'GBPUSD'],
  startingBalanceUsd: 10_000,
  risk: { maxDailyLossUsd: 200, maxStakeUsd: 25, maxOpenPositions: 3, maxBalanceFractionPerTrade: 0.02 },
  engines: {
    binary: { payout: 0.8, maxLadderDepth: 3, kellyFraction: 0.25 },
    spot: { commissionBps: 1, slippageBps: 0.5 },
    governor: { minConfidence: 0.55, explorationEpsilon: 0.05 },
  },
};

/** A value an environment variable may hold: garbage, numbers spelled oddly, NaN/Infinity, a huge list. */
const envValue = fc.oneof(
  garbageValue.map((v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))),
  fc.constantFrom('NaN', 'Infinity', '1e309', '-0', '0.0000001', ' 5 ', '5abc', 'true', 'yes', 'a,,b', ','),
);
const envArb = fc.dictionary(
  fc.oneof(
    fc.constantFrom(...ENV_BINDINGS.map((b) => b.env)),
    fc.constantFrom('OMNI_MDOE', 'OMNI_', 'omni_seed'),
  ),
  envValue,
  { maxKeys: 4 },
);
const envFileArb = fc
  .array(
    fc.oneof(
      fc.tuple(fc.constantFrom(...ENV_BINDINGS.map((b) => b.env)), envValue).map(([k, v]) => `${k}=${v}`),
      fc.string({ maxLength: 40 }),
      fc.constantFrom('export OMNI_SEED=3', 'OMNI_SEED="unclosed', "OMNI_MODE='shadow'", '=', '#x', '\u0000'),
    ),
    { maxLength: 5 },
  )
  .map((lines) => lines.join('\n'));

describe('fuzz: config files and environment', () => {
  const base = join(dir, 'config');
  it(`loads ${CONFIG_RUNS} fuzzed JSON files, .env files and environments as a ConfigError or a finite config`, () => {
    fc.assert(
      fc.property(
        fc.option(jsonFrames([VALID_CONFIG]), { nil: undefined }),
        fc.option(envFileArb, { nil: undefined }),
        envArb,
        (json, envText, env) => {
          const files: { configFile?: string; envFile?: string | false } = { envFile: false };
          rmSync(base, { recursive: true, force: true });
          mkdirSync(base);
          if (json !== undefined) {
            writeFileSync(join(base, 'omni.json'), json);
            files.configFile = 'omni.json';
          }
          if (envText !== undefined) {
            writeFileSync(join(base, '.env'), envText);
            files.envFile = '.env';
          }
          const result = typedOr(() => loadConfig({ cwd: base, env, onWarning: () => {}, ...files }));
          // A config file must never reach Object.prototype (a "__proto__" key merged into it);
          // undone before failing, so the next cases (and fast-check's shrinking) start clean.
          const leaked = Object.keys(Object.prototype);
          for (const k of leaked) delete (Object.prototype as Record<string, unknown>)[k];
          expect(leaked).toEqual([]);
          if (result.ok) {
            expect(allNumbersFinite(result.value)).toBe(true);
            expect(result.value.symbols.length).toBeGreaterThan(0);
          } else expect(result.code).toMatch(/^CONFIG_/);
          configTally.record(result.ok ? 'accepted' : 'typed-error');
        },
      ),
      { seed: FUZZ_SEED, numRuns: CONFIG_RUNS },
    );
  });
});

const config = parseConfig({ seed: 11, engines: { governor: { minConfidence: 0.5 } } });
const deps = () => ({ config, sequence: new MomentumSequenceModel() });
const market = syntheticMarket({ seed: 7, count: 700 });

/** A governor that learned from the trades of a short synthetic market: a realistic snapshot to damage. */
function trainedSnapshot(): unknown {
  const governor = new MasterGovernorX100(deps());
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
    if (settled) governor.learn(settled.outcome, audit);
  }
  return JSON.parse(JSON.stringify(governor.snapshot()));
}

/** Decides on a few ticks with a restored governor; every decision's numbers must be finite. */
function decideAFew(governor: MasterGovernorX100): void {
  for (let i = 600; i < 640; i++) {
    const t = market[i] as MarketTick;
    const audit = governor.decide({
      decisionId: `f-${i}`,
      features: t.features,
      window: t.window,
      balanceUsd: 10_000,
      arbitrage: { candidates: testRouteCandidates() },
      dexVolatility: t.dexVolatility,
    });
    expect(allNumbersFinite(audit.decision)).toBe(true);
  }
}

describe('fuzz: learner state files', () => {
  const snapshot = trainedSnapshot();
  const validText = JSON.stringify(snapshot);
  const cases = fc.oneof(
    jsonFrames([snapshot]).map((text) => Buffer.from(text)),
    damagedBytes(Buffer.from(validText)),
  );

  it(`loads ${STATE_RUNS} damaged governor.json files as a StateError or a governor that decides finitely`, () => {
    const path = join(dir, 'governor.json');
    const store = new LearnerStateStore(path);
    for (const bytes of seededSample(cases, STATE_RUNS)) {
      writeFileSync(path, bytes);
      const loaded = typedOr(() => store.load());
      if (!loaded.ok) {
        expect(loaded.code).toMatch(/^STATE_/);
        learnerTally.record('typed-error');
        continue;
      }
      const restored = typedOr(() => MasterGovernorX100.restore(loaded.value, deps()));
      if (!restored.ok) {
        learnerTally.record('typed-error');
        continue;
      }
      decideAFew(restored.value);
      learnerTally.record('accepted');
    }
  });
});

describe('fuzz: PatternMemory snapshots', () => {
  const memory = new PatternMemory({ alpha: 2, beta: 2 });
  const key = { pattern: 'gartley', direction: 'bullish', regime: 'trending', timeframe: '1h' } as const;
  memory.store({ ...key, won: true, r: 1.5 });
  memory.store({ ...key, regime: 'volatile', won: false, r: -1 });
  memory.store({ ...key, pattern: 'bat', won: true, r: 2 });
  const valid = memory.toJSON();

  it(`loads ${MEMORY_RUNS} damaged snapshots as a StateError or a memory with finite statistics`, () => {
    const path = join(dir, 'memory.json');
    const cases = fc.oneof(
      jsonFrames([valid]).map((text) => Buffer.from(text)),
      damagedBytes(Buffer.from(JSON.stringify(valid))),
    );
    for (const bytes of seededSample(cases, MEMORY_RUNS)) {
      writeFileSync(path, bytes);
      const loaded = typedOr(() => PatternMemory.load(path));
      if (!loaded.ok) {
        expect(loaded.code).toMatch(/^STATE_/);
        memoryTally.record('typed-error');
        continue;
      }
      const m = loaded.value;
      expect(allNumbersFinite(m.toJSON())).toBe(true);
      expect(allNumbersFinite(m.patterns())).toBe(true);
      expect(allNumbersFinite(m.recall())).toBe(true);
      expect(Number.isFinite(m.confidenceWeight(key))).toBe(true);
      memoryTally.record('accepted');
    }
  });
});
