import type {
  Authorize,
  AuthorizeRequest,
  Balance,
  BalanceRequest,
  Buy,
  BuyContractRequest,
  ForgetAllRequest,
  ForgetRequest,
  PingRequest,
  Portfolio1,
  PortfolioRequest,
  PriceProposalOpenContractsRequest,
  PriceProposalRequest,
  ProfitTable,
  ProfitTableRequest,
  Proposal,
  ProposalOpenContract,
  TickSpotData,
  TicksStreamRequest,
} from '@deriv/api-types';
import { z } from 'zod';

/**
 * The Deriv WebSocket API v3 as this adapter speaks it: the request types are those of
 * `@deriv/api-types` (without `req_id`, which the client adds to every request), the answers are
 * validated with the zod schemas below, each checked at compile time against the
 * `@deriv/api-types` response body it reads (`satisfies z.ZodType<Pick<...>>`).
 */
export interface DerivRequests {
  authorize: AuthorizeRequest;
  balance: BalanceRequest;
  ticks: TicksStreamRequest;
  proposal: PriceProposalRequest;
  buy: BuyContractRequest;
  proposal_open_contract: PriceProposalOpenContractsRequest;
  portfolio: PortfolioRequest;
  profit_table: ProfitTableRequest;
  forget: ForgetRequest;
  forget_all: ForgetAllRequest;
  ping: PingRequest;
}

/** A call name: the request's key field, e.g. `proposal`. */
export type DerivCall = keyof DerivRequests;

/** The request body of `call`, without `req_id` (the client stamps it). */
export type DerivRequestOf<K extends DerivCall> = Omit<DerivRequests[K], 'req_id'>;

/** Calls that only read: retried after a `RateLimit` answer. `buy` is never retried. */
export const DERIV_READ_CALLS: ReadonlySet<DerivCall> = new Set<DerivCall>([
  'authorize',
  'balance',
  'ticks',
  'proposal',
  'portfolio',
  'profit_table',
  'proposal_open_contract',
]);

/**
 * `error: {code, message}` of an answer. `@deriv/api-types` declares no type for the generic error
 * envelope every answer may carry (only per-call ones), so this schema is its only definition.
 */
export const DerivErrorBodySchema = z.looseObject({
  code: z.string().min(1),
  message: z.string(),
});

/**
 * Every inbound frame: `echo_req`, `msg_type`, `req_id` when the request had one, `error` or a body.
 * `msg_type` is optional because `@deriv/api-types` declares it so for `proposal_open_contract`.
 */
export const DerivFrameSchema = z.looseObject({
  msg_type: z.string().min(1).optional(),
  echo_req: z.record(z.string(), z.unknown()),
  req_id: z.number().int().optional(),
  error: DerivErrorBodySchema.optional(),
  subscription: z.looseObject({ id: z.string().min(1) }).optional(),
});
/** One validated inbound frame (its body is read with the schemas below). */
export type DerivFrame = z.infer<typeof DerivFrameSchema>;

const money = z.number().finite();
const epochS = z.number().int().nonnegative();

export const AuthorizeBodySchema = z.looseObject({
  loginid: z.string().min(1),
  currency: z.string(),
  balance: money,
}) satisfies z.ZodType<Pick<Authorize, 'loginid' | 'currency' | 'balance'>>;

export const BalanceBodySchema = z.looseObject({
  balance: money,
  currency: z.string(),
  loginid: z.string(),
}) satisfies z.ZodType<Pick<Balance, 'balance' | 'currency' | 'loginid'>>;

export const TickBodySchema = z.looseObject({
  symbol: z.string().min(1),
  epoch: epochS,
  quote: z.number().finite().positive(),
  bid: z.number().finite().positive().optional(),
  ask: z.number().finite().positive().optional(),
  pip_size: z.number(),
}) satisfies z.ZodType<Pick<TickSpotData, 'symbol' | 'epoch' | 'quote' | 'bid' | 'ask' | 'pip_size'>>;

export const ProposalBodySchema = z.looseObject({
  id: z.string().min(1),
  ask_price: money,
  payout: money,
  spot: z.number(),
  spot_time: epochS,
  date_start: epochS,
  longcode: z.string(),
  display_value: z.string(),
}) satisfies z.ZodType<
  Pick<Proposal, 'id' | 'ask_price' | 'payout' | 'spot' | 'spot_time' | 'date_start' | 'longcode'>
>;

export const BuyBodySchema = z.looseObject({
  contract_id: z.number().int(),
  buy_price: money,
  payout: money,
  purchase_time: epochS,
  start_time: epochS,
  balance_after: money,
  transaction_id: z.number().int(),
  longcode: z.string(),
  shortcode: z.string(),
}) satisfies z.ZodType<Buy>;

export const OpenContractBodySchema = z.looseObject({
  contract_id: z.number().int(),
  contract_type: z.string(),
  underlying: z.string(),
  buy_price: money,
  payout: money,
  purchase_time: epochS,
  is_sold: z.union([z.literal(0), z.literal(1)]),
  status: z.enum(['open', 'sold', 'won', 'lost', 'cancelled']).nullable().optional(),
  profit: money.optional(),
  sell_price: money.optional(),
  entry_tick: z.number().optional(),
  entry_tick_time: epochS.optional(),
  exit_tick: z.number().optional(),
  exit_tick_time: epochS.optional(),
}) satisfies z.ZodType<
  Pick<
    ProposalOpenContract,
    | 'contract_id'
    | 'contract_type'
    | 'underlying'
    | 'buy_price'
    | 'payout'
    | 'purchase_time'
    | 'is_sold'
    | 'status'
    | 'profit'
    | 'sell_price'
    | 'entry_tick'
    | 'entry_tick_time'
    | 'exit_tick'
    | 'exit_tick_time'
  >
>;
/** A `proposal_open_contract` body as read. */
export type OpenContractBody = z.infer<typeof OpenContractBodySchema>;

export const PortfolioBodySchema = z.looseObject({
  contracts: z.array(
    z.looseObject({
      contract_id: z.number().int(),
      contract_type: z.string(),
      symbol: z.string(),
      buy_price: money,
      payout: money,
      purchase_time: epochS,
    }) satisfies z.ZodType<
      Pick<Portfolio1, 'contract_id' | 'contract_type' | 'symbol' | 'buy_price' | 'payout' | 'purchase_time'>
    >,
  ),
});

type ProfitRow = NonNullable<ProfitTable['transactions']>[number];
export const ProfitTableBodySchema = z.looseObject({
  transactions: z.array(
    z.looseObject({
      contract_id: z.number().int(),
      contract_type: z.string(),
      underlying_symbol: z.string(),
      buy_price: money,
      payout: money,
      sell_price: money,
      purchase_time: epochS,
      sell_time: epochS.nullable().optional(),
    }) satisfies z.ZodType<
      Pick<
        ProfitRow,
        | 'contract_id'
        | 'contract_type'
        | 'underlying_symbol'
        | 'buy_price'
        | 'payout'
        | 'sell_price'
        | 'purchase_time'
        | 'sell_time'
      >
    >,
  ),
});

/**
 * The body of `frame` under its `msg_type` key, validated with `schema`; undefined when it does
 * not match (the caller reports a DERIV_PROTOCOL error).
 */
export function readBody<T>(frame: DerivFrame, key: string, schema: z.ZodType<T>): T | undefined {
  const result = schema.safeParse(frame[key]);
  return result.success ? result.data : undefined;
}
