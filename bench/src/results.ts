import { INDICATOR_CASES, type IndicatorLibrary } from './features.js';
import { type Figure, figureOf, notAvailable, TARGETS } from './figures.js';
import type { CommitInfo, MachineInfo } from './machine.js';
import type { SectionId } from './options.js';
import { PEER_FIGURES, type PeerFigure } from './peers.js';
import type { EngineSection } from './sections/engine.js';
import { AGREEMENT_TOLERANCE, type FeaturesSection } from './sections/features.js';
import type { InferenceSection } from './sections/inference.js';
import type { LatencyRun, LatencySection } from './sections/latency.js';
import type { ParseSection } from './sections/parse.js';
import { mb } from './sections/section.js';
import type { WorkersSection } from './sections/workers.js';

/** One backtest section of results.json: (b) momentum or (c) ONNX. */
export interface EngineResult {
  readonly command: string;
  readonly ticksPerSec: Figure;
  /** Engine wall time ÷ the parse loop's time, round by round. */
  readonly multipleOfParse: Figure;
  readonly seconds: Figure;
  readonly peakRssMb: Figure;
  readonly decisionsBytesPerTick: Figure;
  readonly journalBytesPerTick: Figure;
}

/** Tick-to-decision latency of one model, section (h): each figure over the rounds of a per-round value. */
export interface LatencyResult {
  readonly p50Us: Figure;
  readonly p99Us: Figure;
  readonly maxUs: Figure;
  /** Decisions ÷ recorded ticks, in %: how many ticks went all the way to a decision. */
  readonly decidedPct: Figure;
}

/** One indicator in one library, section (d). */
export interface FeatureRow {
  readonly indicator: string;
  readonly library: IndicatorLibrary;
  readonly note: string;
  readonly updatesPerSec: Figure;
  /** max |ours − theirs| over `compared` aligned outputs; null for our own row or when not run. */
  readonly maxAbsDiff: number | null;
  readonly compared: number;
  /** maxAbsDiff ≤ the tolerance (null for our own row); false when warm-ups did not line up. */
  readonly agrees: boolean | null;
}

/** Everything `pnpm bench` writes to results.json (RESULTS.md is rendered from it). */
export interface BenchResults {
  readonly schema: 'omni-bench/1';
  readonly measuredAt: string;
  readonly durationSec: number;
  readonly machine: MachineInfo;
  readonly commit: CommitInfo;
  readonly options: {
    readonly runs: number;
    readonly ticks: number;
    readonly big: number;
    readonly latencyTicks: number;
    readonly quick: boolean;
    readonly skip: readonly SectionId[];
  };
  readonly data: { readonly main: WalkData; readonly big: WalkData | null };
  readonly sections: {
    readonly parse: { readonly what: string; readonly ticksPerSec: Figure; readonly seconds: Figure };
    readonly momentum: EngineResult;
    readonly onnx: EngineResult;
    readonly features: { readonly tolerance: number; readonly rows: readonly FeatureRow[] };
    readonly inference: { readonly model: string; readonly batch1: Figure; readonly batch1024: Figure };
    readonly workers: {
      readonly command: string;
      readonly oneWorkerSec: Figure;
      readonly twoWorkersSec: Figure;
      readonly speedup: Figure;
    };
    readonly memory: {
      readonly command: string;
      readonly peakRssMain: Figure;
      readonly peakRssBig: Figure;
      readonly growthPct: Figure;
      /** Throughput of the big run: whether the cost per tick stays flat over a long run. */
      readonly ticksPerSecBig: Figure;
    };
    readonly latency: {
      readonly what: string;
      /** Ticks per run, the walk's first, and how many of them were warm-up (not recorded). */
      readonly ticks: number;
      readonly warmup: number;
      readonly momentum: LatencyResult;
      readonly onnx: LatencyResult;
    };
    readonly peers: readonly PeerFigure[];
  };
  /** Sections that failed and indicators that disagree; empty when all is well. */
  readonly problems: readonly string[];
}

/** A walk as results.json records it (the path relative to the repo). */
export interface WalkData {
  readonly file: string;
  readonly ticks: number;
  readonly seed: number;
  readonly bytes: number;
}

/** What the harness hands over to build results.json. */
export interface CollectedRun {
  readonly measuredAt: string;
  readonly durationSec: number;
  readonly machine: MachineInfo;
  readonly commit: CommitInfo;
  readonly options: BenchResults['options'];
  readonly data: BenchResults['data'];
  readonly parse: ParseSection;
  readonly momentum: EngineSection;
  readonly onnx: EngineSection;
  readonly features: FeaturesSection;
  readonly inference: InferenceSection;
  readonly workers: WorkersSection;
  readonly big: EngineSection;
  readonly latency: LatencySection;
  /** Why a section has no figures: skipped or failed, by section. */
  readonly missing: ReadonlyMap<SectionId, string>;
  /** Set when a signal stopped the run early: its figures are over fewer runs than asked. */
  readonly interrupted: string | null;
}

