import type { ArbitrageDecision, Tick, TradeOutcome } from '@omni/core';
import type { PoolReserves } from '@omni/execution';
import type { Interface } from 'ethers';

const WEI_PER_TOKEN = 1e18;

/** How a mined flash swap ended. */
export type AtomicResult = 'filled' | 'reverted-liquidity' | 'reverted-min-profit';

/** Numbers of one mined transaction the outcome is built from. */
export interface MinedSwap {
  readonly result: AtomicResult;
  /** Borrowed amount (wei of the borrowed token). */
  readonly amountIn: bigint;
  /** Predicted repayment (wei of the repaid token). */
  readonly repay: bigint;
  /** Realised profit: the owner's balance change of the repaid token (0 for a revert). */
  readonly realisedProfit: bigint;
  /** gasUsed × effectiveGasPrice, wei of the native coin. */
  readonly gasWei: bigint;
  readonly repayTokenUsd: number;
  readonly ethUsd: number;
  /** The borrow pool (oriented: reserve0 = borrowed token) before the swap, for a revert's price. */
  readonly borrowPool: PoolReserves;
}

/** Wei of the native coin in USD. */
export function nativeWeiToUsd(wei: bigint, ethUsd: number): number {
  return (Number(wei) / WEI_PER_TOKEN) * ethUsd;
}

/**
 * Native wei converted to wei of a token worth `tokenUsd` per whole token (both 18 decimals), at
 * the configured prices: wei × ethUsd / tokenUsd, in integers with 9 decimals of the price ratio.
 */
export function nativeWeiInToken(wei: bigint, ethUsd: number, tokenUsd: number): bigint {
  const ratio = BigInt(Math.round((ethUsd / tokenUsd) * 1e9));
  return (wei * ratio) / 1_000_000_000n;
}

/**
 * The TradeOutcome of a mined flash swap, in the shape ShadowArbitrageExecutor gives: direction
 * `buy`, size = borrowed tokens, stake = fees = gas in USD (all a flash swap can lose). Filled:
 * entryPrice = repay / amountIn × tokenUsd, settlePrice = (repay + realised) / amountIn × tokenUsd,
 * pnl = realised × tokenUsd − gas. Reverted: both prices the borrow pool's spot price, pnl = −gas.
 */
export function minedOutcome(
  decision: ArbitrageDecision,
  tick: Tick,
  settleTs: number,
  m: MinedSwap,
): TradeOutcome {
  const gasUsd = nativeWeiToUsd(m.gasWei, m.ethUsd);
  const base = {
    decisionId: decision.id,
    engine: 'arbitrage' as const,
    symbol: tick.symbol,
    direction: 'buy' as const,
    entryTs: tick.tsMs,
    settleTs,
    size: Number(m.amountIn) / WEI_PER_TOKEN,
    stake: gasUsd,
    fees: gasUsd,
  };
  if (m.result !== 'filled') {
    const spot = (Number(m.borrowPool.reserve1) / Number(m.borrowPool.reserve0)) * m.repayTokenUsd;
    return {
      ...base,
      entryPrice: spot,
      settlePrice: spot,
      pnl: -gasUsd,
      rule: `arbitrage-${m.result}`,
      exit: { kind: 'atomic', result: m.result },
    };
  }
  const amount = Number(m.amountIn);
  return {
    ...base,
    entryPrice: (Number(m.repay) / amount) * m.repayTokenUsd,
    settlePrice: (Number(m.repay + m.realisedProfit) / amount) * m.repayTokenUsd,
    pnl: (Number(m.realisedProfit) / WEI_PER_TOKEN) * m.repayTokenUsd - gasUsd,
    rule: 'arbitrage-filled',
    exit: { kind: 'atomic', result: 'filled' },
  };
}

/**
 * Classifies revert data of FlashArbExecutor (or a pair it called): `ProfitBelowMinimum` →
 * reverted-min-profit; a Uniswap `INSUFFICIENT_LIQUIDITY` / `INSUFFICIENT_OUTPUT` / `K` error and the
 * contract's other errors (the route could not be traded) → reverted-liquidity; another message, no
 * data or unknown data → reverted-min-profit. Returns the result and a reason text.
 */
export function classifyRevert(
  iface: Interface,
  data: string | undefined,
): { readonly result: Exclude<AtomicResult, 'filled'>; readonly reason: string } {
  if (data === undefined || data === '0x' || data === '') {
    return { result: 'reverted-min-profit', reason: 'reverted without data' };
  }
  let parsed: ReturnType<Interface['parseError']> = null;
  try {
    parsed = iface.parseError(data);
  } catch {
    parsed = null; // not one of the contract's errors nor Error(string)/Panic(uint256)
  }
  if (parsed !== null && parsed.name === 'Error') {
    const message = String(parsed.args[0]);
    const liquidity = /INSUFFICIENT_LIQUIDITY|INSUFFICIENT_OUTPUT|: K$/.test(message);
    return { result: liquidity ? 'reverted-liquidity' : 'reverted-min-profit', reason: message };
  }
  if (parsed !== null) {
    const args = parsed.args.map((a) => String(a)).join(', ');
    const result = parsed.name === 'ProfitBelowMinimum' ? 'reverted-min-profit' : 'reverted-liquidity';
    return { result, reason: `${parsed.name}(${args})` };
  }
  return { result: 'reverted-min-profit', reason: `revert data ${data.slice(0, 74)}` };
}
