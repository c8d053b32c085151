#!/usr/bin/env node
// Same results on Node 20, 22 and 24 (`pnpm test:node-versions`). Node 22 and 24 come from the npm
// `node` package (`npx -y node@24`), so nothing is downloaded from outside the npm registry.
// On each version it runs, from the built CLI (apps/runner/dist):
//   - the default backtest (`omni backtest --out DIR`);
//   - a short shadow replay (`omni shadow --max-ticks 500 --seed 7`);
//   - `omni train` of the sequence model on a short window (`--until 2009-12-31 --seed 7`);
// and compares trades.jsonl, decisions.jsonl, counterfactual.jsonl, alerts.jsonl, summary.json (minus
// outDir) and the trained model's bytes with Node 20's, byte for byte. Then it runs the vitest suite
// of every workspace package (packages/*, packages/venues/*, apps/*) on Node 22 and 24, one package at
// a time (Node 20 runs them in `pnpm test`).
// Usage: node scripts/check-node-versions.mjs [--versions 20,22,24] [--packages core,runtime] [--no-train]
//        [--no-vitest] [--keep]
// Needs a build (`pnpm build`). Exit code 0 when every check passes.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const versionsArg = argv[argv.indexOf('--versions') + 1];
const VERSIONS = (argv.includes('--versions') ? versionsArg : '20,22,24').split(',').map(Number);
/** Workspace folders (relative to the root) whose `test` script runs vitest, or those named by --packages. */
function vitestPackages() {
  const dirs = [];
  for (const top of ['packages', 'packages/venues', 'apps']) {
    for (const name of readdirSync(join(root, top)).sort()) {
      const manifest = join(root, top, name, 'package.json');
      if (!existsSync(manifest)) continue;
      const test = JSON.parse(readFileSync(manifest, 'utf8')).scripts?.test ?? '';
      if (test.startsWith('vitest')) dirs.push(`${top}/${name}`);
    }
  }
  if (!argv.includes('--packages')) return dirs;
  const wanted = argv[argv.indexOf('--packages') + 1].split(',');
  return dirs.filter((d) => wanted.includes(d.split('/').at(-1)));
}
const VITEST_PACKAGES = vitestPackages();
const JOURNALS = ['trades.jsonl', 'decisions.jsonl', 'counterfactual.jsonl', 'alerts.jsonl', 'summary.json'];
const started = Date.now();
const seconds = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;

const failures = [];
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
}
const run = (cmd, args, options = {}) =>
  execFileSync(cmd, args, {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 256 * 1024 * 1024,
    ...options,
  });

/** The path of a Node binary of this major version: this process, or the npm `node` package. */
function nodeBinary(major) {
  if (Number(process.versions.node.split('.')[0]) === major) return process.execPath;
  return run('npx', ['-y', `node@${major}`, '-p', 'process.execPath']).trim();
}

const cli = join(root, 'apps/runner/dist/cli.js');
if (!existsSync(cli)) {
  console.error('apps/runner/dist/cli.js is missing: run `pnpm build` first');
  process.exit(2);
}
const work = mkdtempSync(join(tmpdir(), 'omni-node-versions-'));
const binaries = new Map(VERSIONS.map((v) => [v, nodeBinary(v)]));
for (const [v, bin] of binaries) console.log(`node ${v}: ${run(bin, ['--version']).trim()} (${bin})`);

/** The files of one run, with summary.json's outDir removed (it names the temp folder). */
function runFiles(dir) {
  const files = new Map();
  for (const name of JOURNALS) {
    const path = join(dir, name);
    if (!existsSync(path)) continue;
    let text = readFileSync(path, 'utf8');
    if (name === 'summary.json') {
      // outDir (top level and in run) names the temp folder of each version.
      const { outDir: _outDir, run: { outDir: _runOutDir, ...run } = {}, ...rest } = JSON.parse(text);
      text = JSON.stringify({ ...rest, run });
    }
    files.set(name, text);
  }
  return files;
}

