import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvmError, isMissingModule } from './evm-error.js';
import { LocalChain, type LocalChainOptions } from './local-chain.js';

let chain: LocalChain;

beforeAll(async () => {
  chain = await LocalChain.start({ accounts: 2 });
});

afterAll(async () => {
  await chain?.close();
});

describe('LocalChain', () => {
  it('is Hardhat chain 31337 with the deterministic development accounts, funded', async () => {
    expect(chain.chainId).toBe(31337);
    expect((await chain.provider.getNetwork()).chainId).toBe(31337n);
    expect(chain.signers.map((s) => s.address)).toEqual([
      '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
      '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
    ]);
    expect(await chain.provider.getBalance(chain.signers[0]?.address ?? '')).toBe(10_000n * 10n ** 18n);
  });

  it('with automine off a transaction waits in the mempool until mine()', async () => {
    const [from, to] = chain.signers;
    if (from === undefined || to === undefined) throw new Error('two accounts expected');
    await chain.setAutomine(false);
    const start = await chain.blockNumber();
    const tx = await from.sendTransaction({ to: to.address, value: 1n });
    expect(await chain.blockNumber()).toBe(start);
    expect(await chain.provider.getTransactionReceipt(tx.hash)).toBeNull();
    await chain.mine();
    await chain.setAutomine(true);
    const receipt = await chain.provider.getTransactionReceipt(tx.hash);
    expect(receipt?.blockNumber).toBe(start + 1);
    expect(receipt?.status).toBe(1);
  });

  it('a node that cannot start is EVM_CHAIN_START_FAILED with the cause chained', async () => {
    const bad = { hardfork: 'no-such-fork' } as unknown as LocalChainOptions;
    const err = await LocalChain.start(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EvmError);
    expect(err).toMatchObject({ code: 'EVM_CHAIN_START_FAILED' });
    expect((err as Error).cause).toBeDefined();
  });

  it('recognises a missing module (how a missing hardhat becomes EVM_HARDHAT_MISSING)', async () => {
    const err = await import('hardhat-is-not-installed-here' as string).catch((e: unknown) => e);
    expect(isMissingModule(err)).toBe(true);
    expect(isMissingModule(new Error('other'))).toBe(false);
  });

  it('refuses requests after close()', async () => {
    const other = await LocalChain.start({ accounts: 1 });
    await other.close();
    await expect(other.send('eth_blockNumber')).rejects.toMatchObject({ code: 'EVM_BAD_OPTION' });
  });
});
