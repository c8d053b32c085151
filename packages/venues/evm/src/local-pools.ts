import { Contract, ContractFactory, type Signer } from 'ethers';
import {
  type ContractArtifact,
  loadUniswapV2Artifacts,
  TEST_TOKEN,
  UNISWAP_V2_PAIR_ABI,
  type UniswapV2Artifacts,
} from './artifacts.js';
import { EvmError } from './evm-error.js';

/** Deploys `artifact` from `signer` and waits for it. */
export async function deployContract(
  artifact: ContractArtifact,
  signer: Signer,
  args: readonly unknown[] = [],
): Promise<Contract> {
  const factory = new ContractFactory(artifact.abi, artifact.bytecode, signer);
  const deployed = await factory.deploy(...args);
  await deployed.waitForDeployment();
  return new Contract(await deployed.getAddress(), artifact.abi, signer);
}

/**
 * Real Uniswap V2 pools on a (local) chain: the official UniswapV2Factory and pairs of
 * @uniswap/v2-core, {@link TEST_TOKEN} ERC-20s, liquidity added the core way (transfer both tokens
 * to the pair, then `mint`), and plain swaps (a swap on one pool is how a price gap is injected).
 * Every call waits for its transaction, so with automine off it would hang: keep automine on
 * while setting pools up.
 *
 * @example
 * const dex = await LocalUniswapV2.deploy(chain.signers[0]);
 * const weth = await dex.token('Wrapped Ether', 'WETH');
 * const usd = await dex.token('US Dollar', 'USD');
 * const pair = await dex.createPool(weth, usd, 1_000n * E18, 3_000_000n * E18);
 */
export class LocalUniswapV2 {
  readonly factory: Contract;
  readonly #deployer: Signer;

  private constructor(factory: Contract, deployer: Signer) {
    this.factory = factory;
    this.#deployer = deployer;
  }

  /** Deploys a UniswapV2Factory (fee recipient off) from `deployer`. */
  static async deploy(deployer: Signer, artifacts?: UniswapV2Artifacts): Promise<LocalUniswapV2> {
    const uniswap = artifacts ?? (await loadUniswapV2Artifacts());
    const factory = await deployContract(uniswap.factory, deployer, [await deployer.getAddress()]);
    return new LocalUniswapV2(factory, deployer);
  }

  /** Deploys a mintable 18-decimal test token (the deployer may mint). */
  async token(name: string, symbol: string): Promise<Contract> {
    return deployContract(TEST_TOKEN, this.#deployer, [name, symbol]);
  }

  /** Mints `amount` of `token` to `to` (the deployer owns every test token). */
  async mint(token: Contract, to: string, amount: bigint): Promise<void> {
    await (await token.getFunction('mint')(to, amount)).wait();
  }

  /**
   * Creates the pair of `tokenA`/`tokenB` and adds `amountA`/`amountB` of liquidity (minted to the
   * deployer first); returns the pair address.
   */
  async createPool(tokenA: Contract, tokenB: Contract, amountA: bigint, amountB: bigint): Promise<string> {
    const a = await tokenA.getAddress();
    const b = await tokenB.getAddress();
    await (await this.factory.getFunction('createPair')(a, b)).wait();
    const pair = String(await this.factory.getFunction('getPair')(a, b));
    if (/^0x0{40}$/i.test(pair)) {
      throw new EvmError('EVM_BAD_ROUTE', 'the factory created no pair', { tokenA: a, tokenB: b });
    }
    await this.addLiquidity(pair, tokenA, tokenB, amountA, amountB);
    return pair;
  }

  /** Adds liquidity the core way: mints both amounts to the pair, then `mint` (LP tokens to the deployer). */
  async addLiquidity(
    pair: string,
    tokenA: Contract,
    tokenB: Contract,
    amountA: bigint,
    amountB: bigint,
  ): Promise<void> {
    await this.mint(tokenA, pair, amountA);
    await this.mint(tokenB, pair, amountB);
    const contract = new Contract(pair, UNISWAP_V2_PAIR_ABI, this.#deployer);
    await (await contract.getFunction('mint')(await this.#deployer.getAddress())).wait();
  }

  /**
   * Sells `amountIn` of `tokenIn` on `pair` for the exact Uniswap V2 output of the current reserves:
   * the way to move one pool's price. The input is minted to the pair first (a mined transaction),
   * unless `funded` says the caller already did (needed with automine off). Returns the hash without
   * waiting for the swap when `wait` is false (automine off: it waits in the mempool).
   */
  async swap(
    pair: string,
    tokenIn: Contract,
    amountIn: bigint,
    options: {
      readonly from?: Signer;
      readonly funded?: boolean;
      readonly wait?: boolean;
      readonly priorityFeeWei?: bigint;
      /** Skips gas estimation (which, with automine off, runs on the pending block). */
      readonly gasLimit?: bigint;
    } = {},
  ): Promise<string> {
    const from = options.from ?? this.#deployer;
    const contract = new Contract(pair, UNISWAP_V2_PAIR_ABI, from);
    const tokenInAddress = (await tokenIn.getAddress()).toLowerCase();
    const token0 = String(await contract.getFunction('token0')()).toLowerCase();
    const [r0, r1] = (await contract.getFunction('getReserves')()) as [bigint, bigint, bigint];
    const zeroForOne = token0 === tokenInAddress;
    const [reserveIn, reserveOut] = zeroForOne ? [r0, r1] : [r1, r0];
    const inWithFee = amountIn * 997n;
    const out = (inWithFee * reserveOut) / (reserveIn * 1000n + inWithFee);
    if (options.funded !== true) await this.mint(tokenIn, pair, amountIn);
    const overrides = {
      ...(options.priorityFeeWei === undefined
        ? {}
        : {
            maxPriorityFeePerGas: options.priorityFeeWei,
            maxFeePerGas: options.priorityFeeWei + 10n ** 10n,
          }),
      ...(options.gasLimit === undefined ? {} : { gasLimit: options.gasLimit }),
    };
    const tx = await contract.getFunction('swap')(
      zeroForOne ? 0n : out,
      zeroForOne ? out : 0n,
      await from.getAddress(),
      '0x',
      overrides,
    );
    if (options.wait !== false) await tx.wait();
    return String(tx.hash);
  }
}
