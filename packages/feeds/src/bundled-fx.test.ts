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
      expect(statSync(path).size).toBeLessThan(300 * 1024);
      const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
      expect(lines[0]).toBe('timestamp,price');
      let previous = '';
      for (const line of lines.slice(1)) {
        const [date, price] = line.split(',');
        expect(date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect((date as string) > previous).toBe(true);
        const day = new Date(`${date}T00:00:00Z`).getUTCDay();
        expect(day === 0 || day === 6).toBe(false);
        expect(Number(price)).toBeGreaterThan(0);
        previous = date as string;
      }
      expect(lines.length).toBeGreaterThan(6000);
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
