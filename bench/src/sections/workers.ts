import { join } from 'node:path';
import { type CliRun, cliHelp, runCli } from '../child-run.js';
import { ensureRandomWalk, WALK_SEED } from '../random-walk.js';
import type { Section } from './section.js';

/** The symbols of the parallel run: `S1.csv` and `S2.csv` of one folder, each its own deterministic backtest. */
export const WORKER_SYMBOLS = ['S1', 'S2'] as const;

/**
 * Section (f): `omni backtest --data DIR --symbols S1,S2 --workers 1` against `--workers 2`, one child
 * process each per round; S1 and S2 are walks of the main size with seeds of their own. When the CLI has
 * no `--workers` flag (checked in `omni backtest --help`), the section measures nothing and says why:
 * the figure is then "not available" instead of a failure.
 */
export class WorkersSection implements Section {
  readonly id = 'workers' as const;
  readonly one: CliRun[] = [];
  readonly two: CliRun[] = [];
  /** Why nothing was measured, when the CLI cannot run it. */
  unavailable: string | undefined;

  /** The folder holding S1.csv and S2.csv. */
  readonly folder: string;

  constructor(
    readonly cli: string,
    dataDir: string,
    readonly ticks: number,
  ) {
    this.folder = join(dataDir, `symbols-${ticks}`);
  }

  args(workers: number): string[] {
    return [
      'backtest',
      '--data',
      this.folder,
      '--symbols',
      WORKER_SYMBOLS.join(','),
      '--workers',
      String(workers),
      '--momentum-only',
      '--quiet',
    ];
  }

  get command(): string {
    return `${`omni ${this.args(1).join(' ')}`.replace(this.folder, 'DIR')} --out OUT   vs   --workers 2`;
  }

  async prepare(): Promise<void> {
    WORKER_SYMBOLS.forEach((symbol, i) => {
      ensureRandomWalk(this.folder, this.ticks, WALK_SEED + 1 + i, `${symbol}.csv`);
    });
    const help = await cliHelp(this.cli, 'backtest');
    if (!help.includes('--workers')) {
      this.unavailable =
        'this build of `omni backtest` has no --workers flag (not in `omni backtest --help`)';
    } else if (!help.includes('--symbols')) {
      this.unavailable =
        'this build of `omni backtest` has no --symbols flag (not in `omni backtest --help`)';
    }
  }

  async runOnce(_round: number, signal: AbortSignal): Promise<string> {
    if (this.unavailable !== undefined) return `not available: ${this.unavailable}`;
    const one = await runCli(this.cli, this.args(1), signal);
    const two = await runCli(this.cli, this.args(2), signal);
    this.one.push(one);
    this.two.push(two);
    return `1 worker ${one.seconds.toFixed(1)} s, 2 workers ${two.seconds.toFixed(1)} s → ${(one.seconds / two.seconds).toFixed(2)}× faster`;
  }
}
