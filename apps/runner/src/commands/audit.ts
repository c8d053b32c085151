import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RuntimeError } from '@omni/core';
import { type AuditVerification, verifyAuditTrail } from '@omni/runtime';

/** Options of `omni audit verify`. */
export interface AuditVerifyOptions {
  /** Accept a trail without a closing seal (a run that is still going) when its chain is intact. */
  readonly allowUnsealed?: boolean;
}

/**
 * What `omni audit verify` concluded: `sealed` (complete and intact), `unsealed` (intact chain but no
 * closing seal: cut, or its run is still going or crashed) or `broken` (a line fails the chain).
 */
export type AuditVerdict = 'sealed' | 'unsealed' | 'broken';

/** The verification of one file and whether it passes (the exit code follows `passed`). */
export interface AuditVerifyReport {
  readonly file: string;
  readonly verdict: AuditVerdict;
  readonly passed: boolean;
  readonly result: AuditVerification;
}

/**
 * Verifies the hash chain, the closing seal and the completeness of a run directory's
 * `decisions.jsonl` (or of the file given): every decision number recorded or counted by a
 * checkpoint, without a gap or an overlap. An unsealed trail fails unless `allowUnsealed`; a broken
 * chain or a missing decision always fails.
 */
export async function runAuditVerify(
  target: string,
  options: AuditVerifyOptions = {},
): Promise<AuditVerifyReport> {
  if (!existsSync(target))
    throw new RuntimeError('RUNTIME_BAD_INPUT', 'no such run directory or file', { path: target });
  const file = statSync(target).isDirectory() ? join(target, 'decisions.jsonl') : target;
  if (!existsSync(file))
    throw new RuntimeError('RUNTIME_BAD_INPUT', 'the run has no decisions.jsonl', { file });
  const result = await verifyAuditTrail(file);
  const verdict: AuditVerdict = !result.ok ? 'broken' : result.sealed ? 'sealed' : 'unsealed';
  const passed = verdict === 'sealed' || (verdict === 'unsealed' && options.allowUnsealed === true);
  return { file, verdict, passed, result };
}

/**
 * What a person reads: the verdict first, then the numbers (decisions = recorded entries + the
 * decisions checkpoints count), then the file.
 */
export function formatAudit(report: AuditVerifyReport): string {
  const { file, result } = report;
  if (!result.ok)
    return `BROKEN at line ${result.line}: ${result.problem} (${result.lines} lines verified before it) — ${file}`;
  const head = `head ${result.lastHash.slice(0, 16)}…`;
  const torn = result.tornLastLine ? '; the last line was torn by a crash and is ignored' : '';
  const counts = `${result.decisions} decisions (${result.records} recorded, ${result.skippedDecisions} skipped in ${result.checkpoints} checkpoints)`;
  if (result.sealed) return `ok: ${counts}, hash chain intact, sealed (${head})${torn} — ${file}`;
  const unsealed = `not sealed: ${counts}; the journal was cut or the run is still going`;
  const chain = `hash chain intact over ${result.lines} lines, ${head}${torn}`;
  if (report.passed) return `ok (--allow-unsealed), ${unsealed} (${chain}) — ${file}`;
  return `${unsealed} (${chain}); --allow-unsealed accepts a run that is still going — ${file}`;
}

/**
 * The `--json` form: the verdict, whether it passed, the file and every number of the verification
 * (`lines`, `records`, `checkpoints`, `skippedDecisions`, `decisions`, `sealed`, `lastHash`, ...).
 */
export function auditJson(report: AuditVerifyReport): Record<string, unknown> {
  return { file: report.file, verdict: report.verdict, passed: report.passed, ...report.result };
}
