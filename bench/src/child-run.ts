import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchError } from './errors.js';

const PROBE = fileURLToPath(new URL('./rss-probe.mjs', import.meta.url));

/** One measured run of the built `omni` CLI in its own process. */
export interface CliRun {
  /** Wall time from spawn to exit: what a user waits for, Node start-up and the report included. */
  readonly seconds: number;
  /** The child's own peak resident set size (`process.resourceUsage().maxRSS`, worker threads included). */
  readonly maxRssBytes: number;
  /** Bytes the run wrote: `decisions.jsonl`, all journals (`*.jsonl`), and every file of the output folder. */
  readonly decisionsBytes: number;
  readonly journalBytes: number;
  readonly outputBytes: number;
}

/**
 * Runs `node <cli> <args...> --out <fresh folder>` with a clean environment (no `OMNI_*`, no
 * `SEQ_MODEL_ONNX`, a temp working folder so no `.env` is read), measures it, then deletes what it
 * wrote (a 10M-tick run writes gigabytes of journals). Throws `BENCH_CHILD_FAILED` with the tail of
 * its stderr when it exits non-zero; `signal` kills the child (the harness was interrupted).
 */
export async function runCli(cli: string, args: readonly string[], signal?: AbortSignal): Promise<CliRun> {
  const work = mkdtempSync(join(tmpdir(), 'omni-bench-run-'));
  const out = join(work, 'out');
  const rssFile = join(work, 'rss.json');
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('OMNI_') && !key.startsWith('SEQ_MODEL')) env[key] = value;
  }
  env.OMNI_BENCH_RSS_FILE = rssFile;
  try {
    const start = performance.now();
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', PROBE, cli, ...args, '--out', out], {
        cwd: work,
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
        ...(signal ? { signal } : {}),
      });
      let tail = '';
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (chunk: string) => {
        tail = (tail + chunk).slice(-4_000);
      });
      child.on('error', reject);
      child.on('close', (exitCode) => resolve({ code: exitCode, stderr: tail }));
    });
    const seconds = (performance.now() - start) / 1_000;
    if (code !== 0) {
      throw new BenchError(
        'BENCH_CHILD_FAILED',
        `omni ${args.slice(0, 2).join(' ')} exited with ${code}`,
        { command: `omni ${args.join(' ')}` },
        { details: errorLines(stderr) },
      );
    }
    const rss = JSON.parse(readFileSync(rssFile, 'utf8')) as { maxRssKiB: number };
    return {
      seconds,
      maxRssBytes: rss.maxRssKiB * 1_024,
      decisionsBytes: sumBytes(out, (name) => name === 'decisions.jsonl'),
      journalBytes: sumBytes(out, (name) => name.endsWith('.jsonl')),
      outputBytes: sumBytes(out, () => true),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The `--help` text of an `omni` command (to see whether a flag exists before relying on it). */
export async function cliHelp(cli: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, command, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (text += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (text += c));
    child.on('error', reject);
    child.on('close', () => resolve(text));
  });
}

/** The lines of a child's stderr that say what went wrong: no stack frames, no blanks, the last 6. */
export function errorLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('at ') && line !== '}' && !line.startsWith('Node.js v'))
    .slice(-6);
}

function sumBytes(dir: string, take: (name: string) => boolean): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += sumBytes(path, take);
    else if (take(entry.name)) total += statSync(path).size;
  }
  return total;
}
