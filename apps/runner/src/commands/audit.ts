import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RuntimeError } from '@omni/core';
import { type AuditVerification, verifyAuditTrail } from '@omni/runtime';

/** Verifies the hash chain of a run directory's `decisions.jsonl` (or of the file given). */
export async function runAuditVerify(target: string): Promise<{ file: string; result: AuditVerification }> {
  if (!existsSync(target))
    throw new RuntimeError('RUNTIME_BAD_INPUT', 'no such run directory or file', { path: target });
  const file = statSync(target).isDirectory() ? join(target, 'decisions.jsonl') : target;
  if (!existsSync(file))
    throw new RuntimeError('RUNTIME_BAD_INPUT', 'the run has no decisions.jsonl', { file });
  return { file, result: await verifyAuditTrail(file) };
}

/** One line a person reads. */
export function formatAudit(file: string, result: AuditVerification): string {
  if (result.ok) {
    return `ok: ${result.lines} decisions, hash chain intact (head ${result.lastHash.slice(0, 16)}…)${
      result.tornLastLine ? '; the last line was torn by a crash and is ignored' : ''
    } — ${file}`;
  }
  return `BROKEN at line ${result.line}: ${result.problem} (${result.lines} lines verified before it) — ${file}`;
}
