/**
 * The crash suite's harness (chaos/crash-restart.chaos.test.ts): runs the BUILT `omni shadow` as a
 * child process and kills it with SIGKILL when what the child has written says so — its run
 * folder's journals grew past a byte count, or a line appeared on its stderr — never after a sleep.
 * Also the checks that a killed run folder must pass before it is restarted.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, type FSWatcher, mkdirSync, readdirSync, readFileSync, statSync, watch } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PositionLedgerStateSchema, readJsonFile, streamJournal, type TornLine } from '@omni/core';
import { GovernorSnapshotSchema } from '@omni/governor';
import { readCheckpoint, type SessionCheckpoint, verifyAuditTrail } from '@omni/runtime';
import { SafetyStateSchema } from '@omni/safety';

/** The built CLI every child runs. */
export const CLI = join(
  resolve(dirname(fileURLToPath(import.meta.url)), '..'),
  'apps',
  'runner',
  'dist',
  'cli.js',
);

/** When to kill a session: never (run to the end), on journal growth, or on a stderr line. */
export type KillTrigger =
  | { readonly kind: 'none' }
  /** Once the run folder's `*.jsonl` files together hold at least `bytes` bytes. */
  | { readonly kind: 'journal-bytes'; readonly bytes: number }
  /** Once a stderr line matches (e.g. the resume line: the kill lands in the silent replay). */
  | { readonly kind: 'stderr'; readonly pattern: RegExp };

/** One shadow run (a run folder and a state folder) and how its sessions are started. */
export interface ShadowRun {
  readonly data: string;
  readonly out: string;
  readonly logDir: string;
  /** `OMNI_*` settings of the run (the same for every session, or the resume is refused). */
  readonly env: Readonly<Record<string, string>>;
  /** Extra CLI flags (e.g. `--max-ticks`). */
  readonly flags?: readonly string[];
}

/** How one session ended. */
export interface SessionEnd {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The harness sent SIGKILL (the session may still have ended by itself just before). */
  readonly killed: boolean;
  readonly stderr: string;
}

/** Bytes of every journal in the run folder (rotated files included). */
export function journalBytes(out: string): number {
  let total = 0;
  let names: string[];
  try {
    names = readdirSync(out);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!name.endsWith('.jsonl')) continue;
    try {
      total += statSync(join(out, name)).size;
    } catch {
      // rotated or cut between readdir and stat: counted at the next event
    }
  }
  return total;
}

/**
 * Runs one `omni shadow` session of `run` and kills it with SIGKILL when `trigger` fires. The
 * run folder is watched (inotify): every write the child makes is an event, and the byte count is
 * taken at each one.
 */
export function runSession(run: ShadowRun, trigger: KillTrigger): Promise<SessionEnd> {
  mkdirSync(run.out, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...run.env,
    OMNI_LOG_DIR: run.logDir,
  };
  const args = [CLI, 'shadow', '--data', run.data, '--out', run.out, ...(run.flags ?? [])];
  return new Promise((resolvePromise, reject) => {
    const child: ChildProcess = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let killed = false;
    let watcher: FSWatcher | undefined;
    const kill = (): void => {
      if (killed || child.exitCode !== null || child.signalCode !== null) return;
      killed = true;
      child.kill('SIGKILL');
    };
    if (trigger.kind === 'journal-bytes') {
      watcher = watch(run.out, () => {
        if (journalBytes(run.out) >= trigger.bytes) kill();
      });
    }
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (trigger.kind === 'stderr' && trigger.pattern.test(stderr)) kill();
    });
    child.on('error', (err) => {
      watcher?.close();
      reject(err);
    });
    child.on('close', (code, signal) => {
      watcher?.close();
      resolvePromise({ code, signal, killed, stderr });
    });
  });
}

/** What a killed run folder held, checked before it is restarted. */
export interface CrashInspection {
  readonly checkpoint: SessionCheckpoint | undefined;
  /** Complete records per journal file. */
  readonly records: Readonly<Record<string, number>>;
  /** Torn last lines found (reported by the reader and skipped). */
  readonly torn: readonly TornLine[];
  /** `omni audit verify`'s check of decisions.jsonl: the chain is intact up to the crash. */
  readonly auditOk: boolean;
  readonly auditDecisions: number;
  readonly auditTornLastLine: boolean;
  /** Problems found (empty when the folder is as a crash may leave it). */
  readonly problems: readonly string[];
  /** Decision ids of trades.jsonl. */
  readonly tradeIds: readonly string[];
  /** Leftover temp files of atomic writes (a kill between the write and the rename). */
  readonly tempFiles: readonly string[];
}

