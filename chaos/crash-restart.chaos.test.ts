/**
 * Crash and restart (issue 18): the built `omni shadow` runs as a child process on a replay of the
 * bundled EURUSD data and is killed with SIGKILL at seeded points — when its journals have grown
 * past a seeded byte count, or right after it printed that it resumes (the kill lands in the silent
 * replay) — and restarted on the same run and state folders until it finishes. After every kill the
 * folders are checked as the crash left them; at the end the run must equal one never killed.
 * A second scenario kills an engine that a tripped cap froze, and checks it stays frozen.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '@omni/core';
import { bundledFxPath } from '@omni/feeds';
import { verifyAuditTrail } from '@omni/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLI,
  inspectCrashedRun,
  journalBytes,
  journalLines,
  type KillTrigger,
  runSession,
  type ShadowRun,
  stateBelongsToCheckpoint,
  stateFiles,
} from './crash-harness.js';

const SEED = 20261126;
/** Ticks of the replay: the first 1,000 days of the bundled EURUSD series (1999–2002). */
const TICKS = 1000;
/** Kills on journal growth, and kills right after the resume line, per chain. */
const BYTE_KILLS = 26;
const REPLAY_KILLS = 4;
/** Kills after which a torn last line is appended to trades.jsonl and decisions.jsonl. */
const TORN_EVERY = 4;
/** Kills whose state files are compared with a clean run stopped at the same checkpoint. */
const STATE_SAMPLES = 2;
const NONE: KillTrigger = { kind: 'none' };
const RESUME_LINE: KillTrigger = { kind: 'stderr', pattern: /shadow: resuming .* replaying/ };

/** Settings under which the engine trades often, so kills land between many settled trades. */
const TRADING_ENV = { OMNI_MAX_LOSS_STREAK: '1000', OMNI_MAX_DAILY_LOSS_USD: '100000' };

const tally = {
  kills: 0,
  survived: 0,
  resumedRuns: 0,
  replayKills: 0,
  auditChecks: 0,
  tornInjected: 0,
  tornReported: 0,
  stateSamples: 0,
  sessions: 0,
  frozenKills: 0,
  /** Sessions that finished before their planned kill landed (the chain then ends early). */
  missed: 0,
};
/** Temp files of atomic writes a kill left (distinct paths); the next session's first write removes them. */
const tempFilesLeft = new Set<string>();

let root: string;
let data: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'omni-chaos-crash-'));
  const rows = readFileSync(bundledFxPath('EURUSD'), 'utf8')
    .split('\n')
    .slice(0, TICKS + 1);
  data = join(root, 'EURUSD.csv');
  writeFileSync(data, `${rows.join('\n')}\n`);
});

afterAll(() => {
  console.log(
    `CHAOS crash kills=${tally.kills} survived=${tally.survived} resumed-runs=${tally.resumedRuns} ` +
      `replay-kills=${tally.replayKills} audit-checks=${tally.auditChecks} torn-injected=${tally.tornInjected} ` +
      `torn-reported=${tally.tornReported} state-samples=${tally.stateSamples} sessions=${tally.sessions} ` +
      `frozen-kills=${tally.frozenKills} missed-kills=${tally.missed} temp-files-left-by-kills=${tempFilesLeft.size}`,
  );
  if (process.env.CHAOS_KEEP !== '1') rmSync(root, { recursive: true, force: true });
  else console.log(`CHAOS crash folders kept in ${root}`);
});

function stateDirOf(run: ShadowRun): string {
  return join(run.logDir, 'state');
}

async function session(run: ShadowRun, trigger: KillTrigger): ReturnType<typeof runSession> {
  const end = await runSession(run, trigger);
  tally.sessions++;
  if (/shadow: resuming/.test(end.stderr)) tally.resumedRuns++;
  return end;
}

/** Runs `run` to its end without a kill; fails the test with its stderr otherwise. */
async function cleanRun(run: ShadowRun): Promise<void> {
  const end = await session(run, NONE);
  expect(end.code, end.stderr).toBe(0);
}