/** Tick counts as people say them: 1M, 10M, 3k, 2.5M. */
export function ticksLabel(n: number): string {
  if (n >= 1e6) return `${+(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${+(n / 1e3).toFixed(1)}k`;
  return String(n);
}

/** Builds results.json from the sections of one harness run. */
export function buildResults(run: CollectedRun): BenchResults {
  const why = (id: SectionId) => run.missing.get(id) ?? 'no runs';
  const parseSeconds = run.parse.seconds;
  const problems = [...run.missing.entries()]
    .filter(([, reason]) => reason.startsWith('failed'))
    .map(([id, reason]) => `${id}: ${reason}`);
  if (run.interrupted !== null) problems.unshift(`${run.interrupted}: figures are over the runs completed`);
  const features = featureRows(run, why('features'));
  for (const row of features) {
    if (row.agrees === false) {
      problems.push(
        `${row.indicator} of ${row.library} differs from ours by ${row.maxAbsDiff ?? 'a misaligned warm-up'}`,
      );
    }
  }
  const one = run.workers.one.map((r) => r.seconds);
  const two = run.workers.two.map((r) => r.seconds);
  const workersMissing = run.workers.unavailable ?? why('workers');
  const main = run.momentum.runs.map((r) => mb(r.maxRssBytes));
  const big = run.big.runs.map((r) => mb(r.maxRssBytes));
  const bigTicks = run.data.big?.ticks ?? run.options.big;
  return {
    schema: 'omni-bench/1',
    measuredAt: run.measuredAt,
    durationSec: run.durationSec,
    machine: run.machine,
    commit: run.commit,
    options: run.options,
    data: run.data,
    sections: {
      parse: {
        what: 'readline (for await) over the CSV; per line indexOf(","), Date.parse(timestamp), Number(price)',
        ticksPerSec: figureOf(
          'parse-and-iterate loop',
          'ticks/s',
          parseSeconds.map((s) => run.data.main.ticks / s),
          why('parse'),
        ),
        seconds: figureOf('parse-and-iterate loop time', 's', parseSeconds, why('parse')),
      },
      momentum: engineResult(
        run.momentum,
        parseSeconds,
        why('momentum'),
        why('parse'),
        TARGETS.momentumTicksPerSec,
      ),
      onnx: engineResult(run.onnx, parseSeconds, why('onnx'), why('parse'), TARGETS.onnxTicksPerSec),
      features: { tolerance: AGREEMENT_TOLERANCE, rows: features },
      inference: {
        model: 'packages/sequence/models/omni-seq-default.onnx',
        batch1: figureOf('ONNX batch 1', 'windows/s', run.inference.singleRates, why('inference')),
        batch1024: figureOf('ONNX batch 1,024', 'windows/s', run.inference.batchRates, why('inference')),
      },
      workers: {
        command: run.workers.command,
        oneWorkerSec: figureOf('--workers 1', 's', one, workersMissing),
        twoWorkersSec: figureOf('--workers 2', 's', two, workersMissing),
        speedup: figureOf(
          'speed-up from 1 to 2 workers',
          '×',
          pairs(one, two, (a, b) => a / b),
          workersMissing,
          TARGETS.workerSpeedup,
        ),
      },
      memory: {
        command: run.momentum.command,
        peakRssMain: figureOf(
          `peak RSS, momentum, ${ticksLabel(run.data.main.ticks)} ticks`,
          'MB',
          main,
          why('momentum'),
          TARGETS.peakRssMb,
        ),
        peakRssBig: figureOf(
          `peak RSS, momentum, ${ticksLabel(bigTicks)} ticks`,
          'MB',
          big,
          why('big'),
          TARGETS.peakRssMb,
        ),
        growthPct: figureOf(
          `RSS growth ${ticksLabel(run.data.main.ticks)} → ${ticksLabel(bigTicks)} ticks`,
          '%',
          pairs(main, big, (a, b) => (b / a - 1) * 100),
          run.missing.has('big') ? why('big') : why('momentum'),
          TARGETS.rssGrowthPct,
        ),
        ticksPerSecBig: figureOf(
          `engine, momentum, ${ticksLabel(bigTicks)} ticks`,
          'ticks/s',
          run.big.runs.map((r) => bigTicks / r.seconds),
          why('big'),
        ),
      },
      latency: {
        what: LATENCY_WHAT,
        ticks: run.latency.tickCount,
        warmup: run.latency.warmup,
        momentum: latencyResult('momentum', run.latency.momentum, why('latency'), TARGETS.momentumP99Us),
        onnx: latencyResult('ONNX', run.latency.onnx, why('latency'), TARGETS.onnxP99Us),
      },
      peers: PEER_FIGURES,
    },
    problems,
  };
}

