import { Secret } from '@omni/core';
import { Contract } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLASH_ARB_EXECUTOR } from './artifacts.js';
import { EvmArbitrageExecutor } from './evm-arbitrage-executor.js';
import { LocalChain } from './local-chain.js';
import { deployContract, LocalUniswapV2 } from './local-pools.js';
import { PoolReader } from './pool-reader.js';
import { quoteRoute, routePairs, sizeRoute } from './route-quote.js';
import { type EvmRoute, EvmRouteSchema } from './routes.js';
import { arbDecision, arbTick, E18 } from './testing.js';

let chain: LocalChain;
let route: EvmRoute;
let usd: Contract;
let arbAddress: string;

beforeAll(async () => {
  chain = await LocalChain.start({ accounts: 2 });
  const [deployer, trader] = chain.signers;
  if (deployer === undefined || trader === undefined) throw new Error('two accounts expected');
  const dex = await LocalUniswapV2.deploy(deployer);
  const weth = await dex.token('Wrapped Ether', 'WETH');
  usd = await dex.token('US Dollar', 'USD');
  const dai = await dex.token('Dai', 'DAI');
  const a = await dex.createPool(weth, usd, 1_000n * E18, 3_000_000n * E18);
  const b = await dex.createPool(weth, dai, 1_000n * E18, 3_090_000n * E18); // WETH 3 % dearer in DAI
  const c = await dex.createPool(usd, dai, 5_000_000n * E18, 5_000_000n * E18);
  arbAddress = await (await deployContract(FLASH_ARB_EXECUTOR, trader)).getAddress();
  route = EvmRouteSchema.parse({
    routeId: 'weth>dai>usd',
    borrowPair: a,
    borrowToken: await weth.getAddress(),
    sellPath: [b, c],
    repayTokenUsd: 1,
  });
});

afterAll(async () => {
  await chain?.close();
});

describe('FlashArbExecutor through a cycle of three real Uniswap V2 pools', () => {
  it('borrows WETH, sells WETH → DAI → USD, repays in USD: realised profit equals the exact quote', async () => {
    const trader = chain.signers[1];
    if (trader === undefined) throw new Error('trader expected');
    const states = new Map(
      (await new PoolReader(chain.provider).read(routePairs(route))).map((s) => [s.pair, s]),
    );
    const amount = sizeRoute(route, states);
    const quote = quoteRoute(route, states, amount);
    if (!quote.ok) throw new Error(quote.reason);
    expect(quote.profit).toBeGreaterThan(0n);
    const executor = new EvmArbitrageExecutor({
      provider: chain.provider,
      privateKey: new Secret(trader.privateKey),
      contractAddress: arbAddress,
      routes: [route],
      ethUsd: 3000,
      chainId: 31337,
    });
    await executor.start();
    const balance = usd.connect(chain.provider).getFunction('balanceOf');
    const before = (await balance(trader.address)) as bigint;
    const report = await executor.execute(arbDecision('tri-1', route.routeId), arbTick());
    expect(report.status).toBe('settled');
    if (report.status !== 'settled') return;
    expect(report.outcome.exit).toEqual({ kind: 'atomic', result: 'filled' });
    expect(((await balance(trader.address)) as bigint) - before).toBe(quote.profit);
    const attempt = executor.lastAttempt;
    expect(attempt).toMatchObject({ sent: true, amountInWei: amount, realisedProfitWei: quote.profit });
    if (attempt?.sent)
      console.log(`triangular arbitrage: profit ${quote.profit} wei USD, gasUsed ${attempt.gasUsed}`);
  });

  it('only the owner may execute', async () => {
    const stranger = chain.signers[0];
    if (stranger === undefined) throw new Error('deployer expected');
    const contract = new Contract(arbAddress, FLASH_ARB_EXECUTOR.abi, stranger);
    const err = await contract
      .getFunction('execute')
      .staticCall(route.borrowPair, route.borrowToken, 1n, route.sellPath, 0n)
      .catch((e: unknown) => e);
    expect(contract.interface.parseError((err as { data: string }).data)?.name).toBe('NotOwner');
  });
});
