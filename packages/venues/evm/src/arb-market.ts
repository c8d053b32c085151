import { Secret } from '@omni/core';
import { Contract, type Wallet } from 'ethers';
import { FLASH_ARB_EXECUTOR, UNISWAP_V2_PAIR_ABI } from './artifacts.js';
import { LocalChain, type LocalChainOptions } from './local-chain.js';
import { deployContract, LocalUniswapV2 } from './local-pools.js';
import { type EvmRoute, EvmRouteSchema } from './routes.js';

/** 10¹⁸: one whole 18-decimal token in wei. */
export const E18 = 10n ** 18n;

/** Options of {@link ArbMarket.start}. */
export interface ArbMarketOptions extends LocalChainOptions {
  /** WETH in each pool, whole tokens; default 1 000. */
  readonly wethPerPool?: bigint;
  /** USD per WETH of both pools before any gap; default 3 000. */
  readonly priceUsd?: bigint;
}

/**
 * A local chain with a two-pool WETH/USD market on real Uniswap V2 contracts and a deployed
 * FlashArbExecutor: account 0 deploys the factory, tokens and pools, account 1 owns the contract
 * (the trader, whose key is DEX_PRIVKEY here), account 2 is a rival. Both pools start at the same
 * price; {@link ArbMarket.injectGap} moves pool B up. The route `weth-usd:A->B` borrows WETH from
 * A, sells it in B and repays A in USD (profit in USD). What `omni arb demo` and the chain tests run.
 *
 * @example
 * const market = await ArbMarket.start();
 * await market.injectGap(100); // pool B's WETH price 1 % above pool A's
 * const executor = new EvmArbitrageExecutor({ ...market.executorOptions(), ethUsd: 3000 });
 */
export class ArbMarket {
  readonly chain: LocalChain;
  readonly dex: LocalUniswapV2;
  readonly weth: Contract;
  readonly usd: Contract;
  readonly pairA: string;
  readonly pairB: string;
  /** The deployed FlashArbExecutor (owned by the trader). */
  readonly arbContract: string;
  readonly trader: Wallet;
  readonly rival: Wallet;
  /** The two-pool route over the pools. */
  readonly route: EvmRoute;

  private constructor(fields: Omit<ArbMarket, 'injectGap' | 'executorOptions' | 'close' | 'traderKey'>) {
    this.chain = fields.chain;
    this.dex = fields.dex;
    this.weth = fields.weth;
    this.usd = fields.usd;
    this.pairA = fields.pairA;
    this.pairB = fields.pairB;
    this.arbContract = fields.arbContract;
    this.trader = fields.trader;
    this.rival = fields.rival;
    this.route = fields.route;
  }

  /** Starts the chain and deploys everything (≈ 20 transactions, automine). */
  static async start(options: ArbMarketOptions = {}): Promise<ArbMarket> {
    const chain = await LocalChain.start({ accounts: 3, ...options, automine: true });
    try {
      const [deployer, trader, rival] = chain.signers;
      if (deployer === undefined || trader === undefined || rival === undefined) {
        throw new RangeError('the local chain needs 3 accounts');
      }
      const dex = await LocalUniswapV2.deploy(deployer);
      const weth = await dex.token('Wrapped Ether', 'WETH');
      const usd = await dex.token('US Dollar', 'USD');
      const wethAmount = (options.wethPerPool ?? 1_000n) * E18;
      const usdAmount = wethAmount * (options.priceUsd ?? 3_000n);
      const pairA = await dex.createPool(weth, usd, wethAmount, usdAmount);
      // The factory makes one pair per token pair: pool B comes from a second factory.
      const dexB = await LocalUniswapV2.deploy(deployer);
      const pairB = await dexB.createPool(weth, usd, wethAmount, usdAmount);
      const arb = await deployContract(FLASH_ARB_EXECUTOR, trader);
      const route = EvmRouteSchema.parse({
        routeId: 'weth-usd:A->B',
        borrowPair: pairA,
        borrowToken: await weth.getAddress(),
        sellPath: [pairB],
        repayTokenUsd: 1,
      });
      if (options.automine === false) await chain.setAutomine(false);
      return new ArbMarket({
        chain,
        dex,
        weth,
        usd,
        pairA,
        pairB,
        arbContract: await arb.getAddress(),
        trader,
        rival,
        route,
      });
    } catch (err) {
      await chain.close();
      throw err;
    }
  }

  /** The trader's key as DEX_PRIVKEY would hold it. */
  get traderKey(): Secret {
    return new Secret(this.trader.privateKey);
  }

  /**
   * Raises pool B's WETH price by about `gapBps` basis points with a USD → WETH swap
   * (dy = y·(√(1 + gap) − 1), fee aside). Needs automine on. Returns the swap's hash.
   */
  async injectGap(gapBps: number): Promise<string> {
    const pair = new Contract(this.pairB, UNISWAP_V2_PAIR_ABI, this.chain.provider);
    const [r0, r1] = (await pair.getFunction('getReserves')()) as [bigint, bigint];
    const usdIsToken0 =
      String(await pair.getFunction('token0')()).toLowerCase() ===
      (await this.usd.getAddress()).toLowerCase();
    const usdReserve = usdIsToken0 ? r0 : r1;
    const factor = BigInt(Math.round((Math.sqrt(1 + gapBps / 10_000) - 1) * 1e12));
    return this.dex.swap(this.pairB, this.usd, (usdReserve * factor) / 1_000_000_000_000n);
  }

  /** Provider, trader key, contract and route for an EvmArbitrageExecutor. */
  executorOptions(): {
    provider: LocalChain['provider'];
    privateKey: Secret;
    contractAddress: string;
    routes: EvmRoute[];
    chainId: number;
  } {
    return {
      provider: this.chain.provider,
      privateKey: this.traderKey,
      contractAddress: this.arbContract,
      routes: [this.route],
      chainId: this.chain.chainId,
    };
  }

  async close(): Promise<void> {
    await this.chain.close();
  }
}
