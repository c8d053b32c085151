// CI's smoke of `pnpm bench`: the whole harness in --quick mode as a child process (tiny sizes, seconds).
// It checks the shape of what the harness writes, never how fast anything was.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Figure } from './figures.js';
import { BENCH_DIR, resultsDir } from './harness.js';
import { QUICK } from './options.js';
import type { BenchResults } from './results.js';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'omni-bench-smoke-'));
let run: ReturnType<typeof spawnSync>;
let results: BenchResults;

/** Every figure in a section, wherever it sits (figures are the objects with a `status`). */
function figuresIn(value: unknown): Figure[] {
  if (value === null || typeof value !== 'object') return [];
  if ('status' in value) return [value as Figure];
  return Object.values(value).flatMap(figuresIn);
}

beforeAll(() => {
  run = spawnSync(process.execPath, ['--import', 'tsx', CLI, '--quick', '--out', out], {
    cwd: BENCH_DIR,
    encoding: 'utf8',
  });
  const json = join(out, 'results.json');
  if (!existsSync(json))
    throw new Error(`the harness wrote no results.json:\n${String(run.stderr).slice(-3_000)}`);
  results = JSON.parse(readFileSync(json, 'utf8')) as BenchResults;
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('pnpm bench --quick', () => {
  it('exits 0 with no problems and names the files it wrote', () => {
    expect(run.stderr).toContain('[bench');
    expect(results.problems).toEqual([]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(join(out, 'RESULTS.md'));
  });

  it('records the machine, the Node version, the commit and the quick sizes', () => {
    expect(results.machine.cores).toBeGreaterThan(0);
    expect(results.machine.ramBytes).toBeGreaterThan(0);
    expect(results.machine.cpuModel).not.toBe('');
    expect(results.machine.node).toBe(process.version);
    expect(results.commit.sha).toMatch(/^[0-9a-f]{40}$|^unknown$/);
    expect(results.options).toMatchObject({ ...QUICK, quick: true, skip: [] });
    expect(results.data.main.ticks).toBe(QUICK.ticks);
    expect(results.data.big?.ticks).toBe(QUICK.big);
  });

  it('has every section, each figure measured with min <= median <= max over every run', () => {
    const sections = results.sections;
    expect(Object.keys(sections).sort()).toEqual(
      ['features', 'inference', 'latency', 'memory', 'momentum', 'onnx', 'parse', 'peers', 'workers'].sort(),
    );
    for (const [name, section] of Object.entries(sections)) {
      if (name === 'peers') continue;
      const figures = figuresIn(section);
      expect(figures.length, name).toBeGreaterThan(0);
      for (const f of figures) {
        if (f.status === 'not-available') {
          // Only the workers figure may be missing: when the CLI has no --workers flag.
          expect(name, f.reason).toBe('workers');
          expect(f.reason).toMatch(/--workers|--symbols/);
          continue;
        }
        expect(f.samples, f.label).toHaveLength(QUICK.runs);
        for (const x of [f.min, f.median, f.max]) expect(Number.isFinite(x), f.label).toBe(true);
        expect(f.min, f.label).toBeLessThanOrEqual(f.median);
        expect(f.median, f.label).toBeLessThanOrEqual(f.max);
      }
    }
  });

  it('holds each figure with a target of issue 14 against it as pass or missed', () => {
    const s = results.sections;
    for (const f of [
      s.momentum.ticksPerSec,
      s.onnx.ticksPerSec,
      s.momentum.multipleOfParse,
      s.memory.growthPct,
      s.latency.momentum.p99Us,
      s.latency.onnx.p99Us,
    ]) {
      expect(f.target, f.label).not.toBeNull();
      expect(['pass', 'missed']).toContain(f.verdict);
    }
    expect(s.momentum.ticksPerSec.target?.value).toBe(500_000);
    expect(s.onnx.ticksPerSec.target?.value).toBe(150_000);
    expect(s.latency.momentum.p99Us.target?.value).toBe(50);
    expect(s.latency.onnx.p99Us.target?.value).toBe(200);
  });

  it('times the engine tick by tick after a warm-up, with p50 <= p99 <= max and nearly every tick decided', () => {
    const l = results.sections.latency;
    expect([l.ticks, l.warmup]).toEqual([QUICK.latencyTicks, QUICK.latencyTicks / 4]);
    for (const model of [l.momentum, l.onnx]) {
      const [p50, p99, max, decided] = [model.p50Us, model.p99Us, model.maxUs, model.decidedPct];
      if (p50.status !== 'measured' || p99.status !== 'measured' || max.status !== 'measured')
        throw new Error(`latency not measured: ${JSON.stringify(model)}`);
      for (let i = 0; i < QUICK.runs; i++) {
        expect(p50.samples[i]).toBeGreaterThan(0);
        expect(p50.samples[i]).toBeLessThanOrEqual(p99.samples[i] as number);
        expect(p99.samples[i]).toBeLessThanOrEqual(max.samples[i] as number);
      }
      expect(decided.status === 'measured' && decided.min).toBeGreaterThan(90);
      expect(decided.status === 'measured' && decided.max).toBeLessThanOrEqual(100);
    }
  });

  it('checks every library against our indicators and finds them agreeing', () => {
    const rows = results.sections.features.rows;
    expect(rows).toHaveLength(12);
    for (const row of rows.filter((r) => r.library !== 'omni')) {
      expect(row.agrees, `${row.indicator} ${row.library}`).toBe(true);
      expect(row.maxAbsDiff).toBeLessThanOrEqual(results.sections.features.tolerance);
      expect(row.compared).toBeGreaterThan(1_000);
    }
  });

  it('labels the peers as their published figures, with a source', () => {
    const peers = results.sections.peers;
    expect(peers.map((p) => p.engine)).toEqual(['QuantConnect Lean', 'nautilus_trader']);
    for (const p of peers) {
      expect(p.source.url).toMatch(/^https:\/\//);
      expect(p.note).toContain('not run here');
    }
  });

  it('renders RESULTS.md with every section', () => {
    const md = readFileSync(join(out, 'RESULTS.md'), 'utf8');
    for (const heading of ['(a)', '(b)', '(c)', '(d)', '(e)', '(f)', '(g)', '(h)', '(i)'])
      expect(md).toContain(`## ${heading}`);
    expect(md).toContain(results.commit.sha);
    expect(md).toContain('Smoke run');
  });
});

describe('resultsDir', () => {
  it('writes a full run to bench/, a quick one to a temp folder, and either to --out when given', () => {
    expect(resultsDir({ quick: false, outDir: undefined })).toBe(BENCH_DIR);
    const temp = resultsDir({ quick: true, outDir: undefined });
    expect(temp.startsWith(tmpdir())).toBe(true);
    expect(existsSync(temp)).toBe(true);
    rmSync(temp, { recursive: true, force: true });
    expect(resultsDir({ quick: true, outDir: '/tmp/x' })).toBe('/tmp/x');
  });
});
