import { defineConfig } from 'tsup';

export default defineConfig({
  // The worker of `omni backtest --symbols` is its own file, loaded by worker threads from dist/.
  entry: { cli: 'src/cli.ts', 'backtest-worker': 'src/commands/backtest-worker.ts' },
  format: ['esm'],
  sourcemap: true,
  clean: true,
  target: 'node20',
  banner: { js: '#!/usr/bin/env node' },
});