/**
 * Checks a run folder and its state folder as a SIGKILL left them: every journal parses (a torn
 * last line is reported, never thrown), the audit chain verifies up to the crash, the learner,
 * ledger, safety and checkpoint files parse completely with their schemas (atomic writes: never
 * torn), every journal is at least as long as the checkpoint says (the resume can rewind it), and
 * no decision id appears twice in trades.jsonl or the ledger.
 */
export async function inspectCrashedRun(out: string, stateDir: string): Promise<CrashInspection> {
  const problems: string[] = [];
  const records: Record<string, number> = {};
  const torn: TornLine[] = [];
  const tradeIds: string[] = [];
  for (const name of readdirSync(out).filter((n) => n.endsWith('.jsonl'))) {
    let n = 0;
    try {
      for await (const record of streamJournal<Record<string, unknown>>(join(out, name), {
        onTorn: (t) => torn.push(t),
      })) {
        n++;
        if (name === 'trades.jsonl') tradeIds.push(String(record.decisionId));
      }
    } catch (err) {
      problems.push(`${name} does not parse: ${(err as Error).message}`);
    }
    records[name] = n;
  }
  if (new Set(tradeIds).size !== tradeIds.length)
    problems.push('a decision id appears twice in trades.jsonl');

  let auditOk = false;
  let auditDecisions = 0;
  let auditTornLastLine = false;
  const decisions = join(out, 'decisions.jsonl');
  if (existsSync(decisions)) {
    const audit = await verifyAuditTrail(decisions);
    auditOk = audit.ok;
    if (audit.ok) {
      auditDecisions = audit.decisions;
      auditTornLastLine = audit.tornLastLine;
    } else problems.push(`audit chain broken at line ${audit.line}: ${audit.problem}`);
  }

  const state = (file: string, read: () => unknown): void => {
    try {
      read();
    } catch (err) {
      problems.push(`${file} is not a complete save: ${(err as Error).message}`);
    }
  };
  let checkpoint: SessionCheckpoint | undefined;
  state('checkpoint.json', () => {
    checkpoint = readCheckpoint(out);
  });
  state('governor.json', () => readJsonFile(join(stateDir, 'governor.json'), GovernorSnapshotSchema));
  state('safety.json', () => readJsonFile(join(stateDir, 'safety.json'), SafetyStateSchema));
  state('ledger.json', () => {
    const ledger = readJsonFile(join(stateDir, 'ledger.json'), PositionLedgerStateSchema);
    const ids = (ledger?.open ?? []).map((p) => p.decisionId);
    if (new Set(ids).size !== ids.length) problems.push('a decision id is open twice in ledger.json');
  });
  if (checkpoint) {
    for (const [name, position] of Object.entries(checkpoint.journals)) {
      const path = join(out, name);
      const size = existsSync(path) ? statSync(path).size : 0;
      if (position.rotation === 0 && size < position.bytes)
        problems.push(`${name} is shorter (${size} B) than its checkpoint (${position.bytes} B)`);
    }
  }
  const tempFiles = [out, stateDir, join(out, 'origin')]
    .filter((dir) => existsSync(dir))
    .flatMap((dir) =>
      readdirSync(dir)
        .filter((n) => n.endsWith('.tmp'))
        .map((n) => join(dir, n)),
    );
  return {
    checkpoint,
    records,
    torn,
    auditOk,
    auditDecisions,
    auditTornLastLine,
    problems,
    tradeIds,
    tempFiles,
  };
}

/**
 * Whether the state files of `stateDir` are surely those of the checkpoint in `out`: each state
 * file is written before checkpoint.json in one save, so a file strictly older than checkpoint.json
 * belongs to its save (a kill between the two leaves the learners one save ahead). File times are
 * coarse (a few ms), so a tie says nothing and counts as no.
 */
export function stateBelongsToCheckpoint(out: string, stateDir: string): boolean {
  const checkpointNs = statSync(join(out, 'checkpoint.json'), { bigint: true }).mtimeNs;
  return ['governor.json', 'safety.json', 'ledger.json'].every(
    (name) => statSync(join(stateDir, name), { bigint: true }).mtimeNs < checkpointNs,
  );
}

/** The three state files of a state folder, as bytes. */
export function stateFiles(stateDir: string): Record<'governor' | 'safety' | 'ledger', string> {
  const read = (name: string): string => readFileSync(join(stateDir, name), 'utf8');
  return { governor: read('governor.json'), safety: read('safety.json'), ledger: read('ledger.json') };
}

/** The complete lines of a journal (the torn last line, if any, left out). */
export function journalLines(path: string): string[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  const end = text.lastIndexOf('\n');
  return end < 0 ? [] : text.slice(0, end).split('\n');
}
