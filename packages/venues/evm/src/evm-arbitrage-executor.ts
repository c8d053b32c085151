import {
  type ArbitrageDecision,
  ExecutionError,
  type Secret,
  scrubSecrets,
  type Tick,
  type TradeOutcome,
} from '@omni/core';
import {
  type ArbitrageExecutor,
  type BrokerHealthListener,
  type ExecutionReport,
  NO_OUTCOMES,
  type PendingPosition,
  rejectedReport,
} from '@omni/execution';
import { Contract, type Provider, Transaction, type TransactionReceipt, Wallet } from 'ethers';
import { FLASH_ARB_EXECUTOR } from './artifacts.js';
import type { EvmAttempt, SubmittedSwap } from './evm-attempt.js';
import { EvmError } from './evm-error.js';
import { classifyRevert, type MinedSwap, minedOutcome, nativeWeiInToken } from './evm-outcome.js';
import type { RpcHealth } from './mev/rpc-health.js';
import { orientReserves, PoolReader } from './pool-reader.js';
import { type RelaySendOptions, sendThroughRelay } from './relay-send.js';
import { type PairStates, quoteRoute, routePairs, sizeRoute } from './route-quote.js';
import type { EvmRoute } from './routes.js';
import { assertChainIdOf, revertDataOf, traceRevertData, withTimeout } from './rpc.js';

/** Settings of {@link EvmArbitrageExecutor}. */
export interface EvmArbitrageExecutorOptions {
  /** The chain (an ethers provider over DEX_RPC, or LocalChain's). */
  readonly provider: Provider;
  /** DEX_PRIVKEY: the key that owns the contract and signs; never logged. */
  readonly privateKey: Secret;
  /** The deployed FlashArbExecutor (owned by `privateKey`'s account). */
  readonly contractAddress: string;
  /** The route registry. */
  readonly routes: readonly EvmRoute[];
  /** USD per ETH (the native coin): gas in USD and in the repaid token. */
  readonly ethUsd: number;
  /** The chain id `start()` checks; default: not checked. */
  readonly chainId?: number;
  /** Priority fee (tip) per gas; default 1 gwei. */
  readonly priorityFeeWei?: bigint;
  /** Gas limit = estimate × (1 + margin); default 0.2. */
  readonly gasLimitMargin?: number;
  /** How long to wait for the receipt; default 120 000 ms (then the report is an ExecutionError). */
  readonly receiptTimeoutMs?: number;
  /** How long one read (reserves, block, simulation) may take; default 10 000 ms. */
  readonly rpcTimeoutMs?: number;
  /** Called when a transaction has left (before its receipt): journal it, or order a rival in a test. */
  readonly onSubmitted?: (sent: SubmittedSwap) => void;
  /**
   * Watches the node (runbook 5.2): every read goes through it, and its health reports (market
   * `arbitrage`) are this executor's, which the engine wires to SafetyManager.
   */
  readonly health?: RpcHealth;
  /**
   * Send through a private relay (MEV_RELAY_URL, signed with MEV_AUTH_KEY) instead of the public
   * mempool: simulated with eth_callBundle, sent for the next `targetBlocks` blocks, and a bundle not
   * included settles as `rejected` (nothing mined, no gas paid). See {@link sendThroughRelay}.
   */
  readonly relay?: RelaySendOptions;
}

const VENUE = 'uniswap-v2';
const GWEI = 1_000_000_000n;
/** The tip (priority fee) per gas when none is configured: 1 gwei (ChainPoolSource prices candidates with it too). */
export const DEFAULT_PRIORITY_FEE_WEI = GWEI;

/**
 * Uniswap V2 flash-swap arbitrage on an EVM chain through the FlashArbExecutor contract. For a
 * decision it re-reads the route's reserves (one batched round at one block), re-sizes the borrow
 * with the closed form (`optimalFlashSwapAmount`; cycles by exact search), simulates with
 * `staticCall` (a revert: `rejected`, nothing sent), estimates gas, and sends only when the
 * predicted profit pays the gas (at the block's base fee + the tip, converted at `ethUsd` /
 * `repayTokenUsd`) plus `minProfitWei`; the contract gets that sum as its minimum, so a front-run
 * that eats the gap reverts on chain and costs only gas. One transaction in flight at a time (the
 * nonce is read from the chain at the first send, then counted). `execute` awaits the receipt: a
 * flash swap is atomic and settles in its block, so the report is `settled` (realised profit from
 * the owner's balance change of the repaid token; a mined revert: pnl = −gas). On a real chain that
 * is one block (≈ 12 s on mainnet): run the executor off the tick loop's critical path; the receipt
 * wait is bounded by `receiptTimeoutMs`.
 *
 * @example
 * const executor = new EvmArbitrageExecutor({ provider, privateKey, contractAddress, routes, ethUsd: 3000 });
 * await executor.start();
 * const report = await executor.execute(decision, tick); // settled | rejected
 */