function firstDifference(a, b) {
  if (a.startsWith('{') && !a.includes('\n')) {
    const x = JSON.parse(a);
    const y = JSON.parse(b);
    const keys = Object.keys({ ...x, ...y }).filter((k) => JSON.stringify(x[k]) !== JSON.stringify(y[k]));
    return keys
      .map((k) => `${k}: ${JSON.stringify(x[k])} vs ${JSON.stringify(y[k])}`.slice(0, 400))
      .join('; ');
  }
  const la = a.split('\n');
  const lb = b.split('\n');
  const lines = la.filter((l, i) => l !== lb[i]).length + Math.max(0, lb.length - la.length);
  const i = la.findIndex((l, k) => l !== lb[k]);
  return `${lines} line(s) differ, first at line ${i + 1}:\n    ${la[i]?.slice(0, 300)}\n    ${lb[i]?.slice(0, 300)}`;
}

const scenarios = [
  { name: 'backtest (default)', args: (out) => ['backtest', '--out', out] },
  {
    name: 'shadow (replay, 500 ticks)',
    args: (out) => ['shadow', '--out', out, '--max-ticks', '500', '--seed', '7'],
  },
];
for (const scenario of scenarios) {
  console.log(`\n== ${scenario.name} (${seconds()})`);
  const results = new Map();
  for (const [v, bin] of binaries) {
    const out = join(work, `${scenario.name.split(' ')[0]}-${v}`);
    // A fresh log directory (learner and safety state) at the same path for every version: runs share
    // nothing, and summary.json's config.logDir is the same.
    const logDir = join(work, 'logs');
    rmSync(logDir, { recursive: true, force: true });
    run(bin, [cli, ...scenario.args(out)], {
      cwd: work,
      env: { ...process.env, OMNI_LOG_DIR: logDir },
      timeout: 300_000,
    });
    results.set(v, runFiles(out));
  }
  const [base, ...others] = VERSIONS;
  const reference = results.get(base);
  check(reference.size >= 4, `node ${base}: ${[...reference.keys()].join(', ')}`);
  for (const v of others) {
    for (const [name, text] of reference) {
      const other = results.get(v).get(name) ?? '';
      const lines = text.split('\n').filter(Boolean).length;
      check(
        text === other,
        `${scenario.name}: ${name} (${lines} lines) identical on node ${base} and ${v}${text === other ? '' : `: ${firstDifference(text, other)}`}`,
      );
    }
  }
}

if (!flag('--no-train')) {
  console.log(`\n== omni train --until 2009-12-31 --seed 7 (${seconds()})`);
  const models = new Map();
  for (const [v, bin] of binaries) {
    const out = join(work, `model-${v}.onnx`);
    run(bin, [cli, 'train', '--out', out, '--until', '2009-12-31', '--seed', '7'], {
      cwd: work,
      timeout: 300_000,
    });
    models.set(v, readFileSync(out));
  }
  const [base, ...others] = VERSIONS;
  for (const v of others)
    check(
      models.get(base).equals(models.get(v)),
      `trained model (${models.get(base).length} bytes) identical on node ${base} and ${v}`,
    );
}

if (!flag('--no-vitest')) {
  const vitest = join(root, 'node_modules/vitest/vitest.mjs');
  for (const v of VERSIONS.filter((x) => x !== 20)) {
    console.log(`\n== vitest on node ${v} (${seconds()})`);
    for (const pkg of VITEST_PACKAGES) {
      let ok = true;
      let tail = '';
      try {
        tail = run(binaries.get(v), [vitest, 'run'], { cwd: join(root, pkg), timeout: 600_000 });
      } catch (err) {
        ok = false;
        tail = `${err.stdout ?? ''}${err.stderr ?? ''}`;
      }
      // biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colours
      const summary = tail.replace(/\u001b\[[0-9;]*m/g, '').match(/Tests\s+(.*)/)?.[1] ?? tail.slice(-400);
      check(ok, `${pkg} tests on node ${v} (${seconds()}): ${summary.trim()}`);
    }
  }
}

if (flag('--keep')) console.log(`kept ${work}`);
else rmSync(work, { recursive: true, force: true });
console.log(`\n${seconds()}`);
if (failures.length > 0) {
  console.error(`${failures.length} check(s) failed`);
  process.exit(1);
}
console.log(`identical on node ${VERSIONS.join(', ')}`);
