import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bundledFxPairs, bundledFxPath } from './bundled-fx.js';

describe('bundled FX data', () => {
  it('lists the six majors', () => {
    expect(bundledFxPairs()).toEqual(['EURUSD', 'GBPUSD', 'AUDUSD', 'USDJPY', 'USDCHF', 'USDCAD']);
  });

  it.each(['EURUSD', 'GBPUSD', 'AUDUSD', 'USDJPY', 'USDCHF', 'USDCAD'])(
    '%s is a sorted, de-duplicated, positive `timestamp,price` CSV under 300 KB',
    (pair) => {
      const path = bundledFxPath(pair);
      const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
      // Collect every bad row and assert once (one expect per row was ~25k expect calls per file).
      const bad: string[] = [];
      let previous = '';
      lines.slice(1).forEach((line, i) => {
        const [date = '', price, ...rest] = line.split(',');
        const day = new Date(`${date}T00:00:00Z`).getUTCDay();
        const ok =
          /^\d{4}-\d{2}-\d{2}$/.test(date) &&
          date > previous &&
          day !== 0 &&
          day !== 6 &&
          Number(price) > 0 &&
          rest.length === 0;
        if (!ok) bad.push(`line ${i + 2}: ${line}`);
        previous = date;
      });
      expect({
        underSizeLimit: statSync(path).size < 300 * 1024,
        header: lines[0],
        enoughRows: lines.length > 6000,
        bad,
      }).toEqual({ underSizeLimit: true, header: 'timestamp,price', enoughRows: true, bad: [] });
    },
  );

  it('holds the known ECB reference start of the euro (EURUSD 1999-01-04 = 1.1812 in the FRED series)', () => {
    const lines = readFileSync(bundledFxPath('EURUSD'), 'utf8').split('\n');
    expect(lines[1]).toBe('1999-01-04,1.1812');
  });

  it('accepts a slash and lower case, and names the available pairs for an unknown one', () => {
    expect(bundledFxPath('eur/usd')).toBe(bundledFxPath('EURUSD'));
    expect(() => bundledFxPath('XAUUSD')).toThrow(/no bundled FX series named XAUUSD.*EURUSD/);
  });
});
