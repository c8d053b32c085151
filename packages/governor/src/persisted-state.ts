import { StateError } from '@omni/core';
import { z } from 'zod';

/** Zod schema of a persisted core `Rng` state (`Rng.getState()`), so a learner resumes its exact stream. */
export const RngStateSchema = z.object({
  seedPath: z.string(),
  words: z.array(z.number().int()).length(4),
});

/** A finite number, the only kind of number a persisted learner state may contain. */
export const FiniteNumberSchema = z.number().finite();

/** A non-negative whole count. */
export const CountSchema = z.number().int().nonnegative();

/**
 * Validates a persisted learner state: checks `kind`, refuses a newer `version`, then parses it
 * with `schema`. Why: every learner's `fromJSON` must fail the same, actionable way (StateError
 * with every issue and its path) instead of turning a damaged file into NaN decisions.
 */
export function parseLearnerState<S extends z.ZodType>(
  schema: S,
  data: unknown,
  expected: { readonly kind: string; readonly version: number },
): z.output<S> {
  if (typeof data === 'object' && data !== null) {
    const record = data as { kind?: unknown; version?: unknown };
    if (record.kind !== undefined && record.kind !== expected.kind) {
      throw new StateError(
        'STATE_INVALID',
        `this state belongs to ${String(record.kind)}, not ${expected.kind}`,
        {
          expectedKind: expected.kind,
          kind: String(record.kind),
        },
      );
    }
    if (typeof record.version === 'number' && record.version > expected.version) {
      throw new StateError(
        'STATE_NEWER_VERSION',
        `the ${expected.kind} state was written by a newer version; upgrade @omni/governor`,
        { kind: expected.kind, version: record.version, supportedVersion: expected.version },
      );
    }
  }
  const result = schema.safeParse(data);
  if (!result.success) {
    throw new StateError(
      'STATE_INVALID',
      `the ${expected.kind} state does not match its schema; restore it or delete it to start fresh`,
      { kind: expected.kind },
      { details: result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`) },
    );
  }
  return result.data;
}
