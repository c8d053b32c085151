import { AbiCoder, Interface } from 'ethers';
import { describe, expect, it } from 'vitest';
import { FLASH_ARB_EXECUTOR } from './artifacts.js';
import { classifyRevert, minedOutcome, nativeWeiInToken, nativeWeiToUsd } from './evm-outcome.js';
import { arbDecision, arbTick, E18 } from './testing.js';

const iface = new Interface(FLASH_ARB_EXECUTOR.abi);
const errorString = (message: string): string =>
  `0x08c379a0${AbiCoder.defaultAbiCoder().encode(['string'], [message]).slice(2)}`;

describe('classifyRevert', () => {
  it('maps the contract minimum to reverted-min-profit and Uniswap liquidity errors to reverted-liquidity', () => {
    const below = iface.encodeErrorResult('ProfitBelowMinimum', [10n, 9n, 5n]);
    expect(classifyRevert(iface, below)).toEqual({
      result: 'reverted-min-profit',
      reason: 'ProfitBelowMinimum(10, 9, 5)',
    });
    expect(classifyRevert(iface, errorString('UniswapV2: INSUFFICIENT_LIQUIDITY'))).toEqual({
      result: 'reverted-liquidity',
      reason: 'UniswapV2: INSUFFICIENT_LIQUIDITY',
    });
    expect(classifyRevert(iface, errorString('UniswapV2: K')).result).toBe('reverted-liquidity');
    expect(classifyRevert(iface, undefined)).toEqual({
      result: 'reverted-min-profit',
      reason: 'reverted without data',
    });
  });
});

describe('gas conversions', () => {
  it('prices native wei in USD and in the repaid token at the configured prices', () => {
    expect(nativeWeiToUsd(200_000n * 10n ** 9n, 3000)).toBeCloseTo(0.6, 12);
    // 0.0002 ETH at $3000 = $0.6 = 0.6 of a $1 token = 0.3 of a $2 token.
    expect(nativeWeiInToken(200_000n * 10n ** 9n, 3000, 1)).toBe((6n * E18) / 10n);
    expect(nativeWeiInToken(200_000n * 10n ** 9n, 3000, 2)).toBe((3n * E18) / 10n);
  });
});

describe('minedOutcome', () => {
  const common = {
    amountIn: 2n * E18,
    repay: 6_000n * E18,
    gasWei: 200_000n * 10n ** 9n,
    repayTokenUsd: 1,
    ethUsd: 3000,
    borrowPool: { reserve0: 1_000n * E18, reserve1: 3_000_000n * E18 },
  };

  it('a filled swap: pnl = realised profit − gas, prices from repay and repay + profit', () => {
    const o = minedOutcome(arbDecision('d', 'r'), arbTick(), 1_700_000_012_000, {
      ...common,
      result: 'filled',
      realisedProfit: 30n * E18,
    });
    expect(o).toMatchObject({
      exit: { kind: 'atomic', result: 'filled' },
      rule: 'arbitrage-filled',
      size: 2,
    });
    expect(o.entryPrice).toBe(3000);
    expect(o.settlePrice).toBeCloseTo(3015, 9);
    expect(o.fees).toBeCloseTo(0.6, 12);
    expect(o.pnl).toBeCloseTo(29.4, 9);
  });

  it('a mined revert: pnl = −gas at the borrow pool spot price', () => {
    const o = minedOutcome(arbDecision('d', 'r'), arbTick(), 1_700_000_012_000, {
      ...common,
      result: 'reverted-min-profit',
      realisedProfit: 0n,
    });
    expect(o).toMatchObject({
      exit: { kind: 'atomic', result: 'reverted-min-profit' },
      entryPrice: 3000,
      settlePrice: 3000,
    });
    expect(o.pnl).toBeCloseTo(-0.6, 12);
  });
});
