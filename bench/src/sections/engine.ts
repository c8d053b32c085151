import { type CliRun, runCli } from '../child-run.js';
import type { SectionId } from '../options.js';
import type { WalkFile } from '../random-walk.js';
import { mb, rate, type Section } from './section.js';

/** The model an engine section runs with. */
export type EngineModel = 'momentum' | 'onnx';

/**
 * Sections (b), (c) and the 10M-tick run of (g): `omni backtest` of the built CLI over a walk, one
 * child process per round — what a user gets, start-up and report included.
 */
export class EngineSection implements Section {
  readonly runs: CliRun[] = [];
  readonly args: readonly string[];

  constructor(
    readonly id: Extract<SectionId, 'momentum' | 'onnx' | 'big'>,
    readonly cli: string,
    readonly walk: WalkFile,
    readonly model: EngineModel,
  ) {
    this.args = [
      'backtest',
      ...(model === 'momentum' ? ['--momentum-only'] : []),
      '--quiet',
      '--data',
      walk.path,
    ];
  }

  /** The command as a user types it (the output folder is a fresh temp folder each round). */
  get command(): string {
    return `omni ${this.args.join(' ').replace(this.walk.path, 'FILE')} --out DIR`;
  }

  async runOnce(_round: number, signal: AbortSignal): Promise<string> {
    const run = await runCli(this.cli, this.args, signal);
    this.runs.push(run);
    return `${run.seconds.toFixed(1)} s → ${rate(this.walk.ticks / run.seconds)} ticks/s, peak RSS ${mb(run.maxRssBytes).toFixed(0)} MB, decisions.jsonl ${(run.decisionsBytes / this.walk.ticks).toFixed(0)} B/tick`;
  }
}
