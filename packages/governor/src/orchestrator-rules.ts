import { type DecisionGate, GovernorError, type RouteCandidate, type TradeDecision } from '@omni/core';
import type { LadderStake } from './ladder-risk-ai.js';
import { requireNumberInRange, requireOption } from './numeric-input.js';
import type { MutableTrace } from './orchestrator-drafts.js';
import type { CompileInput, OrchestratorSettings, TakeProfitRung } from './orchestrator-types.js';

/** Fixed-point scale for the minimum-profit ratio in wei (1e9: sub-ppb rounding, always up). */
const WEI_RATIO_SCALE = 1_000_000_000n;

/**
 * The take-profit ladder up to the chosen level: the fib rungs nearer than it keep their fractions
 * and the chosen rung closes the rest (fractions sum to 1; the executor closes the remainder at the last rung).
 */
export function takeProfitLadder(
  rungs: readonly { readonly ratio: number; readonly price: number; readonly fraction: number }[],
  finalRatio: number,
): TakeProfitRung[] {
  const out: TakeProfitRung[] = [];
  let used = 0;
  for (let i = 0; i < rungs.length; i++) {
    const r = rungs[i] as (typeof rungs)[number];
    if (r.ratio === finalRatio) {
      // The last fib rung keeps its own fraction (the ladder already sums to 1); an earlier one takes the rest.
      const fraction =
        i === rungs.length - 1 ? r.fraction : Math.min(1, Math.max(Number.MIN_VALUE, 1 - used));
      out.push({ ratio: r.ratio, price: r.price, fraction });
      return out;
    }
    out.push({ ratio: r.ratio, price: r.price, fraction: r.fraction });
    used += r.fraction;
  }
  throw new GovernorError('GOVERNOR_BAD_STATE', 'the chosen take-profit is not one of the fib rungs', {
    ratio: finalRatio,
  });
}

/**
 * The smallest gross token1 profit (wei) at which the route still nets `minProfitUsd` after gas:
 * ⌈expectedProfitWei · (gas + minProfitUsd) / (expectedProfitUsd + gas)⌉, where expectedProfitUsd + gas
 * is the candidate's gross profit in USD. The executor reverts (losing only gas) below it.
 */
export function minimumProfitWei(c: RouteCandidate, gasCostUsd: number, minProfitUsd: number): bigint {
  const grossUsd = c.expectedProfitUsd + gasCostUsd;
  if (!(grossUsd > 0)) return c.expectedProfitWei;
  const ratio = Math.min(1, (gasCostUsd + minProfitUsd) / grossUsd);
  const scaled = BigInt(Math.ceil(ratio * Number(WEI_RATIO_SCALE)));
  const wei = (c.expectedProfitWei * scaled + WEI_RATIO_SCALE - 1n) / WEI_RATIO_SCALE;
  return wei > c.expectedProfitWei ? c.expectedProfitWei : wei;
}

export function checkCandidate(c: RouteCandidate): RouteCandidate {
  if (
    typeof c.amountInWei !== 'bigint' ||
    c.amountInWei <= 0n ||
    typeof c.expectedProfitWei !== 'bigint' ||
    c.expectedProfitWei < 0n
  ) {
    throw new GovernorError(
      'GOVERNOR_BAD_INPUT',
      'a route candidate needs amountInWei > 0 and expectedProfitWei >= 0 as bigint wei',
      {
        field: 'arbitrage.candidates',
        routeId: c.routeId,
      },
    );
  }
  requireNumberInRange(c.expectedProfitUsd, `arbitrage.candidates[${c.routeId}].expectedProfitUsd`);
  if (c.gasCostUsd !== undefined)
    requireNumberInRange(c.gasCostUsd, `arbitrage.candidates[${c.routeId}].gasCostUsd`, 0);
  return c;
}

export function describeStake(stake: LadderStake): string {
  switch (stake.kind) {
    case 'no-edge':
      return `no Kelly edge: f* = ${fmt(stake.kellyEdge)}`;
    case 'below-minimum':
      return `sized stake ${fmt(stake.sizedStakeUsd)} USD is below the broker minimum`;
    case 'no-balance':
      return 'the balance is not positive';
    case 'stake':
      return `stake ${stake.stakeUsd}`;
  }
}

export function checkSettings(s: OrchestratorSettings): OrchestratorSettings {
  requireOption(s.minConfidence, 'minConfidence', 0, 1);
  requireOption(s.sequenceWeight, 'sequenceWeight', 0, 1);
  requireOption(s.payout, 'payout', Number.MIN_VALUE, 1e6);
  requireOption(s.spot.riskPerTradeFraction, 'spot.riskPerTradeFraction', Number.MIN_VALUE, 1);
  requireOption(s.spot.maxStakeUsd, 'spot.maxStakeUsd', Number.MIN_VALUE, 1e12);
  requireOption(s.spot.maxBalanceFraction, 'spot.maxBalanceFraction', Number.MIN_VALUE, 1);
  requireOption(s.spot.maxExposureUsd, 'spot.maxExposureUsd', Number.MIN_VALUE, 1e15);
  requireOption(s.minProfitUsd, 'minProfitUsd', 0, 1e12);
  requireOption(s.gasCostUsd, 'gasCostUsd', 0, 1e12);
  return Object.freeze({ ...s, spot: Object.freeze({ ...s.spot }) });
}

export function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(4);
}

/** The gate of a decision without a setup (shared, frozen). */
export const NO_SETUP_GATE: DecisionGate = Object.freeze({ kind: 'no-setup' });

/** The `none` result of `DecisionOrchestrator.compile`: `reason` closes the reasons. */
export function standAside(
  input: CompileInput,
  reasons: string[],
  trace: MutableTrace,
  reason: string,
  gate: DecisionGate,
  candidate: TradeDecision | null = null,
) {
  reasons.push(reason);
  const { decisionId: id, tsMs, symbol } = input;
  return {
    decision: { engine: 'none', id, tsMs, symbol, reason },
    reasons,
    trace,
    gate,
    candidate,
  } as const;
}
