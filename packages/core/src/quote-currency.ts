/**
 * USD value of one unit of a symbol's quote currency at `price`, so that spot PnL and risk,
 * which come out in the quote currency, can be booked in USD.
 *
 * - `XXXUSD`, `XXXUSDT`, `XXXUSDC` (USD-quoted: EURUSD, BTCUSDT): 1.
 * - `USDXXX` (USD is the base: USDJPY, USDCHF, USDCAD): 1 / price (the price is XXX per USD).
 * - Anything else (a cross such as EURGBP): 1, i.e. the quote currency is taken as USD; convert
 *   upstream for exact accounting of crosses.
 *
 * @example
 * quoteUsdRate('USDJPY', 150); // 1/150: a 1.5 JPY move on 10 000 USD = 15 000 JPY = 100 USD
 */
export function quoteUsdRate(symbol: string, price: number): number {
  const s = symbol.toUpperCase();
  if (/USD[TC]?$/.test(s)) return 1;
  if (s.startsWith('USD') && s.length > 3 && price > 0) return 1 / price;
  return 1;
}
