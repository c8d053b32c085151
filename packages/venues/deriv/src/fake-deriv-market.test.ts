import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cents, FakeDerivMarket, type FakeProposal } from './fake-deriv-market.fixture.js';

describe('FakeDerivMarket', () => {
  it('settles every tick contract after its entry and N more ticks, by the CALL/PUT rule, and keeps the account', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000 }),
        fc.integer({ min: 35, max: 10_000 }),
        fc.constantFrom('CALL', 'PUT'),
        fc.integer({ min: 1, max: 10 }),
        (seed, stakeCents, contractType, duration) => {
          const market = new FakeDerivMarket({ seed, balance: 1_000 });
          const stake = stakeCents / 100;
          const proposal = market.propose({
            symbol: 'R_100',
            contract_type: contractType,
            basis: 'stake',
            currency: 'USD',
            amount: stake,
            duration,
            duration_unit: 't',
          }) as FakeProposal;
          const contract = market.buy(proposal, stake, 'c');
          if ('code' in contract) throw new Error(contract.code);
          const quotes: number[] = [];
          for (let i = 0; i <= duration; i++) {
            expect(contract.sold).toBe(false);
            quotes.push(market.tick('R_100').tick.quote);
          }
          const entry = quotes[0] as number;
          const exit = quotes[duration] as number;
          const won = contractType === 'CALL' ? exit > entry : exit < entry;
          const payout = cents(stake * 1.95);
          expect({
            sold: contract.sold,
            entry: contract.entry?.quote,
            exit: contract.exit?.quote,
            status: contract.status,
            profit: contract.profit,
            balance: market.balance,
          }).toEqual({
            sold: true,
            entry,
            exit,
            status: won ? 'won' : 'lost',
            profit: won ? cents(payout - stake) : -stake,
            balance: cents(1_000 - stake + (won ? payout : 0)),
          });
        },
      ),
      { numRuns: 200, seed: 15 },
    );
  });

  it('settles a seconds contract at the first tick at or after purchase + duration', () => {
    const market = new FakeDerivMarket({ seed: 2, startEpochS: 1_000 });
    const proposal = market.propose({
      symbol: 'R_100',
      contract_type: 'CALL',
      basis: 'stake',
      currency: 'USD',
      amount: 1,
      duration: 3,
      duration_unit: 's',
    }) as FakeProposal;
    const contract = market.buy(proposal, 1, undefined);
    if ('code' in contract) throw new Error(contract.code);
    const epochs = [1, 2, 3].map(() => market.tick('R_100').tick.epoch);
    expect({ epochs, sold: contract.sold, exit: contract.exit?.epoch, entry: contract.entry?.epoch }).toEqual(
      {
        epochs: [1_001, 1_002, 1_003],
        sold: true,
        entry: 1_001,
        exit: 1_003,
      },
    );
  });

  it('refuses a stake below the minimum, an unknown symbol and a price below the ask, with Deriv codes', () => {
    const market = new FakeDerivMarket();
    const base = {
      symbol: 'R_100',
      contract_type: 'CALL',
      basis: 'stake',
      currency: 'USD',
      duration: 5,
      duration_unit: 't',
    };
    expect(market.propose({ ...base, amount: 0.2 })).toMatchObject({ code: 'ContractBuyValidationError' });
    expect(market.propose({ ...base, symbol: 'R_1', amount: 1 })).toMatchObject({ code: 'InvalidSymbol' });
    const proposal = market.propose({ ...base, amount: 1 }) as FakeProposal;
    expect(market.buy(proposal, 0.99, undefined)).toMatchObject({ code: 'PriceMoved' });
    expect(market.contracts.size).toBe(0);
  });
});
