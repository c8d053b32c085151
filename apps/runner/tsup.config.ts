import { defineConfig } from 'tsup';

export default defineConfig({
  // The workers of `omni backtest --symbols` and `omni sweep` are their own files, loaded by worker threads from dist/.
  entry: {
    cli: 'src/cli.ts',
    'backtest-worker': 'src/commands/backtest-worker.ts',
    'sweep-worker': 'src/sweep/sweep-worker.ts',
  },
  format: ['esm'],
  sourcemap: true,
  clean: true,
  target: 'node20',
  banner: { js: '#!/usr/bin/env node' },
});
