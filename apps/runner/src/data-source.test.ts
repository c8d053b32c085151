import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseTimeBound } from './data-source.js';

describe('parseTimeBound', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('reads a zone-less --from as UTC even when the process runs in New York time', () => {
    vi.stubEnv('TZ', 'America/New_York');
    // 2020-01-01T10:00Z = 1 577 872 800 000 ms (Date.parse would have read 10:00 New York = 15:00Z)
    expect([parseTimeBound('2020-01-01T10:00', '--from'), parseTimeBound('2020-01-01', '--from')]).toEqual([
      1_577_872_800_000, 1_577_836_800_000,
    ]);
  });

  it('reads digits as epoch milliseconds and names the flag of bad text', () => {
    expect(parseTimeBound('1577872800000', '--to')).toBe(1_577_872_800_000);
    expect(() => parseTimeBound('last tuesday', '--to')).toThrow(
      expect.objectContaining({ code: 'RUNTIME_BAD_INPUT', context: { '--to': 'last tuesday' } }),
    );
  });
});