export class EvmArbitrageExecutor implements ArbitrageExecutor {
  readonly engine = 'arbitrage' as const;
  readonly venue = VENUE;
  /** The signing account (the contract's owner). */
  readonly address: string;
  readonly #options: EvmArbitrageExecutorOptions;
  readonly #wallet: Wallet;
  readonly #contract: Contract;
  readonly #reader: PoolReader;
  readonly #routes: ReadonlyMap<string, EvmRoute>;
  #nonce: number | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #inFlight: PendingPosition | undefined;
  #last: EvmAttempt | undefined;
  /** Decisions that reached the sending step: one order per decision, never a second. */
  readonly #decided = new Set<string>();

  constructor(options: EvmArbitrageExecutorOptions) {
    if (!(options.ethUsd > 0))
      throw new EvmError('EVM_BAD_OPTION', 'ethUsd must be > 0', { ethUsd: options.ethUsd });
    let wallet: Wallet;
    try {
      wallet = new Wallet(options.privateKey.reveal(), options.provider);
    } catch {
      // Never chain the cause: it could quote the key.
      throw new EvmError('EVM_BAD_OPTION', 'DEX_PRIVKEY is not a valid 32-byte hex private key', {});
    }
    this.#options = options;
    this.#wallet = wallet;
    this.address = wallet.address;
    this.#contract = new Contract(options.contractAddress, FLASH_ARB_EXECUTOR.abi, wallet);
    this.#reader = new PoolReader(options.provider, { timeoutMs: options.rpcTimeoutMs ?? 10_000 });
    this.#routes = new Map(options.routes.map((r) => [r.routeId, r]));
  }

