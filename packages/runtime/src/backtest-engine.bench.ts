import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '@omni/core';
import { bundledFxPath, ReplayFeed } from '@omni/feeds';
import { bench, describe } from 'vitest';
import { BacktestEngine } from './backtest-engine.js';

// The whole engine end to end: ten years of bundled EURUSD daily ticks (~2,500) through features,
// the governor (fib-core, learners), safety, the shadow hub and the journals. Per-tick cost =
// mean time / ticks. With the bundled ONNX model and with the momentum model.
const config = parseConfig({ mode: 'backtest' });
const fromMs = Date.UTC(2015, 0, 1);

async function run(modelPath: string | null | undefined): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'omni-bench-'));
  const engine = new BacktestEngine({
    config,
    symbol: 'EURUSD',
    ...(modelPath === undefined ? {} : { modelPath }),
  });
  await engine.run(new ReplayFeed({ path: bundledFxPath('EURUSD') }), { runDir: dir, fromMs });
  rmSync(dir, { recursive: true, force: true });
}

describe('BacktestEngine, EURUSD 2015–2025 daily (~2,500 ticks)', () => {
  bench('bundled ONNX model', () => run(undefined), { iterations: 5, warmupIterations: 1 });
  bench('momentum model', () => run(null), { iterations: 5, warmupIterations: 1 });
});
