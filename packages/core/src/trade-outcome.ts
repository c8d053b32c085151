import { z } from 'zod';
import { TakeProfitSchema } from './decision.js';
import { MarketSchema } from './market.js';
import { DirectionSchema } from './order.js';

/** Spot: the stop (a market order) closed the rest of the position. */
export const StopExitSchema = z.object({
  kind: z.literal('stop'),
  /** The fill was beyond the stop price: the market gapped through it. */
  gap: z.boolean(),
  /** The same price step also crossed a take-profit; the stop was assumed first (the conservative rule). */
  bothCrossed: z.boolean(),
});

/** Spot: take-profit rung `level` of `of` (1 = nearest the entry) closed its fraction of the position. */
export const TakeProfitExitSchema = z.object({
  kind: z.literal('take-profit'),
  level: z.number().int().positive(),
  of: z.number().int().positive(),
});

/** Spot: closed at market because its holding time ran out. */
export const TimeExitSchema = z.object({ kind: z.literal('time') });

/**
 * Spot: closed at market by the operator, a freeze or the venue, or cancelled at its fill because
 * the fill broke the bracket (then `size` is 0: it never opened), with the reason. Binary (and spot):
 * a live order the venue refused, or that was never bought, after it was sent — it never opened
 * (pnl 0; the runtime releases it without counting a trade).
 */
export const CancelledExitSchema = z.object({ kind: z.literal('cancelled'), reason: z.string().min(1) });

/** Binary: settled at expiry; `result` as `settleBinary` of @omni/execution decides it. */
export const ExpiryExitSchema = z.object({
  kind: z.literal('expiry'),
  result: z.enum(['win', 'loss', 'tie-refund', 'tie-loss']),
});

/** Arbitrage: the flash swap filled or reverted as one transaction (a revert costs only gas). */
export const AtomicExitSchema = z.object({
  kind: z.literal('atomic'),
  result: z.enum(['filled', 'reverted-liquidity', 'reverted-min-profit']),
});

/** How one leg of a spot position left the market. */
export const SpotExitSchema = z.discriminatedUnion('kind', [
  StopExitSchema,
  TakeProfitExitSchema,
  TimeExitSchema,
  CancelledExitSchema,
]);

/** How a trade ended, discriminated by `kind`: a spot exit, a binary expiry or an atomic arbitrage. */
export const TradeExitSchema = z.discriminatedUnion('kind', [
  StopExitSchema,
  TakeProfitExitSchema,
  TimeExitSchema,
  CancelledExitSchema,
  ExpiryExitSchema,
  AtomicExitSchema,
]);

/** The exit kinds each engine's outcome may carry. */
const EXIT_KINDS: Readonly<Record<z.infer<typeof MarketSchema>, readonly string[]>> = {
  spot: SpotExitSchema.options.map((o) => o.shape.kind.value),
  // A live binary the venue refused after it was sent never opened: it closes as `cancelled`.
  binary: ['expiry', 'cancelled'],
  arbitrage: ['atomic'],
};

/**
 * A settled trade, with everything a reader needs to re-check it from market data.
 * Timestamps are epoch milliseconds; money is USD.
 *
 * `exit` (and for spot `legs`) say how it ended as data; `rule` says the same for people and
 * must not be parsed. Records written before `exit` existed have neither and still parse.
 */
