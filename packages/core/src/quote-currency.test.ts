import { describe, expect, it } from 'vitest';
import { quoteUsdRate } from './quote-currency.js';

describe('quoteUsdRate', () => {
  it('is 1 for USD-quoted symbols', () => {
    expect(quoteUsdRate('EURUSD', 1.1)).toBe(1);
    expect(quoteUsdRate('btcusdt', 60_000)).toBe(1);
    expect(quoteUsdRate('ETHUSDC', 3_000)).toBe(1);
  });

  it('is 1/price when USD is the base currency', () => {
    expect(quoteUsdRate('USDJPY', 150)).toBeCloseTo(1 / 150, 15);
    expect(quoteUsdRate('USDCHF', 0.9)).toBeCloseTo(1 / 0.9, 15);
    // 10 000 USD long USDJPY from 150 to 151.5: +15 000 JPY = 15 000 / 151.5 USD at the exit rate.
    expect(10_000 * 1.5 * quoteUsdRate('USDJPY', 151.5)).toBeCloseTo(99.0099, 4);
  });

  it('takes the quote currency as USD for a cross', () => {
    expect(quoteUsdRate('EURGBP', 0.85)).toBe(1);
  });
});
