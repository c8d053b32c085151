import { MARKETS } from '@omni/core';
import type { FibBlock } from '@omni/fib-core';
import { describe, expect, it } from 'vitest';
import { availableMarkets } from './governor-market.js';

const signal = { kind: 'signal' } as const;
const none = { kind: 'none' } as const;

/** Signals with the given kinds (only `kind` is read). */
function signals(binary: boolean, spot: boolean, arbitrage: boolean): FibBlock['signals'] {
  return {
    binary: binary ? signal : none,
    spot: spot ? signal : none,
    arbitrage: arbitrage ? signal : none,
  } as unknown as FibBlock['signals'];
}

describe('availableMarkets', () => {
  it('lists the engines with a signal in MARKETS order, arbitrage only with priced routes', () => {
    expect(availableMarkets(signals(true, false, true), true)).toEqual(['binary', 'arbitrage']);
    expect(availableMarkets(signals(true, true, true), false)).toEqual(['binary', 'spot']);
    expect(availableMarkets(signals(false, false, true), false)).toEqual([]);
    expect(availableMarkets(signals(true, true, true), true)).toEqual(MARKETS);
  });

  it('hands out one frozen array per combination, allocating nothing', () => {
    const a = availableMarkets(signals(false, true, false), true);
    expect(availableMarkets(signals(false, true, true), false)).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
  });
});
