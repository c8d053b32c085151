import { describe, expect, it } from 'vitest';
import type { CliIo } from './cli-io.js';
import { createProgress, nextStep } from './progress.js';

function capture(): { io: CliIo; lines: string[] } {
  const lines: string[] = [];
  return { io: { out: () => undefined, err: (t) => lines.push(t), isTty: false }, lines };
}

const DAY = 86_400_000;

describe('createProgress (not a TTY)', () => {
  it('prints one line per tenth of a known span', () => {
    const { io, lines } = capture();
    const progress = createProgress(io, 'backtest', { fromMs: 0, toMs: 100 * DAY });
    for (let day = 1; day <= 100; day += 3) progress.update(day * 10, day * DAY, day);
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe('backtest: 10% (1970-01-11, 100 ticks, 10 decisions)');
    expect(lines[9]).toBe('backtest: 100% (1970-04-11, 1000 ticks, 100 decisions)');
  });

  it('prints ticks and date at 10k, 20k, 50k, 100k, … ticks when the span is not known', () => {
    const { io, lines } = capture();
    const progress = createProgress(io, 'backtest');
    for (let ticks = 250; ticks <= 250_000; ticks += 250) progress.update(ticks, ticks * 1000, 7);
    expect(lines).toEqual([
      'backtest: 1970-01-01, 10000 ticks, 7 decisions',
      'backtest: 1970-01-01, 20000 ticks, 7 decisions',
      'backtest: 1970-01-01, 50000 ticks, 7 decisions',
      'backtest: 1970-01-02, 100000 ticks, 7 decisions',
      'backtest: 1970-01-03, 200000 ticks, 7 decisions',
    ]);
  });

  it('steps 1-2-5 through the decades', () => {
    expect([10_000, 20_000, 50_000, 100_000, 2_000_000, 5_000_000].map(nextStep)).toEqual([
      20_000, 50_000, 100_000, 200_000, 5_000_000, 10_000_000,
    ]);
  });
});
