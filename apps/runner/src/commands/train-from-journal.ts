import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { listJournalFiles, type Market, type OmniConfig, Rng, RuntimeError } from '@omni/core';
import {
  JournalReplayLedger,
  journalSha256,
  type RlUpdateSummary,
  TrainingOrchestrator,
} from '@omni/learning';
import { createDefaultBrain } from '@omni/runtime';
import { MomentumSequenceModel } from '@omni/sequence';
import { isRunFolder } from '../output-dir.js';
import { formatTable } from '../table.js';
import { stateDir } from './check.js';

/** Options of `omni train --from-journal`. */
export interface TrainFromJournalOptions {
  /** The run folder whose decisions.jsonl and trades.jsonl are replayed. */
  readonly runDir: string;
  /** Learner state file (default `<logDir>/state/governor.json`, the one shadow and live runs restore). */
  readonly state?: string;
}

/** How one regime × engine entry of the regime learner moved. */
export interface RegimeChange {
  readonly regimeKey: string;
  readonly engine: Market;
  readonly outcomesBefore: number;
  readonly outcomesAfter: number;
  readonly qBefore: number;
  readonly qAfter: number;
}

/** What `omni train --from-journal` learned and wrote. */
export interface TrainFromJournalResult {
  readonly runDir: string;
  readonly statePath: string;
  /** True when no state file existed: the learners started from the configuration's defaults. */
  readonly fresh: boolean;
  readonly summary: RlUpdateSummary;
  /** Every regime × engine entry the replay updated, in the order first updated. */
  readonly regime: readonly RegimeChange[];
  /** The file recording which journals were learned from (so a run is never learned twice). */
  readonly ledgerPath: string;
}

/** The ledger of journals replayed into `statePath`: `governor.json` → `governor.replayed.json`. */
export function replayLedgerPath(statePath: string): string {
  return statePath.endsWith('.json')
    ? `${statePath.slice(0, -'.json'.length)}.replayed.json`
    : `${statePath}.replayed.json`;
}

/** The flags of `omni train`, as far as telling its two jobs apart goes. */
export interface TrainFlags {
  readonly fromJournal?: string;
  readonly out?: string;
  readonly updateBundled?: boolean;
  readonly seed?: string;
  readonly until?: string;
  readonly state?: string;
  readonly config?: string;
  readonly json?: boolean;
}

/**
 * Refuses flags of the other job of `omni train` (RuntimeError `RUNTIME_BAD_INPUT`): model-training
 * flags with `--from-journal`, and `--state`, `--config` without it (`--json` goes with both).
 */
export function checkTrainFlags(flags: TrainFlags): void {
  const replay = flags.fromJournal !== undefined;
  const foreign: readonly (readonly [string, unknown])[] = replay
    ? [
        ['--out', flags.out],
        ['--update-bundled', flags.updateBundled],
        ['--seed', flags.seed],
        ['--until', flags.until],
      ]
    : [
        ['--state', flags.state],
        ['--config', flags.config],
      ];
  for (const [flag, value] of foreign) {
    if (value === undefined) continue;
    throw new RuntimeError(
      'RUNTIME_BAD_INPUT',
      replay
        ? `${flag} trains the sequence model and does not go with --from-journal`
        : `${flag} only goes with --from-journal`,
      { flag },
    );
  }
}

function notARun(runDir: string, why: string): never {
  throw new RuntimeError(
    'RUNTIME_BAD_INPUT',
    `--from-journal ${why}`,
    { dir: runDir },
    {
      details: ['pass the folder of a run, e.g. omni-runs/latest after omni backtest'],
    },
  );
}

/** The mode the run recorded in summary.json; a run without one that has a checkpoint is a shadow run. */
function runMode(runDir: string): string | undefined {
  const summaryPath = join(runDir, 'summary.json');
  if (existsSync(summaryPath)) {
    try {
      const mode = (JSON.parse(readFileSync(summaryPath, 'utf8')) as { run?: { mode?: unknown } }).run?.mode;
      if (typeof mode === 'string') return mode;
    } catch {
      // A damaged summary says nothing about the mode; the journals are what is learned from.
    }
  }
  return existsSync(join(runDir, 'checkpoint.json')) ? 'shadow' : undefined;
}

/**
 * Replays a run folder's journals into the governor's learner state through @omni/learning's
 * TrainingOrchestrator: each settled trade of trades.jsonl is joined to its decision in
 * decisions.jsonl (audit seals and checkpoints skipped; rotated files read in write order) and
 * teaches the regime learner its R-multiple and, for arbitrage, the route learner its USD profit.
 * The state is read and written through the LearnerStateStore the runtime uses
 * (`createDefaultBrain`), so the next shadow or live run starts from it. A run is learned from once per state file (a ledger beside it records the
 * journals' hashes), and a shadow run, which already taught the default state online, is refused for it.
 * Throws RuntimeError `RUNTIME_BAD_INPUT` for a folder that is not a run.
 */
