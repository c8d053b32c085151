import type { Decision, TradeDecision } from '@omni/core';
import type { FibBlock } from '@omni/fib-core';

/**
 * The identity of the fib setup a binary or spot decision trades, for SafetyManager's
 * `risk.maxPositionsPerSetup` (no stacking): the signal's pattern, the swing leg it measures
 * (direction, start and end times of its confirmed swings), the level for a binary signal, and the
 * trade's direction — `fib-retracement:up:1704153600000-1704157200000:0.618:call`. It stays the
 * same on every tick while price sits in the same zone of the same leg (the ATR-wide zone itself
 * moves with ATR, so it is not part of the key) and changes when a new swing is confirmed.
 * Undefined for arbitrage, before the first swing leg, or when the block has no signal for the
 * decision's engine.
 *
 * @param decision - the trade decision built from `block`'s signal of its engine.
 * @param block - the fib block of the same tick (its `setup` and `signals`).
 * @returns the key, or undefined.
 */
export function setupKeyOf(
  decision: TradeDecision,
  block: Pick<FibBlock, 'setup' | 'signals'>,
): string | undefined {
  if (decision.engine === 'arbitrage' || block.setup === null) return undefined;
  const signal = block.signals[decision.engine];
  if (signal.kind !== 'signal') return undefined;
  const { start, end, levels } = block.setup;
  const level = signal.engine === 'binary' ? `:${signal.level.ratio}` : '';
  const side = decision.engine === 'binary' ? decision.direction : decision.side;
  return `${signal.pattern}:${levels.direction}:${start.tsMs}-${end.tsMs}${level}:${side}`;
}

/** `decision` with its {@link setupKeyOf} (unchanged when it has none, e.g. a stand-aside). */
export function withSetupKey(decision: Decision, block: Pick<FibBlock, 'setup' | 'signals'>): Decision {
  if (decision.engine === 'none') return decision;
  const setupKey = setupKeyOf(decision, block);
  return setupKey === undefined ? decision : { ...decision, setupKey };
}
