import type { z } from 'zod';
import type { CallBundleResultSchema, CallBundleTxResultSchema } from './relay-protocol.js';

/** Amounts and addresses every simulated transaction reports. */
interface BundleTxCommon {
  readonly txHash: string;
  readonly fromAddress: string;
  /** Absent for a contract creation. */
  readonly toAddress: string | undefined;
  readonly gasUsed: bigint;
  readonly gasPriceWei: bigint;
  /** gasUsed × gasPrice. */
  readonly gasFeesWei: bigint;
  /** What the block's fee recipient gained from this tx (priority fees and direct payments). */
  readonly coinbaseDiffWei: bigint;
  /** What the tx paid the fee recipient directly (not through gas). */
  readonly ethSentToCoinbaseWei: bigint;
}

/** One transaction of a simulated bundle: it succeeded with return data, or reverted with a reason. */
export type BundleTxSimulation = BundleTxCommon &
  (
    | { readonly status: 'success'; readonly returnData: string }
    | { readonly status: 'reverted'; readonly error: string; readonly revertReason: string | undefined }
  );

/** What eth_callBundle says the bundle would do at the top of the target block. */
export interface BundleSimulation {
  readonly bundleHash: string;
  /** The block whose state the simulation ran on. */
  readonly stateBlockNumber: bigint;
  readonly totalGasUsed: bigint;
  /** coinbaseDiff / totalGasUsed: the bundle's effective price per gas for the builder. */
  readonly bundleGasPriceWei: bigint;
  readonly coinbaseDiffWei: bigint;
  readonly ethSentToCoinbaseWei: bigint;
  readonly gasFeesWei: bigint;
  readonly results: readonly BundleTxSimulation[];
}

/** The public {@link BundleSimulation} of a parsed eth_callBundle result. */
export function toBundleSimulation(result: z.output<typeof CallBundleResultSchema>): BundleSimulation {
  return {
    bundleHash: result.bundleHash,
    stateBlockNumber: result.stateBlockNumber,
    totalGasUsed: result.totalGasUsed,
    bundleGasPriceWei: result.bundleGasPrice,
    coinbaseDiffWei: result.coinbaseDiff,
    ethSentToCoinbaseWei: result.ethSentToCoinbase,
    gasFeesWei: result.gasFees,
    results: result.results.map(toTxSimulation),
  };
}

function toTxSimulation(tx: z.output<typeof CallBundleTxResultSchema>): BundleTxSimulation {
  const common: BundleTxCommon = {
    txHash: tx.txHash,
    fromAddress: tx.fromAddress,
    toAddress: tx.toAddress,
    gasUsed: tx.gasUsed,
    gasPriceWei: tx.gasPrice,
    gasFeesWei: tx.gasFees,
    coinbaseDiffWei: tx.coinbaseDiff,
    ethSentToCoinbaseWei: tx.ethSentToCoinbase,
  };
  if (tx.error !== undefined || tx.revert !== undefined) {
    return {
      ...common,
      status: 'reverted',
      error: tx.error ?? 'execution reverted',
      revertReason: tx.revert,
    };
  }
  return { ...common, status: 'success', returnData: tx.value ?? '0x' };
}

/** The first reverted transaction of a simulation, with its index, or undefined when none reverted. */
export function firstRevert(
  simulation: BundleSimulation,
): { readonly index: number; readonly tx: Extract<BundleTxSimulation, { status: 'reverted' }> } | undefined {
  for (let index = 0; index < simulation.results.length; index++) {
    const tx = simulation.results[index];
    if (tx !== undefined && tx.status === 'reverted') return { index, tx };
  }
  return undefined;
}
