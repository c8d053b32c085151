#!/usr/bin/env node
// Determinism lint: randomness only through @omni/core's seeded Rng, time only through the injected Clock.
// Fails (exit 1) naming file:line for every Math.random(), Date.now(), argument-less new Date() or
// performance.now() in product or test code. Allowed: the Clock implementation itself and *.bench.ts files.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const ALLOWED = new Set(['packages/core/src/clock.ts']);
const RULES = [
  { re: /\bMath\.random\s*\(/, why: 'use the seeded Rng from @omni/core' },
  { re: /\bDate\.now\s*\(/, why: 'use the injected Clock from @omni/core' },
  { re: /\bnew Date\(\s*\)/, why: 'use the injected Clock from @omni/core' },
  { re: /\bperformance\.now\s*\(/, why: 'timing belongs in *.bench.ts files' },
];

function* sourceFiles(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|mts|cts|js|mjs)$/.test(name) && !/\.bench\.ts$/.test(name)) yield path;
  }
}

const problems = [];
for (const top of ['packages', 'packages/venues', 'apps']) {
  let pkgs = [];
  try {
    pkgs = readdirSync(join(root, top));
  } catch {
    continue;
  }
  for (const pkg of pkgs) {
    for (const sub of ['src', 'test', 'scripts']) {
      const dir = join(root, top, pkg, sub);
      try {
        statSync(dir);
      } catch {
        continue;
      }
      for (const file of sourceFiles(dir)) {
        const rel = relative(root, file);
        if (ALLOWED.has(rel)) continue;
        const lines = readFileSync(file, 'utf8').split('\n');
        lines.forEach((line, i) => {
          if (/^\s*(\/\/|\*)/.test(line)) return;
          for (const rule of RULES) {
            if (rule.re.test(line)) problems.push(`${rel}:${i + 1}: ${line.trim()}  -> ${rule.why}`);
          }
        });
      }
    }
  }
}

if (problems.length > 0) {
  console.error(`determinism lint: ${problems.length} problem(s)\n${problems.join('\n')}`);
  process.exit(1);
}
console.log('determinism lint: no Math.random / Date.now / new Date() / performance.now outside the Clock');
