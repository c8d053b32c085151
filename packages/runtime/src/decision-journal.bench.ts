import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bench, describe } from 'vitest';
import { DecisionJournal } from './decision-journal.js';

// The per-tick cost of a skipped decision (level actions) against a recorded one (level all):
// 10,000 decisions per iteration, so per decision = mean time / 10,000.
const actions = await DecisionJournal.open(
  join(mkdtempSync(join(tmpdir(), 'omni-bench-')), 'decisions.jsonl'),
  {
    level: 'actions',
  },
);
const all = await DecisionJournal.open(join(mkdtempSync(join(tmpdir(), 'omni-bench-')), 'decisions.jsonl'));
let n = 0;
let m = 0;

describe('DecisionJournal, 10,000 decisions', () => {
  bench('skip (actions: counted, one checkpoint line)', () => {
    for (let i = 0; i < 10_000; i++) {
      n++;
      actions.skip(n, 1_600_000_000_000 + n * 60_000, 1.1 + (n % 100) / 10_000, n % 7);
    }
  });
  bench('append (all: JSON + sha256 each)', () => {
    for (let i = 0; i < 10_000; i++) {
      m++;
      all.append({
        decision: { engine: 'none', id: `run-${m}`, tsMs: m, symbol: 'EURUSD', reason: 'no setup' },
        regimeKey: 'trend:low',
        tsMs: 1_600_000_000_000 + m * 60_000,
        symbol: 'EURUSD',
        price: 1.1 + (m % 100) / 10_000,
        features: { sma: 1.1, ema: 1.1, atr: 0.001, rollingStd: 0.0005, momentumGradient: 0.0001 },
      });
    }
  });
});
