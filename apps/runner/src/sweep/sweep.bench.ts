import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bench, describe } from 'vitest';

// `omni sweep --workers 1` against `--workers 2` on the same grid, each a fresh `node dist/cli.js`
// process as a user runs it (start-up, module loading and the worker threads' start included):
// 12 parameter sets × the 6 bundled pairs, 2005–2024 daily (72 backtests of ~5,200 ticks each,
// momentum model). The issue asks for ≥ 1.7× on 2 cores: read the ratio vitest prints
// ("… x faster than …"); it needs two idle cores (other work on the machine shrinks it).
// Measured: about 1.14× (11.8 s against 10.3 s); 288 runs give 1.52×. Why it is not higher:
// docs/sweeps.md, "Where the second core goes".
// `pnpm bench` in apps/runner builds dist/ first.
const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
if (!existsSync(cli))
  throw new Error(`${cli} is missing: build the runner first (pnpm --filter @omni/runner build)`);
const root = mkdtempSync(join(tmpdir(), 'omni-sweep-bench-'));
const grid = join(root, 'grid.json');
writeFileSync(
  grid,
  JSON.stringify({
    parameters: {
      'engines.governor.minConfidence': [0.5, 0.52, 0.54, 0.56, 0.58, 0.6, 0.62, 0.64, 0.66, 0.68, 0.7, 0.72],
    },
    search: 'grid',
  }),
);
let n = 0;

function sweep(workers: number): void {
  const out = join(root, `out-${n++}`);
  execFileSync(
    process.execPath,
    [
      cli,
      'sweep',
      '--grid',
      grid,
      '--symbols',
      'EURUSD,GBPUSD,USDJPY,USDCHF,AUDUSD,USDCAD',
      '--from',
      '2005-01-01',
      '--to',
      '2024-12-31',
      '--momentum-only',
      '--workers',
      String(workers),
      '--out',
      out,
      '--quiet',
    ],
    { stdio: 'ignore' },
  );
  rmSync(out, { recursive: true, force: true });
}

describe('omni sweep: 72 backtests, fresh process each', () => {
  bench('--workers 1', () => sweep(1), { iterations: 2, warmupIterations: 0, time: 0 });
  bench('--workers 2', () => sweep(2), { iterations: 2, warmupIterations: 0, time: 0 });
});
