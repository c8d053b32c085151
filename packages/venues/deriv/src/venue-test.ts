import type { BackoffOptions, Scheduler } from '@omni/connection';
import { systemScheduler } from '@omni/connection';
import type { Alert, Clock, Secret } from '@omni/core';
import type { BinaryContract, BinaryDurationUnit, BinaryOrderRequest } from '@omni/execution';
import { DerivBinaryBroker } from './deriv-binary-broker.js';
import { DerivClient } from './deriv-client.js';
import { DerivError } from './deriv-error.js';
import { BalanceBodySchema, readBody, TickBodySchema } from './deriv-protocol.js';

/** The steps of `omni venue test deriv`, in order (`buy` and `settlement` only with `order`). */
export type DerivVenueTestStep =
  | 'connect'
  | 'authorize'
  | 'balance'
  | 'ticks'
  | 'proposal'
  | 'buy'
  | 'settlement';

/** Options of {@link runDerivVenueTest}. */
export interface DerivVenueTestOptions {
  readonly appId: string;
  readonly token: Secret;
  readonly wsUrl?: string;
  /** Default `R_100`. */
  readonly symbol?: string;
  /** Ticks to receive. Default 3. */
  readonly ticks?: number;
  /** Buy one contract and follow it to settlement. Default false. */
  readonly order?: boolean;
  /** Default 1 (account currency). */
  readonly stake?: number;
  /** Default 5. */
  readonly duration?: number;
  /** Default `t`. */
  readonly durationUnit?: BinaryDurationUnit;
  /** Default: the account's currency. */
  readonly currency?: string;
  readonly requestTimeoutMs?: number;
  /** Deadline of the ticks step. Default 30 000 ms. */
  readonly ticksTimeoutMs?: number;
  /** Deadline of the settlement step. Default 60 s plus the contract's duration. */
  readonly settleTimeoutMs?: number;
  readonly minStake?: number;
  readonly backoff?: BackoffOptions;
  readonly seed?: number | string;
  readonly clock?: Clock;
  readonly scheduler?: Scheduler;
  readonly onAlert?: (alert: Alert) => void;
}

/** What a passed venue test reports (the `--json` object). */
export interface DerivVenueTestResult {
  readonly authorized: true;
  readonly currency: string;
  readonly balance: number;
  readonly ticks: number;
  readonly proposal: { readonly id: string; readonly askPrice: number; readonly payout: number };
  readonly contract?: {
    readonly id: number;
    readonly buyPrice: number;
    readonly status: 'won' | 'lost';
    readonly profit: number;
  };
}

