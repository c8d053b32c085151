import type { OmniConfig, OmniConfigInput } from '@omni/core';
import type { Command } from 'commander';
import { type ConfigFlags, integer } from '../cli-args.js';
import { type CliIo, EXIT } from '../cli-io.js';
import { SELECTION_METRICS } from '../sweep/plan.js';
import { formatSweepSummary, runSweepCommand, type SweepFlags } from './sweep.js';
import { queueSweepExecutor } from './sweep-queue.js';

/** Registers `omni sweep` (docs/sweeps.md) on the program. */
export function registerSweepCommand(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
  configFrom: (flags: ConfigFlags, overrides?: OmniConfigInput) => OmniConfig,
): void {
  program
    .command('sweep')
    .description(
      'grid or random search over configuration fields: every parameter set × symbol × window is an ordinary backtest with its own seed, on worker threads; optional walk-forward judged out of sample; writes results.json, results.csv, sweep.html and runs/',
    )
    .requiredOption(
      '--grid <file>',
      'grid file: {"parameters": {"<config path>": [values…]}, "search": "grid"} (docs/sweeps.md)',
    )
    .option(
      '--data <file>',
      'price file (one symbol), or with --symbols a folder of <SYMBOL>.csv; default: bundled daily data',
    )
    .option('--symbol <symbol>', 'one bundled pair, or the symbol of --data')
    .option(
      '--symbols <list>',
      'several symbols, e.g. EURUSD,GBPUSD (bundled, or <SYMBOL>.csv files of a --data folder)',
    )
    .option('--from <date>', 'first timestamp of the data range (ISO 8601 or epoch ms)')
    .option('--to <date>', 'last timestamp of the data range (ISO 8601 or epoch ms)')
    .option(
      '--walk-forward <IS/OOS>',
      'walk-forward folds: in-sample/out-of-sample lengths, e.g. 180d/60d, 1y/3mo, or bare numbers of days (180/60)',
    )
    .option(
      '--select-by <metric>',
      `walk-forward: in-sample metric choosing the parameters (${SELECTION_METRICS.join(', ')})`,
      'pnl',
    )
    .option('--workers <n>', 'worker threads (default: the available cores)', integer)
    .option('--out <dir>', 'output directory', 'omni-runs/sweep')
    .option('--config <file>', 'JSON config file every run starts from (the grid overrides it)')
    .option('--seed <n>', "seed of the sweep (each run's seed is derived from it)", integer)
    .option('--model <file>', 'ONNX sequence model for every run')
    .option('--momentum-only', 'no ONNX model; the momentum sequence model')
    .option(
      '--retrain-every <period>',
      'walk-forward retraining of the sequence model inside each run (as omni backtest)',
    )
    .option(
      '--operator-review <policy>',
      'who lifts a tripped cooldown: next-session or never',
      'next-session',
    )
    .option('--json', 'print the summary as JSON')
    .option('--quiet', 'no progress output')
    .option(
      '--queue <url>',
      'run on BullMQ instead of local threads: the runs go to this Redis (redis://HOST:PORT) and every `omni worker --queue` executes them',
    )
    .action(async (flags: SweepFlags & ConfigFlags & { json?: boolean; queue?: string }) => {
      const config = configFrom(flags, { mode: 'backtest' });
      const queue = flags.queue;
      const summary = await runSweepCommand(
        config,
        flags,
        io,
        queue === undefined
          ? {}
          : {
              executor: () => queueSweepExecutor(queue, { io, quiet: flags.quiet === true }),
              ranOn: 'the queue (omni worker processes)',
            },
      );
      io.out(flags.json ? JSON.stringify(summary, null, 2) : formatSweepSummary(summary));
      setExit(EXIT.ok);
    });
}
