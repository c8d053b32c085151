import type { Provider, TransactionReceipt } from 'ethers';
import { MevError } from './mev/mev-error.js';
import type { RelayClient } from './mev/relay-client.js';
import { processTimers, type TimerScheduler } from './mev/timer-scheduler.js';

/** How {@link EvmArbitrageExecutor} sends through a relay instead of the public mempool. */
export interface RelaySendOptions {
  /** The relay (MEV_RELAY_URL), signing with MEV_AUTH_KEY. */
  readonly client: RelayClient;
  /** Blocks the bundle is sent for: head + 1 … head + targetBlocks (each once). Default 3. */
  readonly targetBlocks?: number;
  /** Time between two inclusion checks (receipt, head) while waiting. Default 1 000 ms. */
  readonly pollIntervalMs?: number;
  /** Where the waits are armed. Default the process timers. */
  readonly scheduler?: TimerScheduler;
}

/** What became of a bundle: mined in one of its target blocks, refused in simulation, or not included. */
export type RelayResult =
  | { readonly kind: 'included'; readonly receipt: TransactionReceipt; readonly bundleHash: string }
  | { readonly kind: 'simulation-reverted'; readonly reason: string }
  | { readonly kind: 'not-included'; readonly reason: string; readonly bundleHash: string };

/** One signed flash swap for a relay. */
export interface RelayBundle {
  readonly decisionId: string;
  readonly rawTx: string;
  readonly txHash: string;
  /** The block the decision read (the simulation runs on its state). */
  readonly headBlock: number;
}

/**
 * The relay path of one decision: `eth_callBundle` for block head+1 on head's state (a revert:
 * nothing is sent — the contract's on-chain minimum, gas + `minProfitWei`, is what a successful
 * simulation proves the profit reaches), then `eth_sendBundle` once for each target block
 * head+1 … head+targetBlocks, then the chain is watched until the transaction's receipt appears or
 * the last target block has passed without it (not included: nothing mined, no gas paid). The bundle
 * is never sent again for this decision.
 *
 * @param read runs each chain read (RpcHealth: timeout and health accounting).
 */
export async function sendThroughRelay(
  bundle: RelayBundle,
  provider: Provider,
  options: RelaySendOptions,
  read: <T>(promise: Promise<T>, what: string) => Promise<T>,
): Promise<RelayResult> {
  const targets = options.targetBlocks ?? 3;
  const next = BigInt(bundle.headBlock + 1);
  try {
    await options.client.callBundle([bundle.rawTx], next, BigInt(bundle.headBlock));
  } catch (err) {
    if (err instanceof MevError && err.code === 'MEV_SIMULATION_REVERTED') {
      const revert = err.context['revertReason'] ?? err.context['error'] ?? 'reverted';
      return { kind: 'simulation-reverted', reason: `the relay simulation reverts: ${String(revert)}` };
    }
    throw err;
  }
  let bundleHash = '';
  for (let k = 0n; k < BigInt(targets); k++) {
    const sent = await options.client.sendBundle([bundle.rawTx], next + k, { decisionId: bundle.decisionId });
    bundleHash = sent.bundleHash;
  }
  const last = bundle.headBlock + targets;
  const scheduler = options.scheduler ?? processTimers;
  for (;;) {
    const head = await read(provider.getBlockNumber(), 'eth_blockNumber');
    const receipt = await read(provider.getTransactionReceipt(bundle.txHash), 'receipt');
    if (receipt !== null) return { kind: 'included', receipt, bundleHash };
    if (head >= last) {
      return {
        kind: 'not-included',
        bundleHash,
        reason: `the bundle was not included in blocks ${bundle.headBlock + 1}–${last}: nothing was mined, no gas paid`,
      };
    }
    await new Promise<void>((resolve) => scheduler.after(options.pollIntervalMs ?? 1000, resolve));
  }
}