/** The seeded kill plan of one chain: rising byte counts, with resume-line kills among them. */
function killPlan(rng: Rng, totalBytes: number): KillTrigger[] {
  const bytes = new Set<number>();
  while (bytes.size < BYTE_KILLS)
    bytes.add(rng.int(Math.floor(totalBytes * 0.03), Math.floor(totalBytes * 0.8)));
  const plan: KillTrigger[] = [...bytes]
    .sort((a, b) => a - b)
    .map((b) => ({ kind: 'journal-bytes', bytes: b }));
  const at = new Set<number>();
  while (at.size < REPLAY_KILLS) at.add(rng.int(1, plan.length));
  for (const i of [...at].sort((a, b) => b - a)) plan.splice(i, 0, RESUME_LINE);
  return plan;
}

/** Appends the first half of the last complete line, as a kill in the middle of a write leaves it. */
function tearLastLine(path: string): void {
  const last = journalLines(path).at(-1);
  if (last === undefined || last.length < 2) return;
  appendFileSync(path, last.slice(0, Math.floor(last.length / 2)));
}

/** The summary of a run without the two fields that name its folders (`run.outDir`, `config.logDir`). */
function summaryOf(out: string): unknown {
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as {
    run: Record<string, unknown>;
    config: Record<string, unknown>;
  };
  return {
    ...summary,
    run: { ...summary.run, outDir: '<out>' },
    config: { ...summary.config, logDir: '<logs>' },
  };
}

function omniCli(args: readonly string[], logDir: string): { code: number | null; stdout: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, OMNI_LOG_DIR: logDir },
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout };
}

/**
 * One chain: a reference run never killed, then the same run killed by the plan and restarted
 * after each kill, checked after each kill and compared with the reference at the end.
 */
