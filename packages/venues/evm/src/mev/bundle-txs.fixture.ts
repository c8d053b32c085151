/** Test support: deterministic keys and signed raw transactions for bundle tests (tests only). */
import { Secret } from '@omni/core';
import { Wallet } from 'ethers';

/** The relay identity key of the tests (holds no funds). */
export const RELAY_KEY_HEX = `0x${'a1'.repeat(32)}`;
/** Another relay identity (refused by an allow-listing relay). */
export const OTHER_RELAY_KEY_HEX = `0x${'b2'.repeat(32)}`;
/** The trading key of the tests (DEX_PRIVKEY). */
export const TRADING_KEY_HEX = `0x${'c3'.repeat(32)}`;
/** The fake relay's default fee recipient. */
export const FAKE_COINBASE = '0x0000000000000000000000000000000000C0FFEE';
/** A contract the arbitrage tx calls. */
export const EXECUTOR_ADDRESS = '0x00000000000000000000000000000000000E0E0E';

export function relayKey(): Secret {
  return new Secret(RELAY_KEY_HEX);
}

/**
 * Two signed EIP-1559 txs on chain 31337 from the trading key: an arbitrage call (gas limit
 * 250 000, max fee 30 gwei, tip 2 gwei) and a 0.01 ETH payment to the fee recipient (gas 21 000,
 * max fee 1 gwei, no tip).
 */
export async function arbitrageBundle(): Promise<{ raws: string[]; from: string }> {
  const trader = new Wallet(TRADING_KEY_HEX);
  const arb = await trader.signTransaction({
    type: 2,
    chainId: 31337n,
    nonce: 7,
    to: EXECUTOR_ADDRESS,
    data: '0x12345678',
    value: 0n,
    gasLimit: 250_000n,
    maxFeePerGas: 30_000_000_000n,
    maxPriorityFeePerGas: 2_000_000_000n,
  });
  const tip = await trader.signTransaction({
    type: 2,
    chainId: 31337n,
    nonce: 8,
    to: FAKE_COINBASE,
    value: 10_000_000_000_000_000n,
    gasLimit: 21_000n,
    maxFeePerGas: 1_000_000_000n,
    maxPriorityFeePerGas: 0n,
  });
  return { raws: [arb, tip], from: trader.address };
}