function engineResult(
  section: EngineSection,
  parseSeconds: readonly number[],
  missing: string,
  parseMissing: string,
  target: (typeof TARGETS)[keyof typeof TARGETS],
): EngineResult {
  const ticks = section.walk.ticks;
  const seconds = section.runs.map((r) => r.seconds);
  const name = section.model === 'momentum' ? 'momentum' : 'ONNX';
  return {
    command: section.command,
    ticksPerSec: figureOf(
      `engine, ${name}`,
      'ticks/s',
      seconds.map((s) => ticks / s),
      missing,
      target,
    ),
    multipleOfParse: figureOf(
      `engine, ${name}: time ÷ parse loop`,
      '×',
      pairs(seconds, parseSeconds, (e, p) => e / p),
      seconds.length === 0 ? missing : parseMissing,
      TARGETS.engineMultipleOfParse,
    ),
    seconds: figureOf(`engine, ${name}: wall time`, 's', seconds, missing),
    peakRssMb: figureOf(
      `engine, ${name}: peak RSS`,
      'MB',
      section.runs.map((r) => mb(r.maxRssBytes)),
      missing,
    ),
    decisionsBytesPerTick: figureOf(
      `engine, ${name}: decisions.jsonl per tick`,
      'B/tick',
      section.runs.map((r) => r.decisionsBytes / ticks),
      missing,
      TARGETS.decisionsBytesPerTick,
    ),
    journalBytesPerTick: figureOf(
      `engine, ${name}: all journals (*.jsonl) per tick`,
      'B/tick',
      section.runs.map((r) => r.journalBytes / ticks),
      missing,
    ),
  };
}

/** What section (h) measures, for RESULTS.md. */
export const LATENCY_WHAT =
  'createOmniEngine of @omni/runtime in the harness process, with the settings of a shadow run (mode shadow, ' +
  'seed 7, ShadowExecutionHub, decisions.jsonl at level `all`, durable journals) and SafetyManager caps out of ' +
  'reach (daily loss, daily trades, loss streak), so nearly every tick is decided; no state folder or checkpoints. ' +
  'Fed one tick at a time as a live feed delivers them: a ManualClock set to the tick, then ' +
  '`await runtime.onTick(tick)` timed with process.hrtime.bigint() — no batches, no prefetch, so ONNX predicts ' +
  "each tick's window when it arrives. A fresh engine each round; the first ticks are warm-up (JIT) and not " +
  'recorded. Machine load is not controlled: other processes and GC pauses land in p99 and max';

function latencyResult(
  name: string,
  runs: readonly LatencyRun[],
  missing: string,
  target: (typeof TARGETS)[keyof typeof TARGETS],
): LatencyResult {
  const of = (f: (r: LatencyRun) => number) => runs.map(f);
  return {
    p50Us: figureOf(
      `tick-to-decision p50, ${name}`,
      'µs',
      of((r) => r.p50Us),
      missing,
    ),
    p99Us: figureOf(
      `tick-to-decision p99, ${name}`,
      'µs',
      of((r) => r.p99Us),
      missing,
      target,
    ),
    maxUs: figureOf(
      `tick-to-decision max, ${name}`,
      'µs',
      of((r) => r.maxUs),
      missing,
    ),
    decidedPct: figureOf(
      `ticks decided, ${name}`,
      '%',
      of((r) => r.decidedPct),
      missing,
    ),
  };
}

function featureRows(run: CollectedRun, missing: string): FeatureRow[] {
  return INDICATOR_CASES.map((c, i) => {
    const rates = run.features.rates[i] ?? [];
    const agreement = run.features.agreements[i];
    const ours = c.library === 'omni';
    const diff = agreement && !ours && Number.isFinite(agreement.maxAbsDiff) ? agreement.maxAbsDiff : null;
    return {
      indicator: c.indicator,
      library: c.library,
      note: c.note,
      updatesPerSec:
        rates.length > 0
          ? figureOf(`${c.indicator} ${c.library}`, 'updates/s', rates, missing)
          : notAvailable(`${c.indicator} ${c.library}`, 'updates/s', missing),
      maxAbsDiff: diff,
      compared: agreement?.compared ?? 0,
      agrees: ours || agreement === undefined ? null : diff !== null && diff <= AGREEMENT_TOLERANCE,
    };
  });
}

/** f over the rounds where both lists have a value (a failed round leaves the rest unpaired). */
function pairs(a: readonly number[], b: readonly number[], f: (x: number, y: number) => number): number[] {
  const n = Math.min(a.length, b.length);
  return Array.from({ length: n }, (_, i) => f(a[i] as number, b[i] as number));
}
