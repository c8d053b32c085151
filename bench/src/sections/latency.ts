import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, parseConfig, type Tick } from '@omni/core';
import { createOmniEngine } from '@omni/runtime';
import { defaultModelPath } from '@omni/sequence';
import { BenchError } from '../errors.js';
import { WALK_START_MS, WALK_STEP_MS } from '../random-walk.js';
import { percentileOfSorted } from '../stats.js';
import type { Section } from './section.js';

/** Ticks at the start of each run that are not recorded (the JIT warms up on them). */
export const LATENCY_WARMUP = 2_000;

/** Warm-up ticks of a run of `ticks`: 2,000, or a quarter of a short run (`--quick`). */
export function latencyWarmup(ticks: number): number {
  return Math.min(LATENCY_WARMUP, Math.floor(ticks / 4));
}

/** One run of one model: tick-to-decision percentiles (µs) and the share of ticks decided. */
export interface LatencyRun {
  readonly p50Us: number;
  readonly p99Us: number;
  readonly maxUs: number;
  /** Decisions taken over the recorded ticks ÷ those ticks, in %. */
  readonly decidedPct: number;
}

/** The shadow settings of the engine: SafetyManager's daily caps and loss streak out of reach. */
export const LATENCY_CONFIG = {
  seed: 7,
  mode: 'shadow',
  risk: { maxLossStreak: 1_000_000, maxDailyLossUsd: 1e12, maxDailyTrades: 1_000_000 },
} as const;

/**
 * Section (h): the engine as a shadow or live run builds it (`createOmniEngine`, decisions.jsonl at
 * level `all`, durable journals), in process, fed one tick at a time with `await runtime.onTick(tick)`
 * — no batches, no prefetch, so the ONNX model predicts each window when its tick arrives. Each tick
 * is timed with `process.hrtime.bigint()`; a fresh engine (and temp run folder) every round, momentum
 * then ONNX.
 */
export class LatencySection implements Section {
  readonly id = 'latency' as const;
  readonly momentum: LatencyRun[] = [];
  readonly onnx: LatencyRun[] = [];
  readonly warmup: number;
  #ticks: Tick[] = [];

  constructor(
    readonly prices: () => Float64Array,
    /** Ticks per run (the first of the walk); fewer when the walk is shorter. */
    readonly ticks: number,
  ) {
    this.warmup = latencyWarmup(ticks);
  }

  /** The ticks one run feeds: the walk's first `ticks` (its timestamps, one a second). */
  get tickCount(): number {
    return this.#ticks.length;
  }

  async prepare(): Promise<void> {
    const prices = this.prices();
    const n = Math.min(this.ticks, prices.length);
    this.#ticks = Array.from({ length: n }, (_, i) => ({
      symbol: 'WALK',
      tsMs: WALK_START_MS + i * WALK_STEP_MS,
      price: prices[i] as number,
      source: 'bench',
    }));
  }

  async runOnce(): Promise<string> {
    const momentum = await this.#run(null);
    const onnx = await this.#run(defaultModelPath());
    this.momentum.push(momentum);
    this.onnx.push(onnx);
    const show = (r: LatencyRun) =>
      `p50 ${r.p50Us.toFixed(1)} µs, p99 ${r.p99Us.toFixed(1)} µs, max ${r.maxUs.toFixed(0)} µs, ${r.decidedPct.toFixed(1)} % decided`;
    return `momentum ${show(momentum)}; ONNX ${show(onnx)}`;
  }

  /** One run over the ticks with a fresh engine; `modelPath` null = momentum only. */
  async #run(modelPath: string | null): Promise<LatencyRun> {
    const ticks = this.#ticks;
    const warmup = this.warmup;
    const runDir = mkdtempSync(join(tmpdir(), 'omni-bench-latency-'));
    const first = ticks[0];
    const clock = new ManualClock(first ? first.tsMs : WALK_START_MS);
    const engine = await createOmniEngine({
      config: parseConfig(LATENCY_CONFIG),
      runDir,
      clock,
      decisionJournal: 'all',
      modelPath,
    });
    const latencies = new Float64Array(ticks.length - warmup);
    let decisionsAtWarmup = 0;
    try {
      const runtime = engine.runtime;
      for (let i = 0; i < ticks.length; i++) {
        const tick = ticks[i] as Tick;
        if (i === warmup) decisionsAtWarmup = runtime.decisions;
        clock.set(tick.tsMs);
        const start = process.hrtime.bigint();
        await runtime.onTick(tick);
        const ns = process.hrtime.bigint() - start;
        if (i >= warmup) latencies[i - warmup] = Number(ns) / 1_000;
      }
      const decided = runtime.decisions - decisionsAtWarmup;
      if (latencies.length === 0) {
        throw new BenchError('BENCH_BAD_SAMPLE', 'the latency run recorded no ticks after its warm-up', {
          ticks: ticks.length,
          warmup,
        });
      }
      latencies.sort();
      return {
        p50Us: percentileOfSorted(latencies, 0.5),
        p99Us: percentileOfSorted(latencies, 0.99),
        maxUs: latencies[latencies.length - 1] as number,
        decidedPct: (decided / latencies.length) * 100,
      };
    } finally {
      await engine.close();
      rmSync(runDir, { recursive: true, force: true });
    }
  }
}
