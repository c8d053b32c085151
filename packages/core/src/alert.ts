import { z } from 'zod';

/** Severity of an alert. `critical` alerts are the ones that freeze or halt trading. */
export const AlertLevelSchema = z.enum(['info', 'warn', 'critical']);
export type AlertLevel = z.infer<typeof AlertLevelSchema>;

/** Something an operator should know: a skipped tick, a model fallback, a tripped limit. */
export const AlertSchema = z.object({
  tsMs: z.number().int().nonnegative(),
  level: AlertLevelSchema,
  /** An error code from `ERROR_CODES` or another stable identifier. */
  code: z.string().min(1),
  message: z.string().min(1),
  /** The component that raised it, e.g. `MarketNormalizer`, `SafetyManager`. */
  source: z.string().min(1),
  context: z.record(z.string(), z.unknown()).optional(),
});
export type Alert = Readonly<z.infer<typeof AlertSchema>>;