export const TradeOutcomeSchema = z
  .object({
    decisionId: z.string().min(1),
    engine: MarketSchema,
    symbol: z.string().min(1),
    direction: DirectionSchema,
    entryTs: z.number().int().nonnegative(),
    entryPrice: z.number().finite().positive(),
    settleTs: z.number().int().nonnegative(),
    settlePrice: z.number().finite().positive(),
    /** Binary and arbitrage: USD at risk. */
    stake: z.number().finite().nonnegative().optional(),
    /** Spot: position size in base units. */
    size: z.number().finite().nonnegative().optional(),
    /** Binary: payout ratio paid on a win (0.8 = 80%). */
    payout: z.number().finite().nonnegative().optional(),
    /** USD fees: commission, spread cost or gas. */
    fees: z.number().finite().nonnegative(),
    /** USD result, net of fees. */
    pnl: z.number().finite(),
    /**
     * Spot: USD per unit of the symbol's quote currency at settlement (`quoteUsdRate`): 1 for
     * USD-quoted symbols, 1 / settlePrice for USDXXX. pnl = sign × (settle − entry) × size × quoteUsd − fees.
     */
    quoteUsd: z.number().finite().positive().optional(),
    /**
     * How it settled, for people (reports, logs), e.g. `binary-expiry-win`, `spot-tp-1+stop`,
     * `arbitrage-filled`. Programs read `exit` and `legs` instead.
     */
    rule: z.string().min(1),
    /** How the trade ended (the last of `legs` for spot). Absent on records older than this field. */
    exit: TradeExitSchema.optional(),
    /**
     * Spot: every exit in order — take-profit rungs nearest first, then at most one stop, time or
     * cancelled exit — ending with `exit`. A position closed by tp-1 then its stop has two legs.
     */
    legs: z.array(SpotExitSchema).min(1).optional(),
    /** Spot: the stop price of the bracket (quote currency), so the record can be re-checked against prices. */
    stop: z.number().finite().positive().optional(),
    /** Spot: the take-profit ladder of the bracket, nearest the entry first. */
    takeProfits: z.array(TakeProfitSchema).min(1).optional(),
  })
  .superRefine((o, ctx) => {
    if (o.exit !== undefined && !EXIT_KINDS[o.engine].includes(o.exit.kind)) {
      ctx.addIssue({
        code: 'custom',
        path: ['exit', 'kind'],
        message: `a ${o.engine} outcome cannot end with a ${o.exit.kind} exit (expected ${EXIT_KINDS[o.engine].join(' | ')})`,
      });
    }
    if (o.engine !== 'spot') {
      for (const field of ['stop', 'takeProfits'] as const) {
        if (o[field] !== undefined) {
          ctx.addIssue({ code: 'custom', path: [field], message: `only a spot outcome has a ${field}` });
        }
      }
    }
    if (o.legs === undefined) return;
    if (o.engine !== 'spot') {
      ctx.addIssue({ code: 'custom', path: ['legs'], message: 'only a spot outcome has exit legs' });
      return;
    }
    const legs = o.legs;
    let lastLevel = 0;
    for (let i = 0; i < legs.length; i++) {
      const leg = legs[i] as SpotExit;
      if (leg.kind === 'take-profit') {
        if (leg.level !== lastLevel + 1 || leg.level > leg.of) {
          ctx.addIssue({
            code: 'custom',
            path: ['legs', i, 'level'],
            message: `take-profit rungs fill one by one from the nearest: level ${leg.level} of ${leg.of} after level ${lastLevel}`,
          });
        }
        lastLevel = leg.level;
      } else if (i < legs.length - 1) {
        ctx.addIssue({
          code: 'custom',
          path: ['legs', i, 'kind'],
          message: `a ${leg.kind} exit closes the position, so it must be the last leg`,
        });
      }
    }
    if (o.exit === undefined || !sameExit(legs[legs.length - 1] as SpotExit, o.exit)) {
      ctx.addIssue({ code: 'custom', path: ['exit'], message: 'exit must repeat the last of legs' });
    }
  });

/** A settled trade (see {@link TradeOutcomeSchema}). */
export type TradeOutcome = Readonly<z.infer<typeof TradeOutcomeSchema>>;
/** How one leg of a spot position left the market: stop, take-profit level k of n, time or cancelled. */
export type SpotExit = Readonly<z.infer<typeof SpotExitSchema>>;
/** How a trade ended: a {@link SpotExit}, a binary `expiry` or an arbitrage `atomic` fill or revert. */
export type TradeExit = Readonly<z.infer<typeof TradeExitSchema>>;

/** Field-by-field equality of two exits (they are flat objects of primitives). */
function sameExit(a: TradeExit, b: TradeExit): boolean {
  const x: Readonly<Record<string, unknown>> = a;
  const y: Readonly<Record<string, unknown>> = b;
  const keys = Object.keys(x);
  return keys.length === Object.keys(y).length && keys.every((k) => x[k] === y[k]);
}
