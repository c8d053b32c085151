// Preloaded into each measured child (`node --import <this file> cli.js ...`): when the process exits,
// writes its own peak resident set size (process.resourceUsage().maxRSS, in KiB) to the file named by
// OMNI_BENCH_RSS_FILE. It adds nothing else to the child.
import { writeFileSync } from 'node:fs';

const file = process.env.OMNI_BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    writeFileSync(file, `${JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS })}\n`);
  });
}
