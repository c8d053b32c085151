import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type OmniConfig, toJsonLine } from '@omni/core';

/**
 * The runbook's change management (section 6) as code: a configuration reaches scaled-live only
 * after a passed backtest, shadow run and micro-live run *of the same strategy*, read from the run
 * folders' summary.json files (the one home of a run's results). "The same strategy" is the
 * digest of what the runbook names — the model, the engines' settings (engine selection, learner,
 * ladder, TP/SL): `engines` and `seqModelOnnx`. Risk caps are not in it: they differ between modes
 * by design (micro-live tightens them).
 */

/** The digest of a configuration's strategy. */
export function strategyDigest(config: Pick<OmniConfig, 'engines' | 'seqModelOnnx'>): string {
  const strategy = { engines: config.engines, model: config.seqModelOnnx ?? 'bundled' };
  return createHash('sha256').update(toJsonLine(strategy)).digest('hex').slice(0, 16);
}

/** One finished run, as the promotion rule reads it. */
export interface RunRecord {
  readonly dir: string;
  readonly mode: string;
  readonly digest: string;
  readonly trades: number;
  readonly pnl: number;
  readonly maxDrawdownPct: number;
  readonly lastTsMs: number | null;
}

/** Summaries found under `root` (down to `maxDepth` folders), oldest first; unreadable ones are skipped. */
export function findRunRecords(root: string, maxDepth = 3): RunRecord[] {
  const out: RunRecord[] = [];
  const walk = (dir: string, depth: number): void => {
    const file = join(dir, 'summary.json');
    if (existsSync(file)) {
      const record = readRecord(dir, file);
      if (record) out.push(record);
    }
    if (depth >= maxDepth) return;
    let entries: string[];
    try {
      entries = readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
        .map((e) => e.name)
        .sort();
    } catch {
      return;
    }
    for (const name of entries) walk(join(dir, name), depth + 1);
  };
  if (existsSync(root)) walk(root, 0);
  return out.sort((a, b) => (a.lastTsMs ?? 0) - (b.lastTsMs ?? 0) || a.dir.localeCompare(b.dir));
}

function readRecord(dir: string, file: string): RunRecord | undefined {
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as {
      run?: { mode?: unknown };
      config?: Pick<OmniConfig, 'engines' | 'seqModelOnnx'>;
      trades?: unknown;
      pnl?: unknown;
      maxDrawdownPct?: unknown;
      lastTsMs?: unknown;
    };
    if (typeof s.run?.mode !== 'string' || s.config?.engines === undefined) return undefined;
    if (typeof s.trades !== 'number' || typeof s.pnl !== 'number') return undefined;
    return {
      dir,
      mode: s.run.mode,
      digest: strategyDigest(s.config),
      trades: s.trades,
      pnl: s.pnl,
      maxDrawdownPct: typeof s.maxDrawdownPct === 'number' ? s.maxDrawdownPct : 1,
      lastTsMs: typeof s.lastTsMs === 'number' ? s.lastTsMs : null,
    };
  } catch {
    return undefined;
  }
}

/** Whether scaled-live may start, with the runs that prove it or what is missing. */
export type PromotionVerdict =
  | { readonly ok: true; readonly evidence: Readonly<Record<'backtest' | 'shadow' | 'micro-live', string>> }
  | { readonly ok: false; readonly missing: readonly string[] };

/**
 * The runbook's rule: a backtest with positive stats, a shadow run that shows an edge (a profit over
 * at least `minShadowTrades` trades) and a micro-live run with a net profit over `minMicroTrades`
 * trades and a drawdown of at most `maxMicroDrawdownPct`, all of the strategy `digest`.
 */
export function promotionVerdict(
  records: readonly RunRecord[],
  digest: string,
  rule: OmniConfig['live']['scaled'],
): PromotionVerdict {
  const mine = records.filter((r) => r.digest === digest);
  const find = (mode: string, pass: (r: RunRecord) => boolean): RunRecord | undefined =>
    [...mine].reverse().find((r) => r.mode === mode && pass(r));
  const backtest = find('backtest', (r) => r.trades > 0 && r.pnl > 0);
  const shadow = find('shadow', (r) => r.trades >= rule.minShadowTrades && r.pnl > 0);
  const micro = find(
    'micro-live',
    (r) => r.trades >= rule.minMicroTrades && r.pnl > 0 && r.maxDrawdownPct * 100 <= rule.maxMicroDrawdownPct,
  );
  const missing: string[] = [];
  if (!backtest) missing.push('a backtest with a positive PnL');
  if (!shadow) missing.push(`a shadow run with a positive PnL over at least ${rule.minShadowTrades} trades`);
  if (!micro) {
    missing.push(
      `a micro-live run with a net profit over at least ${rule.minMicroTrades} trades and a drawdown of at most ${rule.maxMicroDrawdownPct}%`,
    );
  }
  if (!backtest || !shadow || !micro) return { ok: false, missing };
  return { ok: true, evidence: { backtest: backtest.dir, shadow: shadow.dir, 'micro-live': micro.dir } };
}

/**
 * Scaled-live's stake cap, raised gradually: from the venue minimum, doubled for every `stepTrades`
 * settled scaled-live trades while the scaled-live record is at a profit, never above
 * `risk.maxStakeUsd`. A scaled-live record at a loss holds the cap at the minimum.
 */
export function scaledStakeCap(
  records: readonly RunRecord[],
  digest: string,
  minimum: number,
  maximum: number,
  stepTrades: number,
): number {
  const scaled = records.filter((r) => r.digest === digest && r.mode === 'scaled-live');
  const trades = scaled.reduce((n, r) => n + r.trades, 0);
  const pnl = scaled.reduce((n, r) => n + r.pnl, 0);
  if (pnl < 0) return Math.min(minimum, maximum);
  const steps = Math.floor(trades / stepTrades);
  return Math.min(maximum, minimum * 2 ** Math.min(steps, 30));
}
