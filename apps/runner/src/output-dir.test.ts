import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { omni } from './cli.fixture.js';
import { checkOutputDir, cleanStaleTempDirs, isRunFolder, markRunFolder, RUN_MARKER } from './output-dir.js';

let root: string;
let savedLogDir: string | undefined;

/** Every file under `dir` with its content, so a test can show nothing was touched. */
function tree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return files;
}

function ticksCsv(n: number): string {
  const rows = ['timestamp,price'];
  for (let i = 0; i < n; i++)
    rows.push(`${Date.UTC(2020, 0, 1 + i)},${(1.1 + 0.001 * Math.sin(i / 3)).toFixed(5)}`);
  return `${rows.join('\n')}\n`;
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'omni-out-'));
  savedLogDir = process.env.OMNI_LOG_DIR;
  process.env.OMNI_LOG_DIR = join(root, 'logs');
});
afterEach(() => {
  if (savedLogDir === undefined) delete process.env.OMNI_LOG_DIR;
  else process.env.OMNI_LOG_DIR = savedLogDir;
  rmSync(root, { recursive: true, force: true });
});

describe('checkOutputDir', () => {
  it('refuses an empty path, the root, the home folder, the working directory and its parents', () => {
    const cwd = join(root, 'work', 'project');
    mkdirSync(cwd, { recursive: true });
    const cases = ['', '   ', '/', cwd, join(cwd, '..'), '.', '..', homedir(), '/proc/x', '/dev/null'];
    for (const raw of cases) {
      expect(() => checkOutputDir(raw, { cwd }), `--out ${JSON.stringify(raw)}`).toThrow(/--out/);
    }
  });

  it('refuses a folder that holds an input or lies inside one', () => {
    const data = join(root, 'd');
    mkdirSync(data);
    writeFileSync(join(data, 'ticks.csv'), ticksCsv(3));
    expect(() => checkOutputDir(data, { inputs: [join(data, 'ticks.csv')] })).toThrow(/holds an input/);
    expect(() => checkOutputDir(join(data, 'ticks.csv', 'x'), { inputs: [join(data, 'ticks.csv')] })).toThrow(
      /inside an input/,
    );
  });

  it('refuses a file and a folder with foreign content, accepts an empty folder and a marked run', () => {
    writeFileSync(join(root, 'file.txt'), 'x');
    expect(() => checkOutputDir(join(root, 'file.txt'))).toThrow(/existing file/);
    mkdirSync(join(root, 'mine'));
    writeFileSync(join(root, 'mine', 'notes.md'), 'mine');
    expect(() => checkOutputDir(join(root, 'mine'))).toThrow(/other content/);
    mkdirSync(join(root, 'empty'));
    expect(checkOutputDir(join(root, 'empty'))).toEqual({ path: join(root, 'empty'), exists: true });
    mkdirSync(join(root, 'run'));
    markRunFolder(join(root, 'run'));
    writeFileSync(join(root, 'run', 'anything.bin'), 'y');
    expect(checkOutputDir(join(root, 'run')).exists).toBe(true);
    expect(checkOutputDir(join(root, 'new', 'run')).exists).toBe(false);
  });

  it('accepts a run folder from before the marker when it holds only run files', () => {
    mkdirSync(join(root, 'legacy'));
    writeFileSync(join(root, 'legacy', 'summary.json'), '{}');
    writeFileSync(join(root, 'legacy', 'decisions.jsonl'), '');
    writeFileSync(join(root, 'legacy', 'trades.000001.jsonl'), '');
    expect(isRunFolder(join(root, 'legacy'))).toBe(true);
    writeFileSync(join(root, 'legacy', 'thesis.tex'), '');
    expect(isRunFolder(join(root, 'legacy'))).toBe(false);
  });
});

describe('cleanStaleTempDirs', () => {
  it('removes only marked temp folders of processes that are gone', () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    expect(typeof dead).toBe('number');
    const out = join(root, 'runs', 'latest');
    mkdirSync(join(root, 'runs'));
    const stale = `${out}.partial-${dead}`;
    const unmarked = `${out}.old-${dead}`;
    const alive = `${out}.partial-${process.pid}`;
    for (const d of [stale, unmarked, alive]) mkdirSync(d);
    markRunFolder(stale);
    markRunFolder(alive);
    writeFileSync(join(unmarked, 'data.csv'), 'keep');
    expect(cleanStaleTempDirs(out)).toEqual([stale]);
    expect(readdirSync(join(root, 'runs')).sort()).toEqual(
      [`latest.old-${dead}`, `latest.partial-${process.pid}`].sort(),
    );
  });
});

describe('omni backtest --out', () => {
  it('leaves every file in place when --out is refused', async () => {
    const data = join(root, 'd');
    mkdirSync(data);
    writeFileSync(join(data, 'ticks.csv'), ticksCsv(40));
    const mine = join(root, 'mine');
    mkdirSync(mine);
    writeFileSync(join(mine, 'notes.md'), 'do not delete');
    const before = tree(root);
    const cwdBefore = readdirSync(process.cwd()).sort();
    const refused = [
      ['--data', join(data, 'ticks.csv'), '--out', data],
      ['--data', join(data, 'ticks.csv'), '--out', mine],
      ['--data', join(data, 'ticks.csv'), '--out', ''],
      ['--data', join(data, 'ticks.csv'), '--out', '.'],
      ['--data', join(data, 'ticks.csv'), '--out', root, '--momentum-only'],
      ['--data', join(data, 'ticks.csv'), '--out', '/proc/x'],
      ['--data', join(data, 'ticks.csv'), '--out', join(data, 'ticks.csv')],
    ];
    for (const args of refused) {
      const run = await omni(['backtest', '--quiet', '--momentum-only', ...args]);
      expect({
        args,
        code: run.code,
        err: run.err.includes('[RUNTIME_BAD_INPUT] --out') ? true : run.err,
      }).toEqual({
        args,
        code: 2,
        err: true,
      });
    }
    expect(tree(root)).toEqual(before);
    expect(readdirSync(process.cwd()).sort()).toEqual(cwdBefore);
  });

  it('replaces a previous run folder it wrote and marks the new one', async () => {
    const data = join(root, 'ticks.csv');
    writeFileSync(data, ticksCsv(40));
    const out = join(root, 'runs', 'a');
    const first = await omni(['backtest', '--quiet', '--momentum-only', '--data', data, '--out', out]);
    expect(first.code).toBe(0);
    expect(existsSync(join(out, RUN_MARKER))).toBe(true);
    writeFileSync(join(out, 'stale-note.txt'), 'from the first run');
    const second = await omni(['backtest', '--quiet', '--momentum-only', '--data', data, '--out', out]);
    expect(second.code).toBe(0);
    expect(existsSync(join(out, 'stale-note.txt'))).toBe(false);
    expect(readdirSync(join(root, 'runs'))).toEqual(['a']);
  });
});
