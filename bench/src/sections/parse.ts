import { BenchError } from '../errors.js';
import { parsePass } from '../parse-loop.js';
import type { WalkFile } from '../random-walk.js';
import { rate, type Section } from './section.js';

/** Section (a): the parse-and-iterate loop over the walk, in this process. */
export class ParseSection implements Section {
  readonly id = 'parse' as const;
  /** Seconds of each round's pass, in round order. */
  readonly seconds: number[] = [];

  constructor(readonly walk: WalkFile) {}

  async prepare(): Promise<void> {
    await parsePass(this.walk.path); // warm-up: the JIT, and the file into the page cache
  }

  async runOnce(): Promise<string> {
    const pass = await parsePass(this.walk.path);
    if (pass.ticks !== this.walk.ticks) {
      throw new BenchError(
        'BENCH_DATA_MISMATCH',
        'the parse loop read another tick count than the walk holds',
        {
          expected: this.walk.ticks,
          read: pass.ticks,
        },
      );
    }
    this.seconds.push(pass.seconds);
    return `${pass.seconds.toFixed(2)} s → ${rate(pass.ticks / pass.seconds)} ticks/s`;
  }
}