const UNIT_MS = { t: 2_000, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * `omni venue test deriv`: connect, authorize, read the balance, receive ticks, price a proposal
 * and, with `order`, buy one contract and follow it to settlement, calling `onStep` after each step.
 * Rejects DerivError `DERIV_STEP_FAILED` naming the step (`context.step`), the cause chained.
 *
 * @example
 * const result = await runDerivVenueTest({ appId, token, order: true }, (step, detail) => console.log(step, detail));
 */
export async function runDerivVenueTest(
  options: DerivVenueTestOptions,
  onStep: (step: DerivVenueTestStep, detail: Readonly<Record<string, unknown>>) => void,
): Promise<DerivVenueTestResult> {
  const scheduler = options.scheduler ?? systemScheduler;
  const client = new DerivClient({
    appId: options.appId,
    token: options.token,
    maxReconnects: 0,
    ...(options.wsUrl !== undefined ? { wsUrl: options.wsUrl } : {}),
    ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    ...(options.backoff !== undefined ? { backoff: options.backoff } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.clock !== undefined ? { clock: options.clock } : {}),
    scheduler,
    ...(options.onAlert !== undefined ? { onAlert: options.onAlert } : {}),
  });
  const broker = new DerivBinaryBroker(client, {
    ...(options.minStake !== undefined ? { minStake: options.minStake } : {}),
  });
  let step: DerivVenueTestStep = 'connect';
  try {
    const account = await client.connect().catch((err: unknown) => {
      if (err instanceof DerivError && err.code === 'DERIV_AUTH_FAILED') step = 'authorize';
      throw err;
    });
    onStep('connect', { url: client.url.replace(/\?.*$/, '') });
    step = 'authorize';
    onStep('authorize', { loginid: account.loginid, currency: account.currency });

    step = 'balance';
    const balanceFrame = await client.request('balance', { balance: 1 });
    const balance = readBody(balanceFrame, 'balance', BalanceBodySchema);
    if (balance === undefined) throw new DerivError('DERIV_PROTOCOL', 'the balance answer is malformed', {});
    onStep('balance', { balance: balance.balance, currency: balance.currency });

    step = 'ticks';
    const symbol = options.symbol ?? 'R_100';
    const wanted = options.ticks ?? 3;
    const quotes = await receiveTicks(client, symbol, wanted, options.ticksTimeoutMs ?? 30_000, scheduler);
    onStep('ticks', { symbol, ticks: quotes.length, last: quotes[quotes.length - 1] });

    step = 'proposal';
    const stake = options.stake ?? 1;
    const order: BinaryOrderRequest = {
      clientId: 'venue-test',
      symbol,
      direction: 'call',
      stake,
      currency: options.currency ?? account.currency,
      duration: options.duration ?? 5,
      durationUnit: options.durationUnit ?? 't',
      maxPrice: stake,
    };
    const proposal = await broker.price(order);
    onStep('proposal', { id: proposal.id, askPrice: proposal.askPrice, payout: proposal.payout });
    const result = {
      authorized: true as const,
      currency: balance.currency,
      balance: balance.balance,
      ticks: quotes.length,
      proposal: { id: proposal.id, askPrice: proposal.askPrice, payout: proposal.payout },
    };
    if (options.order !== true) return result;

    step = 'buy';
    const bought = await broker.buyProposal(proposal, { ...order, maxPrice: proposal.askPrice });
    onStep('buy', { id: Number(bought.contractId), buyPrice: bought.buyPrice, payout: bought.payout });

    step = 'settlement';
    const settleMs = options.settleTimeoutMs ?? 60_000 + order.duration * UNIT_MS[order.durationUnit];
    const settled = await followToSettlement(broker, bought.contractId, settleMs, scheduler);
    if (settled.status !== 'won' && settled.status !== 'lost') {
      throw new DerivError('DERIV_BROKER_ERROR', `the contract ended ${settled.status}, not won or lost`, {
        contractId: settled.contractId,
      });
    }
    const contract = {
      id: Number(settled.contractId),
      buyPrice: settled.buyPrice,
      status: settled.status,
      profit: settled.profit ?? 0,
    };
    onStep('settlement', { ...contract, entrySpot: settled.entrySpot, exitSpot: settled.exitSpot });
    return { ...result, contract };
  } catch (err) {
    const cause = err instanceof Error ? err : new Error(String(err));
    const causeCode = (err as { code?: unknown }).code;
    const shortMessage = (err as { shortMessage?: unknown }).shortMessage;
    throw new DerivError(
      'DERIV_STEP_FAILED',
      `the Deriv venue test failed at ${step}: ${typeof shortMessage === 'string' ? shortMessage : cause.message}`,
      { step, ...(typeof causeCode === 'string' ? { causeCode } : {}) },
      { cause },
    );
  } finally {
    await client.close();
  }
}

function deadline<T>(work: Promise<T>, ms: number, scheduler: Scheduler, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = scheduler.after(ms, () =>
      reject(new DerivError('DERIV_TIMEOUT', `${what} did not happen within ${ms} ms`, { timeoutMs: ms })),
    );
    work.then(
      (value) => {
        timer.cancel();
        resolve(value);
      },
      (err: unknown) => {
        timer.cancel();
        reject(err);
      },
    );
  });
}

async function receiveTicks(
  client: DerivClient,
  symbol: string,
  wanted: number,
  timeoutMs: number,
  scheduler: Scheduler,
): Promise<number[]> {
  const quotes: number[] = [];
  let done: () => void = () => {};
  const enough = new Promise<void>((resolve) => {
    done = resolve;
  });
  const subscription = await client.subscribe('ticks', { ticks: symbol, subscribe: 1 }, (frame) => {
    const tick = readBody(frame, 'tick', TickBodySchema);
    if (tick !== undefined && quotes.length < wanted) quotes.push(tick.quote);
    if (quotes.length >= wanted) done();
  });
  try {
    await deadline(enough, timeoutMs, scheduler, `${wanted} ticks of ${symbol}`);
  } finally {
    await subscription.forget();
  }
  return quotes;
}

async function followToSettlement(
  broker: DerivBinaryBroker,
  contractId: string,
  timeoutMs: number,
  scheduler: Scheduler,
): Promise<BinaryContract> {
  let settle: (c: BinaryContract) => void = () => {};
  const settled = new Promise<BinaryContract>((resolve) => {
    settle = resolve;
  });
  const stop = await broker.follow(contractId, (c) => {
    if (c.status !== 'open') settle(c);
  });
  try {
    return await deadline(settled, timeoutMs, scheduler, `the settlement of contract ${contractId}`);
  } finally {
    stop();
  }
}
