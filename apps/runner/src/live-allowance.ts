import { join } from 'node:path';
import { RuntimeError, readJsonFile, writeJsonAtomic } from '@omni/core';
import type { LiveAllowance } from '@omni/execution';
import { z } from 'zod';

/**
 * The operator's permissions to resume live trading at a venue after an incident (runbook 5.1: a
 * venue that was unhealthy stays in shadow until it is healthy again *and* an operator allows it).
 * `omni safety allow-live` writes one; a running `omni live` reads it while it waits (at most once a
 * second) and journals `VENUE_LIVE_RESUMED` with the operator and reason. A permission counts only
 * for incidents that began before it.
 */

const AllowanceSchema = z.object({
  tsMs: z.number().int().nonnegative(),
  operator: z.string().min(1),
  reason: z.string().min(1),
});
const AllowancesSchema = z.object({
  kind: z.literal('omni-live-allowances'),
  version: z.literal(1),
  venues: z.record(z.string(), AllowanceSchema),
});

/** Where the permissions of a state folder are kept. */
export function allowancePath(stateDir: string): string {
  return join(stateDir, 'live-allow.json');
}

/** The latest permission for `venue`, if any (a missing file is none; an unreadable one is a StateError). */
export function readAllowance(stateDir: string, venue: string): LiveAllowance | undefined {
  return readJsonFile(allowancePath(stateDir), AllowancesSchema)?.venues[venue];
}

/** Records a permission for `venue` now; the reason is required (it is journaled). */
export function writeAllowance(stateDir: string, venue: string, allowance: LiveAllowance): LiveAllowance {
  if (allowance.reason.trim() === '' || allowance.operator.trim() === '') {
    throw new RuntimeError('RUNTIME_BAD_INPUT', 'allow-live needs a reason and an operator', { venue });
  }
  const current = readJsonFile(allowancePath(stateDir), AllowancesSchema);
  const venues = { ...(current?.venues ?? {}), [venue]: allowance };
  writeJsonAtomic(allowancePath(stateDir), { kind: 'omni-live-allowances', version: 1, venues });
  return allowance;
}
