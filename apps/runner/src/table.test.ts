import { describe, expect, it } from 'vitest';
import { formatTable, isoDate, num, pct } from './table.js';

describe('formatTable', () => {
  it('aligns the first column left and the others right', () => {
    expect(
      formatTable(
        ['engine', 'pnl'],
        [
          ['binary', '12.50'],
          ['spot', '-3.00'],
        ],
      ),
    ).toBe(['engine    pnl', '------  -----', 'binary  12.50', 'spot    -3.00'].join('\n'));
  });

  it('formats numbers, percentages and dates', () => {
    expect(num(1.23456, 3)).toBe('1.235');
    expect(num(null)).toBe('—');
    expect(pct(0.5312)).toBe('53.1%');
    expect(isoDate(Date.UTC(2024, 0, 2))).toBe('2024-01-02');
  });
});
