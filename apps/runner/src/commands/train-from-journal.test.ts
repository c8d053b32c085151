import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { omni } from '../cli.fixture.js';
import type { TrainFromJournalResult } from './train-from-journal.js';

// `omni train --from-journal` replays a real backtest's journals (two years of bundled EURUSD) into
// a learner state in a temp log dir. The expected Q-values are worked out here from the journals
// alone: reward = pnl / approved USD risk, clipped to ±5 R, and RegimeSwitchingRL's sample average
// with its prior worth 2 outcomes: Q_n = (2·Q_0 + Σ r) / (2 + n).

const CONFIG_ENV = /^(OMNI_|MT5_|POCKET_|DEX_|MEV_|SEQ_MODEL_ONNX$)/;
const savedEnv: Record<string, string | undefined> = {};
let work: string;
let run: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'omni-train-journal-'));
  for (const key of Object.keys(process.env)) {
    if (CONFIG_ENV.test(key)) {
      savedEnv[key] = process.env[key];
      delete process.env[key];
    }
  }
  process.env['OMNI_LOG_DIR'] = join(work, 'logs');
  run = join(work, 'run');
  const backtest = await omni([
    'backtest',
    '--symbol',
    'EURUSD',
    '--from',
    '2012-01-01',
    '--to',
    '2013-12-31',
    '--quiet',
    '--out',
    run,
  ]);
  expect(backtest.code).toBe(0);
}, 60_000);

afterAll(() => {
  delete process.env['OMNI_LOG_DIR'];
  for (const [key, value] of Object.entries(savedEnv)) if (value !== undefined) process.env[key] = value;
  rmSync(work, { recursive: true, force: true });
});

function lines(path: string): unknown[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown);
}

/** Rewards per `regimeKey engine`, in trade order, from the run's journals by hand. */
function rewardsFromJournals(dir: string): Map<string, number[]> {
  const decisions = new Map<string, { regimeKey: string; engine: string; riskUsd: number }>();
  for (const line of lines(join(dir, 'decisions.jsonl'))) {
    const entry = (line as { entry?: Record<string, unknown> }).entry;
    if (!entry) continue; // a seal or a checkpoint of skipped decisions
    const decision = entry['decision'] as { id: string; engine: string };
    const approval = entry['approval'] as { riskUsd?: number } | undefined;
    if (decision.engine === 'none' || approval?.riskUsd === undefined) continue;
    decisions.set(decision.id, {
      regimeKey: entry['regimeKey'] as string,
      engine: decision.engine,
      riskUsd: approval.riskUsd,
    });
  }
  const rewards = new Map<string, number[]>();
  for (const line of lines(join(dir, 'trades.jsonl'))) {
    const trade = line as { decisionId: string; pnl: number };
    const d = decisions.get(trade.decisionId);
    if (!d) throw new Error(`trade ${trade.decisionId} has no approved decision`);
    const key = `${d.regimeKey} ${d.engine}`;
    rewards.set(key, [...(rewards.get(key) ?? []), Math.max(-5, Math.min(5, trade.pnl / d.riskUsd))]);
  }
  return rewards;
}

async function learn(args: readonly string[]): Promise<TrainFromJournalResult> {
  const result = await omni(['train', '--json', ...args]);
  expect(result.err).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.out) as TrainFromJournalResult;
}