export async function runTrainFromJournal(
  config: OmniConfig,
  options: TrainFromJournalOptions,
): Promise<TrainFromJournalResult> {
  const runDir = resolve(options.runDir);
  if (!existsSync(runDir)) notARun(runDir, 'names a folder that does not exist');
  if (!statSync(runDir).isDirectory()) notARun(runDir, 'names a file, not a run folder');
  if (!isRunFolder(runDir))
    notARun(
      runDir,
      'names a folder that is not an omni run folder (no .omni-run marker, and files a run does not write)',
    );
  const decisionFiles = listJournalFiles(join(runDir, 'decisions.jsonl'));
  const tradeFiles = listJournalFiles(join(runDir, 'trades.jsonl'));
  if (decisionFiles.length === 0) notARun(runDir, 'names a run folder without decisions.jsonl');
  if (tradeFiles.length === 0) notARun(runDir, 'names a run folder without trades.jsonl');

  const defaultState = resolve(stateDir(config), 'governor.json');
  const statePath = resolve(options.state ?? defaultState);
  if (runMode(runDir) === 'shadow' && statePath === defaultState) {
    throw new RuntimeError(
      'RUNTIME_BAD_INPUT',
      'this is a shadow run: it taught the learner state online while it ran, so replaying its journals into that state would count every trade twice',
      { dir: runDir, state: statePath },
      { details: ['replay backtest runs, or pass --state to teach another state file'] },
    );
  }
  const ledgerPath = replayLedgerPath(statePath);
  const ledger = new JournalReplayLedger(ledgerPath);
  const journals = {
    runDir,
    decisionsSha256: journalSha256(decisionFiles),
    tradesSha256: journalSha256(tradeFiles),
  };
  const earlier = ledger.find(journals);
  if (earlier) {
    throw new RuntimeError(
      'RUNTIME_BAD_INPUT',
      'these journals were already learned into this state; learning them again would count every trade twice',
      { dir: runDir, state: statePath, learnedFrom: earlier.runDir, ledger: ledgerPath },
    );
  }

  const fresh = !existsSync(statePath);
  // The same governor a shadow run would start with (root Rng of the config seed, forked 'governor'),
  // restored from the state file when it exists. The sequence model takes no part in learning.
  const brain = createDefaultBrain({
    config,
    rng: new Rng(config.seed).fork('governor'),
    sequence: new MomentumSequenceModel(),
    statePath,
  });
  const { regimeRL, arbitrage } = brain.governor.learners;
  // Each regime × engine entry as it stood before its first update, in the order first touched.
  const touched = new Map<string, { regimeKey: string; engine: Market; count: number; q: number }>();
  const summary = await new TrainingOrchestrator({ engines: config.engines }).updateRlFromTrades(
    tradeFiles,
    decisionFiles,
    {
      regime: {
        update: (regimeKey, engine, reward) => {
          const key = `${regimeKey} ${engine}`;
          if (engine !== 'none' && !touched.has(key)) {
            const count = regimeRL.counts(regimeKey)[engine];
            touched.set(key, { regimeKey, engine, count, q: regimeRL.values(regimeKey)[engine] });
          }
          regimeRL.update(regimeKey, engine, reward);
        },
      },
      routes: arbitrage,
    },
  );
  const regime: RegimeChange[] = [...touched.values()].map((t) => ({
    regimeKey: t.regimeKey,
    engine: t.engine,
    outcomesBefore: t.count,
    outcomesAfter: regimeRL.counts(t.regimeKey)[t.engine],
    qBefore: t.q,
    qAfter: regimeRL.values(t.regimeKey)[t.engine],
  }));
  brain.save();
  ledger.record({ ...journals, trades: summary.trades });
  return { runDir, statePath, fresh, summary, regime, ledgerPath };
}

/** `omni train --from-journal` as text. */
export function formatTrainFromJournal(result: TrainFromJournalResult): string {
  const s = result.summary;
  const lines = [
    `learned from ${result.runDir}: ${s.trades} trades, ${s.regimeUpdates} regime-learner updates, ${s.routeUpdates} route-learner updates`,
  ];
  if (s.unmatchedDecisionIds.length > 0) {
    lines.push(`skipped ${s.unmatchedDecisionIds.length} trades without a trade decision in decisions.jsonl`);
  }
  if (s.unrewardedDecisionIds.length > 0) {
    lines.push(`skipped ${s.unrewardedDecisionIds.length} trades without USD at risk (no reward)`);
  }
  if (s.tornLines > 0) lines.push(`skipped ${s.tornLines} torn last lines (a writer stopped mid-record)`);
  if (result.regime.length > 0) {
    lines.push(
      '',
      formatTable(
        ['regime', 'engine', 'outcomes', 'Q before', 'Q after'],
        result.regime.map((r) => [
          r.regimeKey,
          r.engine,
          `${r.outcomesBefore} → ${r.outcomesAfter}`,
          r.qBefore.toFixed(4),
          r.qAfter.toFixed(4),
        ]),
      ),
      '',
    );
  }
  lines.push(
    `wrote ${result.statePath}${result.fresh ? ' (a new state: none existed)' : ''}; shadow and live runs with this log dir start from it`,
    `recorded the journals in ${result.ledgerPath} (a run is learned from once)`,
  );
  return lines.join('\n');
}
