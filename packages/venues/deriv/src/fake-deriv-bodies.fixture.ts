/** Test support: the calls the fake Deriv server knows and the bodies of its answers, in the documented shapes. */
import type { FakeContract, FakeProposal, FakeTick } from './fake-deriv-market.fixture.js';

export const CALLS = [
  'authorize',
  'balance',
  'ticks',
  'proposal',
  'buy',
  'proposal_open_contract',
  'portfolio',
  'profit_table',
  'forget_all',
  'forget',
  'ping',
] as const;
export type Call = (typeof CALLS)[number];
export const NEEDS_AUTH: ReadonlySet<Call> = new Set([
  'balance',
  'buy',
  'proposal_open_contract',
  'portfolio',
  'profit_table',
]);

export function callOf(msg: Readonly<Record<string, unknown>>): Call | undefined {
  return CALLS.find((call) => call in msg);
}

export const tickBody = (t: FakeTick, id: string | undefined) => ({
  symbol: t.symbol,
  epoch: t.epoch,
  quote: t.quote,
  ask: t.quote,
  bid: t.quote,
  pip_size: 2,
  ...(id !== undefined ? { id } : {}),
});

export const longcode = (p: FakeProposal): string =>
  `Win payout if ${p.symbol} is strictly ${p.contractType === 'CALL' ? 'higher' : 'lower'} than entry spot at ${p.duration}${p.durationUnit} after contract start time.`;

export const shortcode = (c: FakeContract): string =>
  `${c.proposal.contractType}_${c.proposal.symbol}_${c.proposal.payout}_${c.purchaseTime}_${c.proposal.duration}${c.proposal.durationUnit.toUpperCase()}_S0P_0`;

export function openContractBody(
  c: FakeContract,
  id: string | undefined,
  currency: string,
): Record<string, unknown> {
  return {
    contract_id: c.contractId,
    contract_type: c.proposal.contractType,
    underlying: c.proposal.symbol,
    currency,
    buy_price: c.buyPrice,
    payout: c.proposal.payout,
    purchase_time: c.purchaseTime,
    date_start: c.purchaseTime,
    is_sold: c.sold ? 1 : 0,
    is_expired: c.exit !== undefined ? 1 : 0,
    status: c.status,
    shortcode: shortcode(c),
    longcode: longcode(c.proposal),
    transaction_ids: { buy: c.transactionId, ...(c.sold ? { sell: c.transactionId + 1 } : {}) },
    ...(c.entry
      ? { entry_tick: c.entry.quote, entry_tick_time: c.entry.epoch, entry_spot: c.entry.quote }
      : {}),
    ...(c.sold && c.exit ? { exit_tick: c.exit.quote, exit_tick_time: c.exit.epoch } : {}),
    ...(c.sold ? { profit: c.profit, sell_price: c.sellPrice, sell_time: c.sellTime } : {}),
    ...(id !== undefined ? { id } : {}),
  };
}

export const portfolioRow = (c: FakeContract, currency: string) => ({
  contract_id: c.contractId,
  transaction_id: c.transactionId,
  contract_type: c.proposal.contractType,
  symbol: c.proposal.symbol,
  currency,
  buy_price: c.buyPrice,
  payout: c.proposal.payout,
  purchase_time: c.purchaseTime,
  date_start: c.purchaseTime,
  shortcode: shortcode(c),
  longcode: longcode(c.proposal),
});

export const profitRow = (c: FakeContract, description: boolean) => ({
  contract_id: c.contractId,
  transaction_id: c.transactionId + 1,
  buy_price: c.buyPrice,
  payout: c.proposal.payout,
  sell_price: c.sellPrice,
  purchase_time: c.purchaseTime,
  sell_time: c.sellTime,
  ...(description
    ? {
        contract_type: c.proposal.contractType,
        underlying_symbol: c.proposal.symbol,
        shortcode: shortcode(c),
        longcode: longcode(c.proposal),
      }
    : {}),
});

export const proposalBody = (p: FakeProposal, dateStart: number) => ({
  id: p.id,
  ask_price: p.askPrice,
  payout: p.payout,
  spot: p.spot,
  spot_time: p.spotTime,
  date_start: dateStart,
  longcode: longcode(p),
  display_value: p.askPrice.toFixed(2),
});

export const buyBody = (c: FakeContract, balanceAfter: number) => ({
  contract_id: c.contractId,
  buy_price: c.buyPrice,
  payout: c.proposal.payout,
  purchase_time: c.purchaseTime,
  start_time: c.purchaseTime,
  balance_after: balanceAfter,
  transaction_id: c.transactionId,
  longcode: longcode(c.proposal),
  shortcode: shortcode(c),
});