  /** Checks the chain id (EVM_CHAIN_ID_MISMATCH) and reads the signer's nonce. */
  async start(): Promise<void> {
    // A watched node checks its chain id itself (a mismatch turns the venue unhealthy at once).
    if (this.#options.health !== undefined) await this.#options.health.checkChainId();
    else if (this.#options.chainId !== undefined)
      await assertChainIdOf(this.#options.provider, this.#options.chainId);
    this.#nonce = await this.#read(
      this.#options.provider.getTransactionCount(this.address, 'pending'),
      'nonce',
    );
  }

  /** The last attempt's chain numbers (undefined before the first `execute`). */
  get lastAttempt(): EvmAttempt | undefined {
    return this.#last;
  }

  /** The next nonce this executor will use (undefined until `start` or the first send). */
  get nextNonce(): number | undefined {
    return this.#nonce;
  }

  execute(decision: ArbitrageDecision, tick: Tick): Promise<ExecutionReport> {
    // One transaction in flight per signer: attempts run one after the other.
    const run = this.#queue
      .then(() => this.#execute(decision, tick))
      .catch((err: unknown) => {
        if (err instanceof ExecutionError) throw err;
        throw new ExecutionError(
          'EXECUTION_VENUE_UNAVAILABLE',
          'the chain did not answer while preparing the flash swap (nothing was sent)',
          { decisionId: decision.id },
          { cause: err },
        );
      });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  onTick(_tick: Tick): readonly TradeOutcome[] {
    return NO_OUTCOMES;
  }

  pending(): readonly PendingPosition[] {
    return this.#inFlight === undefined ? [] : [this.#inFlight];
  }

  /** A sent flash swap cannot be cancelled (it settles atomically in its block). */
  async cancelAll(): Promise<number> {
    return 0;
  }

  async #execute(decision: ArbitrageDecision, tick: Tick): Promise<ExecutionReport> {
    const route = this.#routes.get(decision.routeId);
    const reject = (reason: string, predicted = 0n): ExecutionReport => {
      this.#last = { sent: false, decisionId: decision.id, reason, predictedProfitWei: predicted };
      return rejectedReport(decision, VENUE, tick.tsMs, 'EXECUTION_REJECTED', reason);
    };
    if (route === undefined) {
      return reject(`unknown route ${decision.routeId}; known: ${[...this.#routes.keys()].join(', ')}`);
    }
    const provider = this.#options.provider;
    const block = await this.#read(provider.getBlock('latest'), 'latest block');
    if (block === null)
      throw new ExecutionError('EXECUTION_BROKER_ERROR', 'the node returned no latest block', {});
    const pairs = routePairs(route);
    const states: PairStates = new Map(
      (await this.#reader.read(pairs, block.number)).map((s) => [s.pair, s] as const),
    );
    const amount = sizeRoute(route, states);
    if (amount === 0n) return reject('no borrow size pays on the current reserves');
    const quote = quoteRoute(route, states, amount);
    if (!quote.ok) return reject(quote.reason);
    const args = [route.borrowPair, route.borrowToken, amount, route.sellPath] as const;
    try {
      await this.#read(
        this.#contract
          .getFunction('execute')
          .staticCall(...args, decision.minProfitWei, { blockTag: block.number }),
        'staticCall',
      );
    } catch (err) {
      if (err instanceof EvmError) throw err;
      const revert = classifyRevert(this.#contract.interface, revertDataOf(err));
      return reject(`the simulation reverts: ${revert.reason}`, quote.profit);
    }
    const estimate = await this.#read(
      this.#contract.getFunction('execute').estimateGas(...args, decision.minProfitWei),
      'estimateGas',
    );
    const tip = this.#options.priorityFeeWei ?? DEFAULT_PRIORITY_FEE_WEI;
    const baseFee = block.baseFeePerGas ?? 0n;
    const gasToken = nativeWeiInToken(estimate * (baseFee + tip), this.#options.ethUsd, route.repayTokenUsd);
    const minProfit = decision.minProfitWei + gasToken;
    if (quote.profit < minProfit) {
      return reject(
        `predicted profit ${quote.profit} wei does not pay gas ${gasToken} wei + minimum ${decision.minProfitWei} wei`,
        quote.profit,
      );
    }
    if (this.#decided.has(decision.id)) return reject(`decision ${decision.id} was sent once already`);
    this.#decided.add(decision.id);
    const margin = BigInt(Math.round((this.#options.gasLimitMargin ?? 0.2) * 1000));
    const request = await this.#contract.getFunction('execute').populateTransaction(...args, minProfit);
    const nonce =
      this.#nonce ?? (await this.#read(provider.getTransactionCount(this.address, 'pending'), 'nonce'));
    const tx = {
      ...request,
      nonce,
      gasLimit: (estimate * (1000n + margin)) / 1000n,
      maxPriorityFeePerGas: tip,
      maxFeePerGas: 2n * baseFee + tip,
      type: 2,
    };
    let hash: string;
    let relayed: TransactionReceipt | undefined;
    this.#inFlight = {
      decisionId: decision.id,
      engine: 'arbitrage',
      symbol: tick.symbol,
      venue: VENUE,
      state: 'open',
    };
    try {
      if (this.#options.relay === undefined) {
        hash = (await this.#wallet.sendTransaction(tx)).hash;
      } else {
        const raw = await this.#wallet.signTransaction(await this.#wallet.populateTransaction(tx));
        hash = Transaction.from(raw).hash ?? '';
        this.#options.onSubmitted?.({ decisionId: decision.id, txHash: hash, nonce });
        const result = await sendThroughRelay(
          { decisionId: decision.id, rawTx: raw, txHash: hash, headBlock: block.number },
          provider,
          this.#options.relay,
          (p, what) => this.#read(p, what),
        );
        if (result.kind !== 'included') {
          this.#inFlight = undefined;
          return reject(result.reason, quote.profit);
        }
        relayed = result.receipt;
      }
    } catch (err) {
      this.#inFlight = undefined;
      this.#nonce = undefined; // re-read from the chain at the next send
      if (err instanceof ExecutionError) throw err;
      throw new ExecutionError('EXECUTION_BROKER_ERROR', 'the flash-swap transaction was not accepted', {
        decisionId: decision.id,
        reason: scrubSecrets(err instanceof Error ? err.message : String(err)).slice(0, 200),
      });
    }
    this.#nonce = nonce + 1;
    if (relayed === undefined) this.#options.onSubmitted?.({ decisionId: decision.id, txHash: hash, nonce });
    try {
      const receipt = relayed ?? (await this.#receipt(hash, decision.id));
      const borrowState = states.get(pairs[0] ?? '');
      const borrowPool =
        borrowState === undefined
          ? { reserve0: 1n, reserve1: 1n }
          : orientReserves(borrowState, route.borrowToken);
      const mined = await this.#mined(route, receipt, hash, quote.repay, amount, borrowPool);
      this.#last = {
        sent: true,
        decisionId: decision.id,
        txHash: hash,
        status: mined.swap.result === 'filled' ? 'filled' : 'reverted',
        reason: mined.reason,
        amountInWei: amount,
        predictedProfitWei: quote.profit,
        realisedProfitWei: mined.swap.realisedProfit,
        gasUsed: receipt.gasUsed,
        effectiveGasPrice: receipt.gasPrice,
        blockNumber: receipt.blockNumber,
      };
      const minedBlock = await this.#read(provider.getBlock(receipt.blockNumber), 'receipt block');
      const settleTs = minedBlock === null ? tick.tsMs : Math.max(tick.tsMs, minedBlock.timestamp * 1000);
      const outcome = minedOutcome(decision, tick, settleTs, mined.swap);
      return {
        status: 'settled',
        decisionId: decision.id,
        engine: 'arbitrage',
        venue: VENUE,
        tsMs: tick.tsMs,
        outcome,
      };
    } finally {
      this.#inFlight = undefined;
    }
  }

  /** Waits for the receipt (bounded), as an ExecutionError when it does not come. */
  async #receipt(hash: string, decisionId: string): Promise<TransactionReceipt> {
    const timeoutMs = this.#options.receiptTimeoutMs ?? 120_000;
    try {
      const receipt = await withTimeout(
        this.#options.provider.waitForTransaction(hash, 1),
        timeoutMs,
        'receipt',
      );
      if (receipt === null)
        throw new EvmError('EVM_RPC_TIMEOUT', 'no receipt', { method: 'receipt', timeoutMs });
      return receipt;
    } catch (err) {
      throw new ExecutionError(
        'EXECUTION_TIMEOUT',
        `no receipt for ${hash} within ${timeoutMs} ms: the swap may still be mined; check the explorer before retrying`,
        { decisionId, txHash: hash, timeoutMs },
        { cause: err },
      );
    }
  }

  /** The realised numbers of a mined transaction: the owner's balance change, or the revert's reason. */
  async #mined(
    route: EvmRoute,
    receipt: TransactionReceipt,
    hash: string,
    repay: bigint,
    amountIn: bigint,
    borrowPool: MinedSwap['borrowPool'],
  ): Promise<{ readonly swap: MinedSwap; readonly reason: string }> {
    const gasWei = receipt.gasUsed * receipt.gasPrice;
    const common = {
      amountIn,
      repay,
      gasWei,
      repayTokenUsd: route.repayTokenUsd,
      ethUsd: this.#options.ethUsd,
      borrowPool,
    };
    if (receipt.status !== 1) {
      const revert = classifyRevert(
        this.#contract.interface,
        await traceRevertData(this.#options.provider, hash, (p, what) => this.#read(p, what)),
      );
      return { swap: { ...common, result: revert.result, realisedProfit: 0n }, reason: revert.reason };
    }
    const borrowState = (await this.#reader.read([route.borrowPair], receipt.blockNumber))[0];
    const repayToken =
      borrowState === undefined
        ? undefined
        : borrowState.token0 === route.borrowToken
          ? borrowState.token1
          : borrowState.token0;
    const token = new Contract(
      repayToken ?? '',
      ['function balanceOf(address) view returns (uint256)'],
      this.#options.provider,
    );
    const balanceOf = token.getFunction('balanceOf');
    const [before, after] = (await this.#read(
      Promise.all([
        balanceOf(this.address, { blockTag: receipt.blockNumber - 1 }),
        balanceOf(this.address, { blockTag: receipt.blockNumber }),
      ]),
      'balanceOf',
    )) as [bigint, bigint];
    return { swap: { ...common, result: 'filled', realisedProfit: after - before }, reason: 'filled' };
  }

  #read<T>(promise: Promise<T>, what: string): Promise<T> {
    const health = this.#options.health;
    if (health !== undefined) return health.call(what, () => promise);
    return withTimeout(promise, this.#options.rpcTimeoutMs ?? 10_000, what);
  }

  /** The node's health (no reports without a `health` watcher). */
  onHealth(listener: BrokerHealthListener): () => void {
    return this.#options.health?.onChange(listener) ?? (() => undefined);
  }
}