describe('omni train --from-journal', () => {
  it('teaches the regime learner the R-multiple of every trade and writes the learner state', async () => {
    const state = join(work, 'fresh', 'governor.json');
    const result = await learn(['--from-journal', run, '--state', state]);
    const rewards = rewardsFromJournals(run);
    const trades = lines(join(run, 'trades.jsonl')).length;
    expect(trades).toBeGreaterThan(10);
    expect(result.fresh).toBe(true);
    expect(result.summary).toEqual({
      trades,
      regimeUpdates: trades,
      routeUpdates: 0,
      unmatchedDecisionIds: [],
      unrewardedDecisionIds: [],
      tornLines: 0,
    });
    expect(new Set(result.regime.map((r) => `${r.regimeKey} ${r.engine}`))).toEqual(new Set(rewards.keys()));
    const saved = JSON.parse(readFileSync(state, 'utf8')) as {
      regimeRL: { table: Record<string, Record<string, { value: number; count: number }>> };
    };
    for (const change of result.regime) {
      const r = rewards.get(`${change.regimeKey} ${change.engine}`) ?? [];
      const expected = (2 * change.qBefore + r.reduce((a, b) => a + b, 0)) / (2 + r.length);
      expect([change.outcomesBefore, change.outcomesAfter]).toEqual([0, r.length]);
      expect(change.qAfter).toBeCloseTo(expected, 12);
      expect(saved.regimeRL.table[change.regimeKey]?.[change.engine]).toEqual({
        value: change.qAfter,
        count: r.length,
      });
    }
  });

  it('writes to <logDir>/state/governor.json by default and prints what it learned', async () => {
    const result = await omni(['train', '--from-journal', run]);
    expect(result.code).toBe(0);
    const state = join(work, 'logs', 'state', 'governor.json');
    expect(result.out).toContain(`wrote ${state} (a new state: none existed)`);
    expect(result.out).toMatch(
      /learned from .*: \d+ trades, \d+ regime-learner updates, 0 route-learner updates/,
    );
    expect(JSON.parse(readFileSync(state, 'utf8')).kind).toBe('master-governor-x100');
  });

  it('refuses the same journals a second time and leaves the state as it was', async () => {
    const state = join(work, 'twice', 'governor.json');
    await learn(['--from-journal', run, '--state', state]);
    const before = readFileSync(state);
    const again = await omni(['train', '--from-journal', run, '--state', state]);
    expect(again.code).toBe(2);
    expect(again.err).toContain('already learned into this state');
    expect(readFileSync(state).equals(before)).toBe(true);
  });

  it('learns on top of an existing state: counts continue from what it holds', async () => {
    const state = join(work, 'on-top', 'governor.json');
    const first = await learn(['--from-journal', run, '--state', state]);
    // The same run cut after its first three trades: other bytes, so other journals.
    const part = join(work, 'part');
    cpSync(run, part, { recursive: true });
    const kept = readFileSync(join(run, 'trades.jsonl'), 'utf8').split('\n').slice(0, 3);
    writeFileSync(join(part, 'trades.jsonl'), `${kept.join('\n')}\n`);
    const second = await learn(['--from-journal', part, '--state', state]);
    expect(second.fresh).toBe(false);
    expect(second.summary.trades).toBe(3);
    expect(second.regime.length).toBeGreaterThan(0);
    for (const change of second.regime) {
      const earlier = first.regime.find(
        (r) => r.regimeKey === change.regimeKey && r.engine === change.engine,
      );
      expect(change.outcomesBefore).toBe(earlier?.outcomesAfter);
      expect(change.qBefore).toBe(earlier?.qAfter);
    }
  });

  it('refuses a shadow run for the state it taught online, and accepts it for another --state', async () => {
    const shadow = join(work, 'shadow-run');
    cpSync(run, shadow, { recursive: true });
    const summary = JSON.parse(readFileSync(join(shadow, 'summary.json'), 'utf8'));
    writeFileSync(
      join(shadow, 'summary.json'),
      JSON.stringify({ ...summary, run: { ...summary.run, mode: 'shadow' } }),
    );
    const refused = await omni(['train', '--from-journal', shadow]);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('this is a shadow run');
    const other = await learn(['--from-journal', shadow, '--state', join(work, 'other', 'governor.json')]);
    expect(other.summary.trades).toBeGreaterThan(0);
  });

  it('exits 2 for a folder that is not a run, a missing folder and a run without journals', async () => {
    const notRun = join(work, 'not-a-run');
    mkdirSync(notRun);
    writeFileSync(join(notRun, 'notes.txt'), 'hello\n');
    const empty = join(work, 'empty-run');
    mkdirSync(empty);
    writeFileSync(join(empty, '.omni-run'), '{"kind":"omni-run","version":1}\n');
    const cases: [string, string][] = [
      [notRun, 'is not an omni run folder'],
      [join(work, 'nowhere'), 'does not exist'],
      [empty, 'without decisions.jsonl'],
    ];
    for (const [dir, message] of cases) {
      const result = await omni([
        'train',
        '--from-journal',
        dir,
        '--state',
        join(work, 'x', 'governor.json'),
      ]);
      expect([result.code, result.err.includes(message)]).toEqual([2, true]);
    }
  });

  it('refuses model-training flags with --from-journal, and its own flags without it', async () => {
    const result = await omni(['train', '--from-journal', run, '--until', '2000-01-01']);
    expect(result.code).toBe(2);
    expect(result.err).toContain('--until trains the sequence model and does not go with --from-journal');
    const alone = await omni(['train', '--state', join(work, 'y', 'governor.json')]);
    expect(alone.code).toBe(2);
    expect(alone.err).toContain('--state only goes with --from-journal');
  });
});
