import { execFile } from 'node:child_process';
import {
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
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The main example of every package README (its first ```ts block) must run as it is written: no
// undefined names, no paths that only work from inside a package folder. Each one is written to a
// temp file and run from the repository root with `node --conditions=omni-source --import tsx`,
// the way `pnpm omni` runs. `@omni/*` resolves through a node_modules/@omni folder of symlinks to
// the workspace packages beside the temp file, so an example may import any package.

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const packagesDir = join(repoRoot, 'packages');
/** Every variable loadConfig reads, left out so the developer's shell cannot change an example. */
const CONFIG_ENV = /^(OMNI_|MT5_|POCKET_|DEX_|MEV_|SEQ_MODEL_ONNX$)/;

interface Example {
  readonly pkg: string;
  readonly code: string | undefined;
}

/** The first ```ts block of a markdown text, or undefined. */
function firstTsBlock(markdown: string): string | undefined {
  return /^```ts\r?\n([\s\S]*?)^```/m.exec(markdown)?.[1];
}

const examples: Example[] = readdirSync(packagesDir)
  .filter((pkg) => existsSync(join(packagesDir, pkg, 'README.md')))
  .sort()
  .map((pkg) => ({ pkg, code: firstTsBlock(readFileSync(join(packagesDir, pkg, 'README.md'), 'utf8')) }));

let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'omni-readme-examples-'));
  // ES modules, as everywhere in the repository (examples use top-level await).
  writeFileSync(join(work, 'package.json'), '{ "private": true, "type": "module" }\n');
  mkdirSync(join(work, 'tmp'));
  const scope = join(work, 'node_modules', '@omni');
  mkdirSync(scope, { recursive: true });
  for (const pkg of readdirSync(packagesDir)) {
    const manifest = join(packagesDir, pkg, 'package.json');
    if (!existsSync(manifest)) continue;
    const name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name: string }).name;
    symlinkSync(join(packagesDir, pkg), join(scope, name.replace(/^@omni\//, '')), 'dir');
  }
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

function run(file: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env))
    if (value !== undefined && !CONFIG_ENV.test(key)) env[key] = value;
  // The examples' temp folders (os.tmpdir()) go inside this test's folder, removed after the run.
  env['TMPDIR'] = join(work, 'tmp');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=omni-source', '--import', 'tsx', file],
      { cwd: repoRoot, env, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('package README examples', () => {
  it('every package README has a ```ts example', () => {
    expect(examples.length).toBeGreaterThanOrEqual(10);
    expect(examples.filter((e) => e.code === undefined).map((e) => e.pkg)).toEqual([]);
  });

  for (const { pkg, code } of examples) {
    it(`packages/${pkg}/README.md: the first ts example runs from the repository root`, async () => {
      const file = join(work, `${pkg}-example.ts`);
      writeFileSync(file, code ?? '');
      const result = await run(file);
      expect(result.stderr.includes('Error') ? result.stderr : '', `stderr of the ${pkg} example`).toBe('');
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout.length, `the ${pkg} example prints what it shows`).toBeGreaterThan(0);
    }, 60_000);
  }
});
