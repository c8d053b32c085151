import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bench, describe } from 'vitest';

// `omni sweep --workers 1` against `--workers 2`, each a fresh `node dist/cli.js` process as a
// user runs it (start-up, module loading and the worker thread's start included): N parameter sets ×
// the 6 bundled pairs, 2005–2024 daily (backtests of ~5,200 ticks each, momentum model), for 72 and
// for 288 backtests. The issue asks for ≥ 1.7× on 2 cores: read the ratio vitest prints
// ("… x faster than …"); it needs two idle cores (other work on the machine shrinks it, and this
// machine's speed drifts by ±20 % from one minute to the next: run it more than once).
// Measured on Node 20 (medians of paired whole-process runs): 72 runs 1.20×, 288 runs 1.58×
// (5 pairs, 1.39–1.88); one run of this bench printed 1.28× and 1.77×.
// Why it is not higher: docs/sweeps.md, "Where the second core goes".
// `pnpm bench` in apps/runner builds dist/ first.
const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
if (!existsSync(cli))
  throw new Error(`${cli} is missing: build the runner first (pnpm --filter @omni/runner build)`);
const root = mkdtempSync(join(tmpdir(), 'omni-sweep-bench-'));
/** A grid file of `sets` values of engines.governor.minConfidence, evenly from 0.5 (12: 0.5, 0.52, …, 0.72). */
function gridFile(sets: number): string {
  const file = join(root, `grid-${sets}.json`);
  const values = Array.from({ length: sets }, (_, i) => Math.round((0.5 + (i * 0.24) / sets) * 1000) / 1000);
  writeFileSync(
    file,
    JSON.stringify({ parameters: { 'engines.governor.minConfidence': values }, search: 'grid' }),
  );
  return file;
}
let n = 0;

function sweep(grid: string, workers: number): void {
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

for (const sets of [12, 48]) {
  const grid = gridFile(sets);
  describe(`omni sweep: ${sets * 6} backtests, fresh process each`, () => {
    bench('--workers 1', () => sweep(grid, 1), { iterations: 2, warmupIterations: 0, time: 0 });
    bench('--workers 2', () => sweep(grid, 2), { iterations: 2, warmupIterations: 0, time: 0 });
  });
}
