#!/usr/bin/env node
// The release flow, end to end, without touching the npm registry (`pnpm test:release`):
//   1. copies the publishable packages (package.json, built files, README, LICENSE) and .changeset/
//      into a temp workspace and runs `changeset version` there: the checkout is never modified;
//   2. `pnpm publish -r --dry-run` in that workspace (no token; the registry is an unreachable
//      127.0.0.1 address so nothing is sent and nothing is looked up);
//   3. packs every publishable package and installs the tarballs with plain npm into an empty project,
//      OFFLINE (`npm install --offline`: third-party packages only from npm's local cache; an install
//      script that downloads would fail), then uses every entry point from ESM (import), CommonJS
//      (require) and TypeScript (`tsc --noEmit`, NodeNext), and checks isOmniError across the builds.
// Usage: node scripts/check-release.mjs [--no-build] [--keep]
// Exit code 0 when every check passes; each line says what was checked.
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = new Set(process.argv.slice(2));
const started = Date.now();
const UNREACHABLE_REGISTRY = 'http://127.0.0.1:9/';

function run(cmd, cmdArgs, cwd, options = {}) {
  return execFileSync(cmd, cmdArgs, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
}
const failures = [];
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
}
const step = (what) => console.log(`\n== ${what} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** Every workspace package that is not private: the ones `pnpm publish -r` would publish. */
const workspaceDirs = [
  ...readdirSync(join(root, 'packages')).map((d) => `packages/${d}`),
  ...readdirSync(join(root, 'packages/venues')).map((d) => `packages/venues/${d}`),
  ...readdirSync(join(root, 'apps')).map((d) => `apps/${d}`),
  'bench',
].filter((d) => existsSync(join(root, d, 'package.json')));
const packages = workspaceDirs
  .map((dir) => ({ dir, manifest: readJson(join(root, dir, 'package.json')) }))
  .filter((p) => p.manifest.private !== true);
console.log(`publishable: ${packages.map((p) => p.manifest.name).join(', ')}`);

step('manifests');
for (const { dir, manifest } of packages) {
  const exportsText = JSON.stringify(manifest.publishConfig?.exports ?? manifest.exports);
  check(
    !exportsText.includes('omni-source') && !exportsText.includes('./src/'),
    `${manifest.name}: published exports name no src/ file`,
  );
  check(
    manifest.repository?.directory === dir && Boolean(manifest.homepage) && Boolean(manifest.bugs?.url),
    `${manifest.name}: repository (directory ${dir}), homepage and bugs`,
  );
  check(
    existsSync(join(root, dir, 'LICENSE')) && manifest.files.includes('LICENSE'),
    `${manifest.name}: LICENSE shipped`,
  );
}

if (!args.has('--no-build')) {
  step('build');
  // turbo's cache makes this a few seconds after `pnpm test` (CI) or an earlier build.
  run(
    'pnpm',
    [
      'exec',
      'turbo',
      'run',
      'build',
      '--output-logs=errors-only',
      ...packages.map((p) => `--filter=${p.manifest.name}`),
    ],
    root,
    { env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' } },
  );
}

const work = mkdtempSync(join(tmpdir(), 'omni-release-'));
const workspace = join(work, 'workspace');
const tarballs = join(work, 'tarballs');
const project = join(work, 'project');
for (const d of [workspace, tarballs, project]) mkdirSync(d);

step('changeset version (in a copy of the workspace)');
cpSync(join(root, '.changeset'), join(workspace, '.changeset'), { recursive: true });
const rootManifest = readJson(join(root, 'package.json'));
writeFileSync(
  join(workspace, 'package.json'),
  `${JSON.stringify({ name: rootManifest.name, private: true, packageManager: rootManifest.packageManager }, null, 2)}\n`,
);
writeFileSync(join(workspace, 'pnpm-workspace.yaml'), readFileSync(join(root, 'pnpm-workspace.yaml')));
// Private packages (the runner, bench) only need their manifest: changesets may name them.
for (const dir of workspaceDirs)
  cpSync(join(root, dir, 'package.json'), join(workspace, dir, 'package.json'));
for (const { dir, manifest } of packages) {
  for (const entry of ['package.json', 'CHANGELOG.md', 'LICENSE', ...manifest.files]) {
    const from = join(root, dir, entry);
    if (existsSync(from)) cpSync(from, join(workspace, dir, entry), { recursive: true });
  }
}
// pnpm pack/publish resolve `workspace:` ranges from node_modules/<dep>/package.json: link them.
const dirOf = new Map(packages.map((p) => [p.manifest.name, p.dir]));
for (const { dir, manifest } of packages) {
  for (const [dep, range] of Object.entries({
    ...manifest.dependencies,
    ...manifest.devDependencies,
    ...manifest.peerDependencies,
  })) {
    if (!String(range).startsWith('workspace:')) continue;
    const link = join(workspace, dir, 'node_modules', dep);
    mkdirSync(dirname(link), { recursive: true });
    if (!existsSync(link)) symlinkSync(join(workspace, dirOf.get(dep)), link, 'dir');
  }
}
const changesetBin = join(root, 'node_modules/.bin/changeset');
const pending = readdirSync(join(workspace, '.changeset')).filter(
  (f) => f.endsWith('.md') && f !== 'README.md',
);
console.log(`${pending.length} pending changesets`);
// changesets reads the git root for its config only when `commit` is set; a bare `git init` keeps it local.
run('git', ['init', '-q'], workspace);
run(changesetBin, ['version'], workspace, { env: { ...process.env, CI: 'true' } });
const versioned = packages.map(({ dir, manifest }) => ({
  dir,
  name: manifest.name,
  from: manifest.version,
  to: readJson(join(workspace, dir, 'package.json')).version,
}));
for (const v of versioned) console.log(`  ${v.name} ${v.from} -> ${v.to}`);
check(
  readdirSync(join(workspace, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md').length ===
    0,
  'changeset version consumed every changeset',
);
check(
  versioned.every((v) => existsSync(join(workspace, v.dir, 'CHANGELOG.md'))) || pending.length === 0,
  'every publishable package has a CHANGELOG.md after versioning',
);

step('pnpm publish -r --dry-run');
const publishOut = run(
  'pnpm',
  ['publish', '-r', '--dry-run', '--no-git-checks', '--registry', UNREACHABLE_REGISTRY],
  workspace,
  {
    env: { ...process.env, npm_config_registry: UNREACHABLE_REGISTRY, npm_config_fetch_retries: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  },
);
const published = [...publishOut.matchAll(/^\+ (@omni\/[a-z0-9-]+)@(\S+)$/gm)].map((m) => `${m[1]}@${m[2]}`);
check(
  published.length === packages.length && versioned.every((v) => published.includes(`${v.name}@${v.to}`)),
  `dry-run publishes ${published.length}/${packages.length} packages at their new versions`,
);

step('pack every publishable package');
for (const { dir } of versioned) run('pnpm', ['pack', '--pack-destination', tarballs], join(workspace, dir));
const files = readdirSync(tarballs)
  .filter((f) => f.endsWith('.tgz'))
  .sort();
console.log(`packed ${files.length}: ${files.join(', ')}`);
for (const file of files) {
  const listing = run('tar', ['tzf', join(tarballs, file)])
    .trim()
    .split('\n');
  const stray = listing.filter((p) =>
    /\.test\.|\.bench\.|^package\/src\/|^package\/tsconfig|^package\/vitest/.test(p),
  );
  check(
    stray.length === 0 && listing.includes('package/LICENSE') && listing.includes('package/dist/index.d.ts'),
    `${file}: ${listing.length} files, LICENSE and dist/index.d.ts, no src/tests (${stray.join(', ') || 'none stray'})`,
  );
  const packed = JSON.parse(run('tar', ['xzf', join(tarballs, file), '-O', 'package/package.json']));
  const deps = Object.values(packed.dependencies ?? {});
  check(
    !JSON.stringify(packed.exports).includes('omni-source') &&
      !deps.some((d) => String(d).startsWith('workspace:')),
    `${file}: packed manifest has no omni-source condition and no workspace: range`,
  );
}

step('npm install --offline into an empty project');
writeFileSync(
  join(project, 'package.json'),
  `${JSON.stringify({ name: 'omni-release-check', private: true, type: 'module' }, null, 2)}\n`,
);
const npmArgs = ['install', '--no-audit', '--no-fund', ...files.map((f) => join(tarballs, f))];
// npm's cache is filled once from the registry (a no-op when warm: --prefer-offline asks nothing it
// has), in a scratch project; the checked install then runs with --offline: any request, including
// one from an install script through npm, fails with ENOTCACHED.
const warm = join(work, 'warm');
mkdirSync(warm);
writeFileSync(join(warm, 'package.json'), '{"name":"omni-release-warm","private":true}\n');
run('npm', [...npmArgs, '--prefer-offline', '--ignore-scripts'], warm, {
  stdio: ['ignore', 'inherit', 'inherit'],
});
const npmStarted = Date.now();
run('npm', [...npmArgs, '--offline'], project, { stdio: ['ignore', 'inherit', 'inherit'] });
const installed = run('npm', ['ls', '--all', '--parseable'], project)
  .trim()
  .split('\n')
  .slice(1)
  .map((p) => p.slice(join(project, 'node_modules').length + 1));
check(
  true,
  `npm install --offline: ${installed.length} packages in ${((Date.now() - npmStarted) / 1000).toFixed(0)} s`,
);
check(
  !installed.some((p) => /onnx/i.test(p)),
  'no onnx package installed (onnxruntime-node is an optional peer)',
);

step('use from ESM, CommonJS and TypeScript');
const node = (code, type) =>
  run(process.execPath, [`--input-type=${type}`, '-e', code], project, { timeout: 120_000 }).trim();
for (const { name } of versioned) {
  const packed = readJson(join(project, 'node_modules', name, 'package.json'));
  const subpaths = Object.keys(packed.exports).filter((s) => s !== './package.json');
  for (const sub of subpaths) {
    const spec = sub === '.' ? name : `${name}/${sub.slice(2)}`;
    const esm = node(`const m = await import('${spec}'); console.log(Object.keys(m).length);`, 'module');
    const cjs = node(`const m = require('${spec}'); console.log(Object.keys(m).length);`, 'commonjs');
    check(Number(esm) > 0 && esm === cjs, `${spec}: import and require give the same ${esm} exports`);
  }
}
const brand = node(
  `const { createRequire } = await import('node:module');
   const esm = await import('@omni/core');
   const cjs = createRequire(import.meta.url)('@omni/core');
   const fromCjs = new cjs.FeedError('FEED_NON_MONOTONIC', 'older tick', {});
   const fromEsm = new esm.FeedError('FEED_NON_MONOTONIC', 'older tick', {});
   console.log([esm.isOmniError(fromCjs), cjs.isOmniError(fromEsm), fromCjs instanceof esm.OmniError].join(','));`,
  'module',
);
check(brand === 'true,true,true', `isOmniError across the ESM and CJS builds of @omni/core: ${brand}`);

const tsFile = join(project, 'use-types.ts');
writeFileSync(
  tsFile,
  `${versioned.map((v, i) => `import type * as P${i} from '${v.name}';`).join('\n')}
import { isOmniError, ManualClock, type OmniError, type Tick } from '@omni/core';
import { MasterGovernorX100 } from '@omni/governor';
const tick: Tick = { symbol: 'EURUSD', tsMs: 0, price: 1.1001, source: 'example' };
const clock = new ManualClock(0);
const governor: typeof MasterGovernorX100 = MasterGovernorX100;
export function describe(err: unknown): string {
  return isOmniError(err) ? (err as OmniError<string>).code : String(tick.price + clock.nowMs());
}
export type All = [${versioned.map((_, i) => `typeof P${i}`).join(', ')}];
export { governor };
`,
);
writeFileSync(
  join(project, 'tsconfig.json'),
  `${JSON.stringify(
    {
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        // As most users compile: @deriv/api-types' own .d.ts has errors, and the venue .d.ts files
        // name ws types without @types/ws (docs/release.md).
        skipLibCheck: true,
        types: [],
      },
      files: ['use-types.ts'],
    },
    null,
    2,
  )}\n`,
);
let tscOut = '';
try {
  run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', project], project);
} catch (err) {
  tscOut = `${err.stdout ?? ''}${err.stderr ?? ''}`;
}
check(
  tscOut === '',
  `tsc --noEmit (NodeNext, strict) on a file importing the types of all ${versioned.length} packages${tscOut ? `:\n${tscOut}` : ''}`,
);

const sizeKb = Number(run('du', ['-sk', join(project, 'node_modules')]).split('\t')[0]);
console.log(`\nnode_modules: ${(sizeKb / 1024).toFixed(1)} MB in ${installed.length} packages`);
if (args.has('--keep')) console.log(`kept ${work}`);
else rmSync(work, { recursive: true, force: true });
console.log(`${((Date.now() - started) / 1000).toFixed(0)} s`);
if (failures.length > 0) {
  console.error(`${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('all release checks passed');
