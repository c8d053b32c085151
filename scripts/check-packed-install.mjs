#!/usr/bin/env node
// Installs the packed tarballs of @omni/core, sequence, features, fib-core and governor into an empty
// project with npm, as a new user would, and checks that (issue 12 item 8):
//   - no onnxruntime-node (nor any other onnx package) is installed: it is an optional peer;
//   - @omni/feeds and ws are not pulled in by @omni/features;
//   - @omni/governor imports, as ESM and as CommonJS;
//   - @omni/sequence without onnxruntime-node serves momentum and alerts MODEL_RUNTIME_UNAVAILABLE.
// Slow (builds, packs, npm install from the registry), so it is not part of `pnpm test`:
//   node scripts/check-packed-install.mjs [--no-build] [--keep]
// Exit code 0 when every check passes; the last lines say what was found.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const PACKAGES = ['core', 'sequence', 'features', 'fib-core', 'governor'];
const args = new Set(process.argv.slice(2));

function run(cmd, cmdArgs, cwd, options = {}) {
  return execFileSync(cmd, cmdArgs, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

const failures = [];
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
}

if (!args.has('--no-build')) {
  console.log(`building ${PACKAGES.map((p) => `@omni/${p}`).join(', ')} ...`);
  run('pnpm', [...PACKAGES.flatMap((p) => ['--filter', `@omni/${p}`]), 'run', 'build'], root);
}

const work = mkdtempSync(join(tmpdir(), 'omni-packed-'));
const tarballs = join(work, 'tarballs');
const project = join(work, 'project');
mkdirSync(tarballs);
mkdirSync(project);
for (const pkg of PACKAGES)
  run('pnpm', ['pack', '--pack-destination', tarballs], join(root, 'packages', pkg));
const files = readdirSync(tarballs)
  .filter((f) => f.endsWith('.tgz'))
  .sort();
console.log(`packed: ${files.join(', ')}`);

writeFileSync(
  join(project, 'package.json'),
  `${JSON.stringify({ name: 'omni-packed-install-check', private: true, type: 'module' }, null, 2)}\n`,
);
// A new user's install: lifecycle scripts enabled, third-party packages from the npm registry.
const npmArgs = [
  'install',
  '--no-audit',
  '--no-fund',
  '--prefer-offline',
  ...files.map((f) => join(tarballs, f)),
];
console.log(`npm ${npmArgs.join(' ')}`);
run('npm', npmArgs, project, { stdio: ['ignore', 'inherit', 'inherit'] });

const installed = run('npm', ['ls', '--all', '--parseable'], project)
  .trim()
  .split('\n')
  .slice(1)
  .map((p) => p.slice(join(project, 'node_modules').length + 1));
const onnx = installed.filter((p) => /onnx/i.test(p));
console.log(`installed (${installed.length}): ${installed.join(', ')}`);
check(onnx.length === 0, `no onnx package installed (found: ${onnx.join(', ') || 'none'})`);
check(!installed.includes('@omni/feeds') && !installed.includes('ws'), '@omni/feeds and ws not installed');

const node = (code, type = 'module') =>
  run(
    process.execPath,
    [type === 'module' ? '--input-type=module' : '--input-type=commonjs', '-e', code],
    project,
  ).trim();

const esm = node(
  "const g = await import('@omni/governor'); console.log(typeof g.MasterGovernorX100, Object.keys(g).length);",
);
check(esm.startsWith('function '), `import('@omni/governor') works: ${esm}`);
const cjs = node(
  "const g = require('@omni/governor'); console.log(typeof g.MasterGovernorX100);",
  'commonjs',
);
check(cjs === 'function', `require('@omni/governor') works: ${cjs}`);

const fallback = node(`
  import { ManualClock } from '@omni/core';
  import { defaultModelPath, FallbackSequenceModel, MomentumSequenceModel } from '@omni/sequence';
  const alerts = [];
  const model = await FallbackSequenceModel.create({
    modelPath: defaultModelPath(), clock: new ManualClock(0), alertSink: (a) => alerts.push(a),
  });
  const w = Array.from({ length: 40 }, (_, i) => 1.1 + 0.001 * i + 0.002 * Math.sin(i));
  console.log(JSON.stringify({
    usingOnnx: model.usingOnnx,
    name: model.name,
    sameAsMomentum: model.predictDirection(w) === new MomentumSequenceModel().predictDirection(w),
    alerts: alerts.map((a) => a.code),
    message: alerts[0]?.message,
  }));
`);
const f = JSON.parse(fallback);
check(
  f.usingOnnx === false && f.name === 'momentum' && f.sameAsMomentum === true,
  '@omni/sequence serves momentum without onnxruntime-node',
);
check(
  f.alerts.length === 1 &&
    f.alerts[0] === 'MODEL_RUNTIME_UNAVAILABLE' &&
    /npm install onnxruntime-node/.test(f.message),
  `one MODEL_RUNTIME_UNAVAILABLE alert: ${f.message}`,
);

const sizeKb = Number(run('du', ['-sk', join(project, 'node_modules')]).split('\t')[0]);
console.log(`node_modules: ${(sizeKb / 1024).toFixed(1)} MB in ${installed.length} packages`);
if (args.has('--keep')) console.log(`kept ${work}`);
else rmSync(work, { recursive: true, force: true });
if (failures.length > 0) {
  console.error(`${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('all checks passed');