async function killChain(name: string, env: Record<string, string>): Promise<void> {
  const dir = join(root, name);
  const rng = new Rng(SEED).fork(name);
  const reference: ShadowRun = { data, out: join(dir, 'ref'), logDir: join(dir, 'ref-logs'), env };
  await cleanRun(reference);
  const plan = killPlan(rng, journalBytes(reference.out));

  const run: ShadowRun = { data, out: join(dir, 'killed'), logDir: join(dir, 'killed-logs'), env };
  const samples: { ticks: number; files: ReturnType<typeof stateFiles> }[] = [];
  let finishedEarly = false;
  for (const [i, trigger] of plan.entries()) {
    const end = await session(run, trigger);
    // A session after a kill that did not fail is one the kill survived.
    if (i > 0 && end.code !== 1 && end.code !== 2) tally.survived++;
    if (end.signal !== 'SIGKILL') {
      expect(end.code, end.stderr).toBe(0);
      finishedEarly = true;
      tally.missed += plan.length - i;
      break;
    }
    tally.kills++;
    if (trigger.kind === 'stderr') tally.replayKills++;

    const seen = await inspectCrashedRun(run.out, stateDirOf(run));
    expect(seen.problems, `after kill ${i + 1} of ${name}`).toEqual([]);
    tally.auditChecks++;
    tally.tornReported += seen.torn.length;
    for (const file of seen.tempFiles) tempFilesLeft.add(file);
    if ((i + 1) % TORN_EVERY === 0 && seen.checkpoint) {
      // A kill in the middle of a write: the readers report the torn line and skip it.
      for (const file of ['trades.jsonl', 'decisions.jsonl']) tearLastLine(join(run.out, file));
      tally.tornInjected += 2;
      const torn = await inspectCrashedRun(run.out, stateDirOf(run));
      expect(torn.problems).toEqual([]);
      expect(torn.records).toEqual(seen.records);
      expect(torn.auditTornLastLine).toBe(true);
      expect(torn.auditDecisions).toBe(seen.auditDecisions);
      tally.tornReported += torn.torn.length;
      if ((i + 1) / TORN_EVERY === 1) {
        // The CLI too: the chain is intact up to the crash, the torn line named and ignored.
        const cli = omniCli(['audit', 'verify', '--allow-unsealed', run.out], run.logDir);
        expect(cli.code, cli.stdout).toBe(0);
        expect(cli.stdout).toMatch(
          /^ok \(--allow-unsealed\), not sealed: .*the last line was torn by a crash/,
        );
      }
    }
    const ticks = seen.checkpoint?.ticks ?? 0;
    if (
      samples.length < STATE_SAMPLES &&
      ticks > 0 &&
      rng.bernoulli(0.5) &&
      stateBelongsToCheckpoint(run.out, stateDirOf(run))
    )
      samples.push({ ticks, files: stateFiles(stateDirOf(run)) });
  }
  if (!finishedEarly) {
    const last = await session(run, NONE);
    expect(last.code, last.stderr).toBe(0);
    tally.survived++;
  }

  // The trades, the audit trail and every journal are those of the run never killed.
  for (const file of ['trades.jsonl', 'decisions.jsonl', 'counterfactual.jsonl', 'alerts.jsonl']) {
    expect(readFileSync(join(run.out, file), 'utf8'), `${name} ${file}`).toBe(
      readFileSync(join(reference.out, file), 'utf8'),
    );
  }
  const trades = journalLines(join(run.out, 'trades.jsonl'));
  expect(trades.length).toBeGreaterThan(20);
  const ids = trades.map((line) => (JSON.parse(line) as { decisionId: string }).decisionId);
  expect(new Set(ids).size).toBe(ids.length);
  expect(stateFiles(stateDirOf(run))).toEqual(stateFiles(stateDirOf(reference)));
  // Temp files of writes a kill cut short were removed by the sessions after it.
  expect((await inspectCrashedRun(run.out, stateDirOf(run))).tempFiles).toEqual([]);
  expect(summaryOf(run.out)).toEqual(summaryOf(reference.out));
  const audit = await verifyAuditTrail(join(run.out, 'decisions.jsonl'));
  expect(audit).toMatchObject({ ok: true, sealed: true, tornLastLine: false });
  const cli = omniCli(['audit', 'verify', run.out], run.logDir);
  expect(cli.code, cli.stdout).toBe(0);
  expect(cli.stdout).toMatch(/^ok: .*sealed/);
  expect(tally.kills).toBeGreaterThan(0);

  // The state a kill left is the last complete save: a clean run stopped at the same tick wrote it.
  for (const [k, sample] of samples.entries()) {
    const stopped: ShadowRun = {
      data,
      out: join(dir, `stop-${k}`),
      logDir: join(dir, `stop-${k}-logs`),
      env,
      flags: ['--max-ticks', String(sample.ticks)],
    };
    await cleanRun(stopped);
    expect(sample.files, `${name}: state at tick ${sample.ticks}`).toEqual(stateFiles(stateDirOf(stopped)));
    tally.stateSamples++;
  }
}

describe('omni shadow killed with SIGKILL at seeded points and restarted', () => {
  it('ends with the journals, trades and state of a run never killed, after every kill checked', async () => {
    // Two chains side by side (one per core): decisions.jsonl recording every decision, and
    // recording only actions (the rest counted in checkpoint lines).
    await Promise.all([
      killChain('journal-all', TRADING_ENV),
      killChain('journal-actions', { ...TRADING_ENV, OMNI_JOURNAL_DECISIONS: 'actions' }),
    ]);
    expect(tally.kills).toBeGreaterThanOrEqual(50);
    expect(tally.survived).toBe(tally.kills);
  }, 600_000);
});

/** Settings under which the second loss in a row trips the cap, and a tripped cap freezes trading. */
const FREEZING_ENV = { OMNI_MAX_LOSS_STREAK: '2', OMNI_FREEZE_ON_CAP_TRIP: 'true' };

interface SafetyFile {
  readonly cooldown: { readonly limit: string } | null;
  readonly frozen: { readonly reason: string } | null;
}

