import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { BenchError } from './errors.js';

/** One pass of the parse-and-iterate loop: how many ticks, how long, and a checksum the JIT cannot drop. */
export interface ParsePass {
  readonly ticks: number;
  readonly seconds: number;
  readonly checksum: number;
}

/**
 * Section (a), the floor every engine figure is compared with: read a `timestamp,price` CSV with
 * `readline` (`for await` over the lines), split each line at `indexOf(',')`, `Date.parse` the
 * timestamp and `Number` the price — and nothing else. Throws `BENCH_DATA_MISMATCH` when a row does
 * not parse (the walk is then broken, and so would be every figure measured on it).
 */
export async function parsePass(path: string): Promise<ParsePass> {
  const start = performance.now();
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  let ticks = 0;
  let checksum = 0;
  let header = true;
  for await (const line of lines) {
    if (header) {
      header = false;
      continue;
    }
    const comma = line.indexOf(',');
    const tsMs = Date.parse(line.slice(0, comma));
    const price = Number(line.slice(comma + 1));
    checksum += price + (tsMs % 1_000);
    ticks++;
  }
  const seconds = (performance.now() - start) / 1_000;
  if (!Number.isFinite(checksum)) {
    throw new BenchError(
      'BENCH_DATA_MISMATCH',
      'a row of the walk does not parse; delete bench/.data and rerun',
      {
        file: path,
      },
    );
  }
  return { ticks, seconds, checksum };
}
