import { z } from 'zod';

/**
 * A confirmed swing point (a local extreme the swing detector will never revise).
 * `tsMs`/`index` locate the extreme itself; `confirmedTsMs` is when the detector knew it,
 * which is what no-look-ahead checks compare against.
 */
export const SwingSchema = z.object({
  kind: z.enum(['high', 'low']),
  price: z.number().finite().positive(),
  /** Time of the extreme (epoch ms). */
  tsMs: z.number().int().nonnegative(),
  /** Index of the bar (or tick) of the extreme in its series. */
  index: z.number().int().nonnegative(),
  /** Time at which the swing was confirmed (epoch ms), >= tsMs. */
  confirmedTsMs: z.number().int().nonnegative(),
});
/** A confirmed swing high or low. */
export type Swing = Readonly<z.infer<typeof SwingSchema>>;
