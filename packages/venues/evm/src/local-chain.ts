import { BrowserProvider, type Eip1193Provider, HDNodeWallet, Mnemonic, Wallet } from 'ethers';
import { EvmError, isMissingModule } from './evm-error.js';
import { LocalRpcServer } from './local-rpc-server.js';
import { assertChainId, withTimeout } from './rpc.js';

/** Hardhat's well-known development mnemonic: deterministic accounts, funded with 10 000 ETH each. */
export const HARDHAT_MNEMONIC = 'test test test test test test test test test test test junk';
/** The chain id of Hardhat's in-process network. */
export const LOCAL_CHAIN_ID = 31337;

/** Options of {@link LocalChain.start}. */
export interface LocalChainOptions {
  /** Default 31337. */
  readonly chainId?: number;
  /** Funded accounts from {@link HARDHAT_MNEMONIC}; default 4 (index 0 deploys, 1 trades, 2 rivals...). */
  readonly accounts?: number;
  /** Mine one block per transaction (default true); {@link LocalChain.setAutomine} switches it at run time. */
  readonly automine?: boolean;
  /** The hardfork of the node; default `shanghai` (what the contracts are compiled for). */
  readonly hardfork?: 'shanghai' | 'cancun';
  /** How long the node may take to start; default 60 000 ms. */
  readonly startTimeoutMs?: number;
  /** How often ethers polls for new blocks (receipts); default 20 ms on the in-process node. */
  readonly pollingIntervalMs?: number;
}

/** The part of Hardhat 2 the local chain loads (lazily: it is only needed when a chain starts). */
interface HardhatModules {
  resolveConfig(configPath: string, userConfig: Record<string, unknown>): unknown;
  createProvider(config: unknown, networkName: string): Promise<Eip1193Provider>;
}

async function loadHardhat(): Promise<HardhatModules> {
  try {
    const [resolution, construction] = await Promise.all([
      import('hardhat/internal/core/config/config-resolution.js'),
      import('hardhat/internal/core/providers/construction.js'),
    ]);
    return {
      resolveConfig: resolution.resolveConfig as HardhatModules['resolveConfig'],
      createProvider: construction.createProvider as HardhatModules['createProvider'],
    };
  } catch (err) {
    if (isMissingModule(err)) {
      throw new EvmError(
        'EVM_HARDHAT_MISSING',
        'hardhat 2.x is not installed; install it (pnpm add hardhat@~2.29) to start a local chain',
        {},
        { cause: err },
      );
    }
    throw err;
  }
}

/**
 * A local EVM: Hardhat 2's network, in-process (no port, no child process), with deterministic
 * funded accounts and an ethers v6 provider. Automine is on by default (a transaction is mined at
 * once); switch it off to queue several transactions (a rival's first: Hardhat orders a block by
 * priority fee) and {@link mine} them in one block.
 *
 * @example
 * const chain = await LocalChain.start();
 * const [deployer, trader] = chain.signers;
 * await chain.setAutomine(false); // ...send a rival swap and ours, then:
 * await chain.mine();
 * await chain.close();
 */
export class LocalChain {
  /** The ethers provider over the in-process node. */
  readonly provider: BrowserProvider;
  /** Funded deterministic accounts (private keys from {@link HARDHAT_MNEMONIC}). */
  readonly signers: readonly Wallet[];
  readonly chainId: number;
  readonly #eip1193: Eip1193Provider;
  #closed = false;

  private constructor(
    eip1193: Eip1193Provider,
    chainId: number,
    signers: readonly string[],
    pollingMs: number,
  ) {
    this.#eip1193 = eip1193;
    this.chainId = chainId;
    // No request cache (the node changes between two identical reads) and fast polling of receipts.
    this.provider = new BrowserProvider(eip1193, chainId, { cacheTimeout: -1, staticNetwork: true });
    this.provider.pollingInterval = pollingMs;
    this.signers = signers.map((key) => new Wallet(key, this.provider));
  }

  /** Starts the node (throws EVM_HARDHAT_MISSING, EVM_CHAIN_START_FAILED or EVM_CHAIN_ID_MISMATCH). */
  static async start(options: LocalChainOptions = {}): Promise<LocalChain> {
    const chainId = options.chainId ?? LOCAL_CHAIN_ID;
    const accounts = options.accounts ?? 4;
    const hardhat = await loadHardhat();
    const startTimeoutMs = options.startTimeoutMs ?? 60_000;
    let eip1193: Eip1193Provider;
    try {
      // Hardhat wants the path of an existing config file; it is not read (the config is this object)
      // and nothing is written next to it for the in-process network.
      const config = hardhat.resolveConfig(process.execPath, {
        networks: {
          hardhat: {
            chainId,
            hardfork: options.hardfork ?? 'shanghai',
            accounts: { mnemonic: HARDHAT_MNEMONIC, count: accounts },
            // A mined revert is a receipt with status 0, as on a real node, not a thrown send.
            throwOnTransactionFailures: false,
            throwOnCallFailures: true,
            mining: { auto: options.automine ?? true, mempool: { order: 'priority' } },
            loggingEnabled: false,
          },
        },
      });
      eip1193 = await withTimeout(hardhat.createProvider(config, 'hardhat'), startTimeoutMs, 'hardhat start');
    } catch (err) {
      throw new EvmError(
        'EVM_CHAIN_START_FAILED',
        'the in-process Hardhat node did not start; check the hardhat version (2.29.x on Node 20)',
        { startTimeoutMs },
        { cause: err },
      );
    }
    await assertChainId(eip1193, chainId);
    const mnemonic = Mnemonic.fromPhrase(HARDHAT_MNEMONIC);
    const keys: string[] = [];
    for (let i = 0; i < accounts; i++) {
      keys.push(HDNodeWallet.fromMnemonic(mnemonic, `m/44'/60'/0'/0/${i}`).privateKey);
    }
    return new LocalChain(eip1193, chainId, keys, options.pollingIntervalMs ?? 20);
  }

  /** Sends a raw JSON-RPC request to the node (Hardhat methods such as `evm_mine` included). */
  async send(method: string, params: readonly unknown[] = []): Promise<unknown> {
    if (this.#closed) throw new EvmError('EVM_BAD_OPTION', 'the local chain is closed', { method });
    return this.#eip1193.request({ method, params: [...params] });
  }

  /** Turns automine on (every transaction mined at once) or off (transactions wait for {@link mine}). */
  async setAutomine(on: boolean): Promise<void> {
    await this.send('evm_setAutomine', [on]);
  }

  /** Mines one block with whatever the mempool holds (highest priority fee first). */
  async mine(): Promise<void> {
    await this.send('evm_mine');
  }

  /** The latest block number. */
  async blockNumber(): Promise<number> {
    return this.provider.getBlockNumber();
  }

  /**
   * A JSON-RPC HTTP server on 127.0.0.1 in front of this node, so code under test reaches it as it
   * reaches a real node: `new JsonRpcProvider(server.url)` (DEX_RPC). Close it with `server.stop()`.
   */
  serve(): Promise<LocalRpcServer> {
    return LocalRpcServer.start({ send: (method, params) => this.send(method, params) });
  }

  /** Stops using the node (the in-process node holds no socket or child process). Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.provider.destroy();
  }
}
