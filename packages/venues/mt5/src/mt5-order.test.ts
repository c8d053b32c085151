import type { SpotDecision } from '@omni/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crossRungs, finalLegs, floorToLotStep, lotsForSize, newOrder } from './mt5-order.js';
import type { EaClosed } from './protocol.js';

/** A 30 000 USDJPY sell: stop 151.00, a third at 149.50, a third at 149.00, the rest at 148.00. */
const sell: SpotDecision = {
  engine: 'spot',
  id: 's1',
  tsMs: 0,
  confidence: 0.5,
  reasons: [],
  symbol: 'USDJPY',
  side: 'sell',
  size: 30_000,
  entryPrice: 150,
  stopPrice: 151,
  takeProfits: [
    { price: 148, fraction: 0.34 },
    { price: 149.5, fraction: 0.33 },
    { price: 149, fraction: 0.33 },
  ],
};

function filledSell() {
  const o = newOrder(sell, 0.3);
  o.state = 'open';
  o.filledLots = 0.3;
  o.remainingLots = 0.3;
  o.entryPrice = 150.02;
  return o;
}

describe('lots', () => {
  it('rounds size ÷ contract size down to the lot step, at least the minimum', () => {
    expect([lotsForSize(23_456), lotsForSize(30_000), lotsForSize(500), lotsForSize(1_000_000)]).toEqual([
      0.23, 0.3, 0.01, 10,
    ]);
  });

  it('never rounds up, and stays within one step of the input', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1_000, noNaN: true }),
        fc.constantFrom(0.01, 0.1, 1),
        (lots, step) => {
          const out = floorToLotStep(lots, step);
          expect(out).toBeLessThanOrEqual(lots + 1e-9);
          expect(lots - out).toBeLessThan(step + 1e-9);
          expect(Math.abs(out / step - Math.round(out / step))).toBeLessThan(1e-6);
        },
      ),
    );
  });
});

describe('crossRungs', () => {
  it('closes a sell rung by rung on the ask, and moves the stop to the entry after rung 1', () => {
    const o = filledSell();
    expect(crossRungs(o, 149.6, 0.01)).toEqual([]);
    // The ask reaches 149.40: rung 1 (149.50) only — a third of 0.3 lots is 0.099, floored to 0.09.
    expect(crossRungs(o, 149.4, 0.01)).toEqual([
      { type: 'close', client_id: 's1', volume: 0.09 },
      { type: 'modify', client_id: 's1', sl: 150.02, tp: 148 },
    ]);
    // Past 149.00 and 148.00: rung 2 closes; rung 3 is the broker's TP, never split here.
    expect(crossRungs(o, 147.9, 0.01)).toEqual([{ type: 'close', client_id: 's1', volume: 0.09 }]);
    expect([o.nextTp, o.rungCloses, o.sl]).toEqual([2, [1, 2], 150.02]);
  });

  it('sends no partial close when the rung is smaller than one lot step (minimum volume)', () => {
    const o = newOrder(sell, 0.01);
    o.state = 'open';
    o.filledLots = 0.01;
    o.remainingLots = 0.01;
    o.entryPrice = 150;
    expect(crossRungs(o, 149.4, 0.01)).toEqual([{ type: 'modify', client_id: 's1', sl: 150, tp: 148 }]);
  });
});

describe('finalLegs', () => {
  const deal = (reason: EaClosed['reason'], price: number): EaClosed => ({
    v: 1,
    type: 'closed',
    client_id: 's1',
    ticket: '9',
    volume: 0.3,
    remaining: 0,
    price,
    profit: 0,
    commission: 0,
    swap: 0,
    time_msc: 1,
    reason,
  });

  it('names a sell stopped beyond its stop a gap, and a broker TP every rung reached', () => {
    expect(finalLegs(filledSell(), deal('sl', 151.2))).toEqual([
      { kind: 'stop', gap: true, bothCrossed: false },
    ]);
    expect(finalLegs(filledSell(), deal('sl', 151))).toEqual([
      { kind: 'stop', gap: false, bothCrossed: false },
    ]);
    expect(
      finalLegs(filledSell(), deal('tp', 148)).map((l) => (l.kind === 'take-profit' ? l.level : 0)),
    ).toEqual([1, 2, 3]);
    expect(finalLegs(filledSell(), deal('stopout', 152))).toEqual([
      { kind: 'cancelled', reason: 'stop-out by the broker (margin level)' },
    ]);
  });
});
