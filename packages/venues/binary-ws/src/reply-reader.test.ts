import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReplyReader } from './reply-reader.js';
import { ACME } from './test-support.fixture.js';

const reader = new ReplyReader(ACME);
const trade = (id: number, openedAt: number) => ({
  id,
  asset: 'EURUSD',
  side: id % 2 === 0 ? 'HIGHER' : 'LOWER',
  cost: 1,
  payout: 1.85,
  openedAt,
  state: 'active',
  tag: `d-${id}`,
});

describe('ReplyReader', () => {
  it('returns exactly the listed contracts bought at or after the time, in order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1_699_999_000, max: 1_700_001_000 }), { maxLength: 30 }),
        fc.integer({ min: 1_699_999_000_000, max: 1_700_001_000_000 }),
        (opened, sinceMs) => {
          const list = opened.map((s, i) => trade(9000 + i, s));
          const read = reader.contracts({ trades: list }, sinceMs, () => undefined);
          expect(read.ok).toBe(true);
          if (!read.ok) return;
          expect(read.value.map((c) => c.contractId)).toEqual(
            list.filter((t) => t.openedAt * 1000 >= sinceMs).map((t) => String(t.id)),
          );
          expect(
            read.value.every((c) => c.direction === (Number(c.contractId) % 2 === 0 ? 'call' : 'put')),
          ).toBe(true);
        },
      ),
    );
  });

  it('makes the whole list a problem when one item cannot be read', () => {
    const list = [trade(1, 1_700_000_000), { ...trade(2, 1_700_000_000), side: 'SIDEWAYS' }];
    expect(reader.contracts({ trades: list }, 0, () => undefined)).toEqual({
      ok: false,
      problem: 'item 1: direction "SIDEWAYS" at side is neither call nor put',
    });
    expect(reader.contracts({ trades: 'none' }, 0, () => undefined)).toEqual({
      ok: false,
      problem: 'trades is not an array',
    });
  });

  it('reads numeric strings as numbers and seconds as milliseconds', () => {
    const read = reader.contract(
      { ...trade(7, 1_700_000_000), cost: '2.50', payout: '4.63', closedAt: '1700000300' },
      {},
    );
    expect(read).toEqual({
      ok: true,
      value: {
        contractId: '7',
        symbol: 'EURUSD',
        direction: 'put',
        buyPrice: 2.5,
        payout: 4.63,
        purchaseTsMs: 1_700_000_000_000,
        status: 'open',
        exitTsMs: 1_700_000_300_000,
        clientId: 'd-7',
      },
    });
  });

  it('refuses a status that is only a member of Object.prototype (found by the chaos fuzz)', () => {
    for (const state of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(reader.contract({ ...trade(8, 1_700_000_000), state })).toEqual({
        ok: false,
        problem: `status ${JSON.stringify(state)} at state is not in contract.statusMap`,
      });
    }
  });

  it('refuses a time that is no whole epoch once in milliseconds (found by the chaos fuzz)', () => {
    expect(reader.contract({ ...trade(9, 1e306) })).toEqual({
      ok: false,
      problem: 'the time at openedAt is not a whole, non-negative epoch time',
    });
    expect(reader.contract({ ...trade(9, 1_700_000_000), closedAt: -5 })).toEqual({
      ok: false,
      problem: 'the time at closedAt is not a whole, non-negative epoch time',
    });
    const known = { ...trade(9, 1_700_000_000), closedAt: 1_700_000_060.5 };
    expect(reader.contract(known)).toMatchObject({ ok: true, value: { exitTsMs: 1_700_000_060_500 } });
  });
});
