import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isOmniError } from '@omni/core';
import { BenchError } from './errors.js';
import { commitInfo, machineInfo } from './machine.js';
import type { BenchOptions, SectionId } from './options.js';
import { ensureRandomWalk, type WalkFile } from './random-walk.js';
import { renderResults } from './report.js';
import { type BenchResults, buildResults, type WalkData } from './results.js';
import { EngineSection } from './sections/engine.js';
import { FeaturesSection, readPrices } from './sections/features.js';
import { InferenceSection } from './sections/inference.js';
import { LatencySection } from './sections/latency.js';
import { ParseSection } from './sections/parse.js';
import type { Section } from './sections/section.js';
import { WorkersSection } from './sections/workers.js';

/** The bench package folder (RESULTS.md and results.json go here by default) and the repo root. */
export const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
export const REPO_ROOT = resolve(BENCH_DIR, '..');
/** The built CLI the engine sections run, as a user runs it. */
export const CLI_PATH = join(REPO_ROOT, 'apps/runner/dist/cli.js');

/** What one harness run wrote. */
export interface HarnessOutput {
  readonly results: BenchResults;
  readonly jsonPath: string;
  readonly markdownPath: string;
}

/**
 * Runs every section that is not skipped, round after round (each round runs each section once), and
 * writes results.json and RESULTS.md. A section that fails is reported in `problems` and as "not
 * available: failed: …" — the other sections still run. On SIGINT/SIGTERM the running child is killed and
 * the rounds done so far are written (with the interruption among the problems). `log` gets the progress lines.
 */
export async function runHarness(options: BenchOptions, log: (line: string) => void): Promise<HarnessOutput> {
  const started = performance.now();
  const measuredAt = new Date().toISOString();
  const say = (line: string) => log(`[bench +${elapsed(started)}] ${line}`);
  if (!existsSync(CLI_PATH)) {
    throw new BenchError(
      'BENCH_NOT_BUILT',
      'the omni CLI is not built; run `pnpm build` (or `pnpm bench`, which builds first)',
      {
        file: CLI_PATH,
      },
    );
  }
  const dataDir = join(BENCH_DIR, '.data');
  say(
    `random walk of ${options.ticks.toLocaleString('en-US')} ticks in ${relative(REPO_ROOT, dataDir)}/ ...`,
  );
  const walk = ensureRandomWalk(dataDir, options.ticks);
  const bigWalk = options.skip.has('big') ? null : ensureRandomWalk(dataDir, options.big);
  say(
    `walks ready (${walk.reused ? 'reused' : 'written'}${bigWalk ? `; ${options.big.toLocaleString('en-US')} ticks ${bigWalk.reused ? 'reused' : 'written'}` : ''})`,
  );

  let prices: Float64Array | undefined;
  const sharedPrices = () => {
    prices ??= readPrices(walk);
    return prices;
  };
  const parse = new ParseSection(walk);
  const momentum = new EngineSection('momentum', CLI_PATH, walk, 'momentum');
  const onnx = new EngineSection('onnx', CLI_PATH, walk, 'onnx');
  const features = new FeaturesSection(sharedPrices);
  const inference = new InferenceSection(sharedPrices, options.inferenceSingles, options.inferenceBatches);
  const workers = new WorkersSection(CLI_PATH, dataDir, options.ticks);
  const big = new EngineSection('big', CLI_PATH, bigWalk ?? walk, 'momentum');
  const latency = new LatencySection(sharedPrices, options.latencyTicks);
  const all: Section[] = [parse, momentum, onnx, features, inference, workers, big, latency];

  const missing = new Map<SectionId, string>();
  for (const id of options.skip) missing.set(id, `skipped (--skip ${id})`);
  const fail = (section: Section, err: unknown) => {
    missing.set(section.id, `failed: ${oneLine(err)}`);
    say(`${section.id} FAILED: ${err instanceof Error ? err.message : String(err)}`);
  };
  const active = () => all.filter((s) => !missing.has(s.id));
  for (const section of active()) {
    try {
      await section.prepare?.();
    } catch (err) {
      fail(section, err);
    }
  }
  // Ctrl-C or a kill: stop the running child, keep the rounds done so far and still write both files.
  const abort = new AbortController();
  let interrupted: string | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted = signal;
    say(`${signal}: stopping; the results of the rounds done so far will be written`);
    abort.abort();
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  let rounds = 0;
  for (let round = 1; round <= options.runs && interrupted === null; round++) {
    for (const section of active()) {
      if (interrupted !== null) break;
      try {
        say(`round ${round}/${options.runs} ${section.id}: ${await section.runOnce(round, abort.signal)}`);
      } catch (err) {
        if (interrupted === null) fail(section, err);
      }
    }
    if (interrupted === null) rounds = round;
  }
  process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  for (const section of all) await section.close?.().catch(() => undefined);

  const results = buildResults({
    measuredAt,
    durationSec: (performance.now() - started) / 1_000,
    machine: machineInfo(),
    commit: commitInfo(REPO_ROOT),
    options: {
      runs: options.runs,
      ticks: options.ticks,
      big: options.big,
      latencyTicks: options.latencyTicks,
      quick: options.quick,
      skip: [...options.skip],
    },
    data: { main: walkData(walk), big: bigWalk ? walkData(bigWalk) : null },
    parse,
    momentum,
    onnx,
    features,
    inference,
    workers,
    big,
    latency,
    missing,
    interrupted:
      interrupted === null ? null : `interrupted by ${interrupted} after ${rounds} of ${options.runs} rounds`,
  });
  const outDir = resultsDir(options);
  mkdirSync(outDir, { recursive: true });
  const jsonPath = join(outDir, 'results.json');
  const markdownPath = join(outDir, 'RESULTS.md');
  writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(markdownPath, renderResults(results));
  say(`done in ${elapsed(started)}`);
  return { results, jsonPath, markdownPath };
}

/**
 * Where RESULTS.md and results.json go: `--out`, else bench/ for a full run, else (a `--quick` smoke
 * run, whose tiny figures must not overwrite the real ones) a new temp folder.
 */
export function resultsDir(options: Pick<BenchOptions, 'outDir' | 'quick'>): string {
  if (options.outDir !== undefined) return resolve(options.outDir);
  return options.quick ? mkdtempSync(join(tmpdir(), 'omni-bench-quick-')) : BENCH_DIR;
}

/** A failure as one line for RESULTS.md: the short message, then what the child said, joined by ` ⏎ `. */
export function oneLine(err: unknown): string {
  if (isOmniError(err)) return [err.shortMessage, ...err.details].join(' ⏎ ');
  return (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, ' ⏎ ');
}

function walkData(walk: WalkFile): WalkData {
  return { file: relative(REPO_ROOT, walk.path), ticks: walk.ticks, seed: walk.seed, bytes: walk.bytes };
}

function elapsed(since: number): string {
  const s = Math.round((performance.now() - since) / 1_000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}
