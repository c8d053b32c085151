import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bench, describe } from 'vitest';

// `omni sweep --workers 1` against `--workers 2`, each a fresh `node dist/cli.js` process as a
// user runs it (start-up, module loading and the worker thread's start included): N parameter sets ×
// the 6 bundled pairs, 2005–2024 daily (backtests of ~5,200 ticks each, momentum model), for 72 and
// for 288 backtests. The issue asks for ≥ 1.7× on 2 cores.
// This machine's speed drifts by ±20 % from one minute to the next, so two benches timed one after
// the other compare two speeds of the machine as much as two worker counts. Each iteration here is
// one pair instead: 1 worker, then 2 workers straight after; the bench prints each pair's ratio and
// their median (the figure to read), and needs two idle cores.
// Measured: docs/sweeps.md, "Workers"; why it is not higher: "Where the second core goes".
// `pnpm bench` in apps/runner builds dist/ first.
const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
if (!existsSync(cli))
  throw new Error(`${cli} is missing: build the runner first (pnpm --filter @omni/runner build)`);
// The outputs go to the system's temporary folder, or to OMNI_BENCH_OUT (e.g. a tmpfs): 288 runs
// write ~1 GB of run folders, and the kernel's writeback of it to a disk runs on the same two cores.
const scratch = process.env.OMNI_BENCH_OUT ?? tmpdir();
const root = mkdtempSync(join(scratch, 'omni-sweep-bench-'));
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

/** Wall-clock milliseconds of `run` (a whole child process). */
function timed(run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

for (const [sets, pairs] of [
  [12, 3],
  [48, 5],
] as const) {
  const grid = gridFile(sets);
  const ratios: number[] = [];
  describe(`omni sweep: ${sets * 6} backtests, fresh process each`, () => {
    bench(
      '--workers 1 then --workers 2 (one pair)',
      () => {
        const one = timed(() => sweep(grid, 1));
        const two = timed(() => sweep(grid, 2));
        ratios.push(one / two);
        console.log(
          `${sets * 6} backtests, pair ${ratios.length}: 1 worker ${(one / 1000).toFixed(1)} s, 2 workers ${(two / 1000).toFixed(1)} s: ${(one / two).toFixed(2)}×`,
        );
        if (ratios.length >= pairs) {
          console.log(
            `${sets * 6} backtests: 2 workers are ${median(ratios).toFixed(2)}× faster than 1 (median of ${ratios.length} pairs; ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}; outputs in ${scratch})`,
          );
        }
      },
      // vitest (tinybench) calls a bench twice before its iterations (is it async? one warm-up):
      // `pairs − 2` iterations make `pairs` pairs.
      { iterations: pairs - 2, warmupIterations: 0, warmupTime: 0, time: 0 },
    );
  });
}
