import { type ArbitrageDecision, type OmniConfig, Rng, RuntimeError, type Tick } from '@omni/core';
import { ArbMarket, E18, EvmArbitrageExecutor } from '@omni/venue-evm';
import type { CliIo } from '../cli-io.js';

/** Flags of `omni arb demo`. */
export interface ArbDemoFlags {
  /** How far pool B's price is pushed above pool A's, in basis points. Default 100 (1 %). */
  readonly gapBps?: number;
  /** Seed of the pools' depth and price. Default the config's seed. */
  readonly seed?: number;
}

/** What `omni arb demo --json` prints: wei of the borrowed route's profit token (USD), as decimal strings. */
export interface ArbDemoResult {
  readonly sent: boolean;
  readonly predictedProfitWei: string;
  readonly realisedProfitWei: string;
  readonly gasUsed: string;
  readonly txHash: string;
  readonly reason: string;
}

/**
 * `omni arb demo`: a local EVM (Hardhat in-process, 127.0.0.1 only) with two real Uniswap V2
 * WETH/USD pools and the FlashArbExecutor contract; pool B's price is pushed `gapBps` above pool
 * A's, then the arbitrage executor reads the reserves, sizes the flash swap with the closed form,
 * simulates it, weighs the profit against gas at the block's base fee (`engines.arbitrage.ethUsd`)
 * plus `engines.arbitrage.minProfitUsd`, and sends it only when it pays. The seed draws the pools'
 * depth (500–1,499 WETH) and price (2,000–3,999 USD). A gap that cannot pay fees and gas sends
 * nothing: `sent: false` with the reason, exit 0.
 */
export async function runArbDemo(config: OmniConfig, flags: ArbDemoFlags, io: CliIo): Promise<ArbDemoResult> {
  const gapBps = flags.gapBps ?? 100;
  if (!Number.isFinite(gapBps) || gapBps < 0 || gapBps > 5_000) {
    throw new RuntimeError('RUNTIME_BAD_INPUT', '--gap-bps must be between 0 and 5000', { gapBps });
  }
  const rng = new Rng(flags.seed ?? config.seed).fork('arb-demo');
  const wethPerPool = BigInt(rng.int(500, 1_500));
  const priceUsd = BigInt(rng.int(2_000, 4_000));
  io.err(`arb demo: starting a local chain; two WETH/USD pools of ${wethPerPool} WETH at ${priceUsd} USD`);
  const market = await ArbMarket.start({ wethPerPool, priceUsd });
  try {
    if (gapBps > 0) {
      await market.injectGap(gapBps);
      io.err(`arb demo: pool B pushed ${gapBps} bps above pool A`);
    }
    const arbitrage = config.engines.arbitrage;
    const executor = new EvmArbitrageExecutor({ ...market.executorOptions(), ethUsd: arbitrage.ethUsd });
    await executor.start();
    const block = await market.chain.provider.getBlock('latest');
    const tsMs = (block?.timestamp ?? 0) * 1000;
    const decision: ArbitrageDecision = {
      engine: 'arbitrage',
      id: 'arb-demo-1',
      tsMs,
      confidence: 1,
      reasons: [`arb demo: ${gapBps} bps gap`],
      routeId: market.route.routeId,
      amountInWei: 0n, // the executor sizes on the reserves it reads
      minProfitWei: (BigInt(Math.round(arbitrage.minProfitUsd * 1e6)) * E18) / 1_000_000n,
    };
    const tick: Tick = { symbol: 'WETHUSD', tsMs, price: Number(priceUsd), source: 'arb-demo' };
    await executor.execute(decision, tick);
    const attempt = executor.lastAttempt;
    if (attempt === undefined)
      throw new RuntimeError('RUNTIME_BAD_INPUT', 'the executor made no attempt', {});
    if (!attempt.sent) {
      io.err(`arb demo: nothing sent — ${attempt.reason}`);
      return {
        sent: false,
        predictedProfitWei: String(attempt.predictedProfitWei),
        realisedProfitWei: '0',
        gasUsed: '0',
        txHash: '',
        reason: attempt.reason,
      };
    }
    io.err(`arb demo: ${attempt.status} in block ${attempt.blockNumber} (${attempt.txHash})`);
    return {
      sent: true,
      predictedProfitWei: String(attempt.predictedProfitWei),
      realisedProfitWei: String(attempt.realisedProfitWei),
      gasUsed: String(attempt.gasUsed),
      txHash: attempt.txHash,
      reason: attempt.reason,
    };
  } finally {
    await market.close();
  }
}

/** The result as text: profits in whole USD beside the wei. */
export function formatArbDemo(result: ArbDemoResult): string {
  const usd = (wei: string): string => (Number(BigInt(wei)) / 1e18).toFixed(6);
  if (!result.sent)
    return `not sent: ${result.reason} (predicted profit ${usd(result.predictedProfitWei)} USD)`;
  return [
    `sent: ${result.txHash}`,
    `  predicted profit  ${usd(result.predictedProfitWei)} USD (${result.predictedProfitWei} wei)`,
    `  realised profit   ${usd(result.realisedProfitWei)} USD (${result.realisedProfitWei} wei)`,
    `  gas used          ${result.gasUsed}`,
    `  ${result.reason}`,
  ].join('\n');
}
