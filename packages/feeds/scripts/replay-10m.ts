/**
 * Measures ReplayFeed on a generated 10M-line CSV: throughput and memory (heap/RSS stay flat).
 * Run: `pnpm exec tsx scripts/replay-10m.ts [lines]` (writes a temp file, deletes it after).
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReplayFeed } from '../src/replay-feed.js';

const lines = Number(process.argv[2] ?? 10_000_000);
const dir = mkdtempSync(join(tmpdir(), 'omni-replay-10m-'));
const path = join(dir, 'big.csv');
const out = createWriteStream(path);
out.write('timestamp,bid,ask\n');
let block = '';
for (let i = 0; i < lines; i++) {
  const mid = 1 + (i % 1000) * 1e-5;
  block += `${1_700_000_000_000 + i},${(mid - 5e-5).toFixed(5)},${(mid + 5e-5).toFixed(5)}\n`;
  if (block.length > 1 << 20) {
    if (!out.write(block)) await new Promise<void>((r) => out.once('drain', () => r()));
    block = '';
  }
}
out.end(block);
await new Promise<void>((r) => out.once('finish', () => r()));
const mb = (b: number): string => `${(b / 1048576).toFixed(1)} MB`;
console.log(`file: ${lines} lines, ${mb(statSync(path).size)}`);
const started = process.hrtime.bigint();
let n = 0;
let peakHeap = 0;
let peakRss = 0;
for await (const _ of new ReplayFeed({ path, symbol: 'EURUSD' })) {
  if (++n % 250_000 === 0) {
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed);
    peakRss = Math.max(peakRss, m.rss);
  }
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(
  `replayed ${n} ticks in ${seconds.toFixed(1)} s (${Math.round(n / seconds).toLocaleString('en')} ticks/s)`,
);
console.log(`peak heapUsed ${mb(peakHeap)}, peak RSS ${mb(peakRss)}`);
rmSync(dir, { recursive: true, force: true });
