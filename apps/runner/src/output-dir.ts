import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, parse, relative, resolve, sep } from 'node:path';
import { RuntimeError } from '@omni/core';

/**
 * The file that marks a folder as an omni run folder. The engine replaces or appends to a folder
 * only when it carries this marker (or is empty, or holds nothing but the files a run writes).
 */
export const RUN_MARKER = '.omni-run';

/** What a run folder may hold: a folder whose entries are all in this list is a run folder from before the marker. */
const RUN_ENTRIES = new Set([
  RUN_MARKER,
  'summary.json',
  'report.html',
  'report.png',
  'checkpoint.json',
  'origin',
  'models',
  'ticks.jsonl',
  'decisions.jsonl',
  'trades.jsonl',
  'alerts.jsonl',
  'counterfactual.jsonl',
]);
const ROTATED_JOURNAL = /^(ticks|decisions|trades|alerts|counterfactual)\.\d{6,}\.jsonl$/;

/** Where a run's output goes, checked: see {@link checkOutputDir}. */
export interface OutputDir {
  /** The absolute path of the run folder. */
  readonly path: string;
  /** True when the folder exists already (a previous run of ours, or an empty folder). */
  readonly exists: boolean;
}

/** Options of {@link checkOutputDir}. */
export interface OutputDirOptions {
  /** The flag the path came from, for messages (`--out`). */
  readonly flag?: string;
  /** Input files of the run: the output may neither be one of them nor contain one. */
  readonly inputs?: readonly string[];
  /** Working directory (default `process.cwd()`). */
  readonly cwd?: string;
  /** Home directory (default `os.homedir()`). */
  readonly home?: string;
}

function refuse(message: string, path: string, hint: string): never {
  throw new RuntimeError('RUNTIME_BAD_INPUT', message, { out: path }, { details: [hint] });
}

/** `inner` equals `outer` or lies inside it (both absolute, resolved). */
function isInside(inner: string, outer: string): boolean {
  const rel = relative(outer, inner);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !parse(rel).root);
}

/** The real path of `path`, or of its nearest existing parent plus the rest (symlinks resolved). */
function realish(path: string): string {
  let head = path;
  const tail: string[] = [];
  for (;;) {
    try {
      return join(realpathSync(head), ...tail.reverse());
    } catch {
      const parent = dirname(head);
      if (parent === head) return path;
      tail.push(basename(head));
      head = parent;
    }
  }
}

/** True when `dir` (an existing folder) is one the engine wrote: marked, or holding only run files. */
export function isRunFolder(dir: string): boolean {
  if (existsSync(join(dir, RUN_MARKER))) return true;
  const entries = readdirSync(dir);
  return entries.length > 0 && entries.every((e) => RUN_ENTRIES.has(e) || ROTATED_JOURNAL.test(e));
}

/**
 * Checks an output path before anything is touched. The engine may replace only what it created,
 * so it refuses — with a RuntimeError `RUNTIME_BAD_INPUT` naming the path and what to do — an empty
 * path; the filesystem root, the home folder, the working directory or any of their parents; a path
 * under `/proc`, `/sys` or `/dev`; an existing file; a folder holding an input of the run or being
 * inside one; and an existing folder with content that is not a previous run of ours.
 * An empty folder and a marked run folder are accepted.
 */
export function checkOutputDir(raw: string | undefined, options: OutputDirOptions = {}): OutputDir {
  const flag = options.flag ?? '--out';
  if (raw === undefined || raw.trim() === '') {
    refuse(`${flag} is empty`, String(raw ?? ''), `pass a folder name such as ${flag} omni-runs/my-run`);
  }
  const cwd = resolve(options.cwd ?? process.cwd());
  const path = resolve(cwd, raw);
  const real = realish(path);
  const hint = `choose a new folder, e.g. ${flag} omni-runs/my-run`;
  if (parse(real).root === real) refuse(`${flag} is the filesystem root`, path, hint);
  for (const pseudo of ['/proc', '/sys', '/dev']) {
    if (isInside(real, pseudo))
      refuse(`${flag} points into ${pseudo}, which is not a place for files`, path, hint);
  }
  const home = realish(resolve(options.home ?? homedir()));
  if (isInside(home, real)) refuse(`${flag} is your home folder or one of its parents`, path, hint);
  if (isInside(realish(cwd), real)) {
    refuse(`${flag} is the working directory or one of its parents`, path, hint);
  }
  for (const input of options.inputs ?? []) {
    const file = realish(resolve(cwd, input));
    if (isInside(file, real)) refuse(`${flag} holds an input of this run (${file})`, path, hint);
    if (isInside(real, file)) refuse(`${flag} lies inside an input of this run (${file})`, path, hint);
  }
  let exists = false;
  try {
    const stat = lstatSync(path);
    exists = true;
    if (!stat.isDirectory()) refuse(`${flag} is an existing file, not a folder`, path, hint);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (exists && readdirSync(path).length > 0 && !isRunFolder(path)) {
    refuse(
      `${flag} is a folder with other content; the engine only replaces a run folder it wrote (marked ${RUN_MARKER})`,
      path,
      hint,
    );
  }
  return { path, exists };
}

/** Writes the run marker into `dir`. */
export function markRunFolder(dir: string): void {
  writeFileSync(join(dir, RUN_MARKER), `${JSON.stringify({ kind: 'omni-run', version: 1 })}\n`);
}

function partialPattern(outPath: string): RegExp {
  const name = basename(outPath).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${name}\\.(partial|old)-(\\d+)$`);
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes `<out>.partial-<pid>` and `<out>.old-<pid>` folders left by killed runs — only those, only
 * when the process that made them is gone, and only when they carry the run marker. Returns the
 * removed paths.
 */
export function cleanStaleTempDirs(outPath: string): string[] {
  const parent = dirname(outPath);
  if (!existsSync(parent)) return [];
  const pattern = partialPattern(outPath);
  const removed: string[] = [];
  for (const name of readdirSync(parent)) {
    const m = pattern.exec(name);
    if (!m) continue;
    const dir = join(parent, name);
    if (processAlive(Number(m[2]))) continue;
    if (!lstatSync(dir).isDirectory() || !existsSync(join(dir, RUN_MARKER))) continue;
    rmSync(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

/** A fresh, marked temp folder beside `outPath` for a run to write into. */
export function createTempRunDir(outPath: string): string {
  const temp = `${outPath}.partial-${process.pid}`;
  mkdirSync(dirname(outPath), { recursive: true });
  if (existsSync(temp)) {
    if (!existsSync(join(temp, RUN_MARKER))) {
      refuse('a folder with the temp name of this run exists and is not ours', temp, 'move it aside');
    }
    rmSync(temp, { recursive: true, force: true });
  }
  mkdirSync(temp);
  markRunFolder(temp);
  return temp;
}

/**
 * Moves a finished temp run folder into place. A previous run folder at `outPath` (checked by
 * {@link checkOutputDir}) is moved aside first and removed only after the new one is in place.
 */
export function publishRunDir(temp: string, outPath: string): void {
  let aside: string | undefined;
  if (existsSync(outPath)) {
    if (readdirSync(outPath).length > 0 && !isRunFolder(outPath)) {
      refuse(
        'the output folder changed during the run and is no longer a run folder',
        outPath,
        'move it aside',
      );
    }
    aside = `${outPath}.old-${process.pid}`;
    renameSync(outPath, aside);
    if (!existsSync(join(aside, RUN_MARKER))) markRunFolder(aside);
  }
  renameSync(temp, outPath);
  if (aside) rmSync(aside, { recursive: true, force: true });
}
