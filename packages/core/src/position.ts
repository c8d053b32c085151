import { z } from 'zod';
import { ArbitrageDecisionSchema, BinaryDecisionSchema, SpotDecisionSchema } from './decision.js';
import { MarketSchema } from './market.js';

/**
 * One open position (or an order waiting for its fill), as the position ledger of
 * `@omni/execution` holds it: the one record of what is open, read by SafetyManager for its caps and
 * by the runtime, persisted atomically and reconciled after a restart.
 */
export const OpenPositionSchema = z.object({
  decisionId: z.string().min(1),
  market: MarketSchema,
  symbol: z.string().min(1),
  /** Venue holding it: `shadow`, `deriv`, `mt5`, …; `unknown` for positions migrated from old state. */
  venue: z.string().min(1),
  /** USD at risk: binary stake, spot loss at the stop including round-trip costs, arbitrage gas. */
  riskUsd: z.number().finite().nonnegative(),
  /** When it was placed (epoch ms). */
  openedTs: z.number().int().nonnegative(),
  /** The decision that opened it (a shadow executor re-arms its settlement from it after a restart). */
  decision: z.union([BinaryDecisionSchema, SpotDecisionSchema, ArbitrageDecisionSchema]).optional(),
  /** The fill, once there is one. */
  entryTs: z.number().int().nonnegative().optional(),
  entryPrice: z.number().finite().positive().optional(),
  /** The broker's id of the order or contract (live venues). */
  brokerRef: z.string().min(1).optional(),
  /** What the executor needs to resume it exactly (e.g. a spot position's remaining size and exits so far). */
  executorState: z.record(z.string(), z.unknown()).optional(),
});
/** See {@link OpenPositionSchema}. */
export type OpenPosition = Readonly<z.infer<typeof OpenPositionSchema>>;

/** What a reader of the open positions needs (SafetyManager's caps, the runtime, reports). */
export interface PositionBook {
  /** Every open position, oldest first. */
  positions(): readonly OpenPosition[];
  /** The position of `decisionId`, if open. */
  get(decisionId: string): OpenPosition | undefined;
  /** Open positions. */
  readonly size: number;
  /** Sum of USD at risk of the open positions, of one market or all. */
  riskUsd(market?: OpenPosition['market']): number;
}

/** The persisted position ledger (version 1; `@omni/execution`'s PositionLedger). */
export const PositionLedgerStateSchema = z.object({
  kind: z.literal('omni-position-ledger'),
  version: z.literal(1),
  open: z.array(OpenPositionSchema),
});
/** See {@link PositionLedgerStateSchema}. */
export type PositionLedgerState = z.infer<typeof PositionLedgerStateSchema>;

/** Reads only the version of a state file, to refuse a newer one before validating it. */
export const StateVersionProbeSchema = z.looseObject({ version: z.number().int() });
