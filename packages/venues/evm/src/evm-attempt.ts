/** A flash swap that was broadcast. */
export interface SubmittedSwap {
  readonly decisionId: string;
  readonly txHash: string;
  readonly nonce: number;
}

/** What the last `execute` did, with the chain's numbers (for the journal and `omni arb demo`). */
export type EvmAttempt =
  | {
      readonly sent: false;
      readonly decisionId: string;
      readonly reason: string;
      readonly predictedProfitWei: bigint;
    }
  | {
      readonly sent: true;
      readonly decisionId: string;
      readonly txHash: string;
      readonly status: 'filled' | 'reverted';
      readonly reason: string;
      readonly amountInWei: bigint;
      readonly predictedProfitWei: bigint;
      readonly realisedProfitWei: bigint;
      readonly gasUsed: bigint;
      readonly effectiveGasPrice: bigint;
      readonly blockNumber: number;
    };