/** The cooldown and freeze of a run's safety state file (its daily counters move on with the ticks). */
function safetyOf(run: ShadowRun): SafetyFile {
  const { cooldown, frozen } = JSON.parse(
    readFileSync(join(stateDirOf(run), 'safety.json'), 'utf8'),
  ) as SafetyFile;
  return { cooldown, frozen };
}

describe('a frozen engine killed with SIGKILL', () => {
  it('is still frozen and cooling down after each restart, and trades nothing more', async () => {
    const dir = join(root, 'frozen');
    const reference: ShadowRun = {
      data,
      out: join(dir, 'ref'),
      logDir: join(dir, 'ref-logs'),
      env: FREEZING_ENV,
    };
    await cleanRun(reference);
    const frozenAt = safetyOf(reference);
    expect(frozenAt.cooldown?.limit).toBe('maxLossStreak');
    expect(frozenAt.frozen?.reason).toMatch(/cap tripped: maxLossStreak/);
    const referenceTrades = journalLines(join(reference.out, 'trades.jsonl'));
    expect(referenceTrades.length).toBeGreaterThan(2);

    // Killed the moment it reports the freeze, then again well after it (frozen, in a resumed session).
    const run: ShadowRun = {
      data,
      out: join(dir, 'killed'),
      logDir: join(dir, 'killed-logs'),
      env: FREEZING_ENV,
    };
    const triggers: KillTrigger[] = [
      { kind: 'stderr', pattern: /\[SAFETY_FROZEN\]/ },
      { kind: 'journal-bytes', bytes: Math.floor(journalBytes(reference.out) * 0.7) },
    ];
    for (const trigger of triggers) {
      const end = await session(run, trigger);
      expect(end.signal, end.stderr).toBe('SIGKILL');
      tally.kills++;
      tally.frozenKills++;
      const seen = await inspectCrashedRun(run.out, stateDirOf(run));
      expect(seen.problems).toEqual([]);
      tally.auditChecks++;
      for (const file of seen.tempFiles) tempFilesLeft.add(file);
    }
    // The second kill came long after the trip: the last save on disk is frozen.
    expect(safetyOf(run)).toEqual(frozenAt);
    await cleanRun(run);
    tally.survived += triggers.length;
    for (const file of ['trades.jsonl', 'alerts.jsonl', 'decisions.jsonl']) {
      expect(readFileSync(join(run.out, file), 'utf8'), file).toBe(
        readFileSync(join(reference.out, file), 'utf8'),
      );
    }
    expect(safetyOf(run)).toEqual(frozenAt);
    const status = omniCli(['safety', 'status'], run.logDir);
    expect(status.code, status.stdout).toBe(0);
    expect(status.stdout).toMatch(/^mode\s+halted$/m);
    expect(status.stdout).toMatch(/^frozen\s+\{.*cap tripped: maxLossStreak/m);

    // A new run on the same state folder starts frozen: killed once, restarted, it trades nothing.
    const next: ShadowRun = { ...run, out: join(dir, 'next') };
    const killed = await session(next, {
      kind: 'journal-bytes',
      bytes: Math.floor(journalBytes(reference.out) * 0.3),
    });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    tally.kills++;
    tally.frozenKills++;
    expect((await inspectCrashedRun(next.out, stateDirOf(next))).problems).toEqual([]);
    await cleanRun(next);
    tally.survived++;
    expect(journalLines(join(next.out, 'trades.jsonl'))).toEqual([]);
    const summary = JSON.parse(readFileSync(join(next.out, 'summary.json'), 'utf8')) as {
      trades: number;
      safety: { mode: string; blockedTicks: number };
      funnel: { stages: { traded: number; 'warming-up': number } };
    };
    expect(summary.trades).toBe(0);
    expect(summary.funnel.stages.traded).toBe(0);
    expect(summary.safety.mode).toBe('halted');
    expect(summary.safety.blockedTicks).toBe(TICKS - summary.funnel.stages['warming-up']);
    expect(safetyOf(next)).toEqual(frozenAt);
  }, 300_000);
});
