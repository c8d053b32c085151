import type { Figure } from './figures.js';
import type { BenchResults, EngineResult, LatencyResult } from './results.js';
import { ticksLabel } from './results.js';

/** A figure's value in its unit, for people: 12.2k, 1.23M, 3.40×, 446 MB. */
export function formatValue(value: number, unit: string): string {
  switch (unit) {
    case 'ticks/s':
    case 'updates/s':
    case 'windows/s':
      if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
      if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
      return value.toFixed(0);
    case '×':
      return `${value.toFixed(2)}×`;
    case '%':
      return `${value.toFixed(1)} %`;
    case 's':
      return `${value.toFixed(value < 10 ? 2 : 1)} s`;
    case 'MB':
      return `${value.toFixed(0)} MB`;
    case 'B/tick':
      return `${value.toFixed(value < 10 ? 1 : 0)} B`;
    case 'µs':
      return `${value.toFixed(value < 100 ? 1 : 0)} µs`;
    default:
      return value.toPrecision(4);
  }
}

const unitSuffix = (unit: string): string =>
  ['ticks/s', 'updates/s', 'windows/s'].includes(unit) ? ` ${unit}` : '';

/** One table row: label, min, median, max, target, verdict (or why it is not available). */
function row(f: Figure): string {
  const target = f.target ? f.target.text : '—';
  if (f.status === 'not-available') return `| ${f.label} | not available: ${f.reason} | | | ${target} | — |`;
  const v = (x: number) => formatValue(x, f.unit);
  const verdict = f.verdict === null ? '—' : f.verdict === 'pass' ? '**pass**' : '**missed**';
  return `| ${f.label} | ${v(f.min)} | ${v(f.median)}${unitSuffix(f.unit)} | ${v(f.max)} | ${target} | ${verdict} |`;
}

const HEAD = '| figure | min | median | max | target (issue 14) | verdict |\n|---|---|---|---|---|---|';

function engineTable(e: EngineResult): string {
  return [
    `\`${e.command}\``,
    '',
    HEAD,
    ...[
      e.ticksPerSec,
      e.multipleOfParse,
      e.seconds,
      e.peakRssMb,
      e.decisionsBytesPerTick,
      e.journalBytesPerTick,
    ].map(row),
  ].join('\n');
}

function latencyRows(l: LatencyResult): string {
  return [l.p50Us, l.p99Us, l.maxUs, l.decidedPct].map(row).join('\n');
}

/** RESULTS.md: every figure of results.json, with the machine, the commit and the issue's targets. */
export function renderResults(r: BenchResults): string {
  const s = r.sections;
  const m = r.machine;
  const gib = (m.ramBytes / 2 ** 30).toFixed(1);
  const dirty =
    r.commit.dirtyFiles > 0 ? ` (the working tree differed from it in ${r.commit.dirtyFiles} files)` : '';
  const features = s.features.rows.map((f) => {
    const u = f.updatesPerSec;
    const speed =
      u.status === 'measured'
        ? `${formatValue(u.min, u.unit)} | ${formatValue(u.median, u.unit)} | ${formatValue(u.max, u.unit)}`
        : `not available: ${u.reason} | |`;
    const diff =
      f.library === 'omni'
        ? 'reference'
        : f.maxAbsDiff === null
          ? 'misaligned'
          : f.maxAbsDiff.toExponential(1);
    const agrees = f.agrees === null ? '—' : f.agrees ? 'yes' : '**no**';
    return `| ${f.indicator} | ${f.library} | ${speed} | ${diff} | ${agrees} | ${f.note} |`;
  });
  const summary = [
    s.momentum.ticksPerSec,
    s.onnx.ticksPerSec,
    s.momentum.multipleOfParse,
    s.momentum.decisionsBytesPerTick,
    s.memory.peakRssMain,
    s.memory.peakRssBig,
    s.memory.growthPct,
    s.workers.speedup,
    s.latency.momentum.p99Us,
    s.latency.onnx.p99Us,
  ];
  return `# Benchmark results

Written by \`pnpm bench\` (bench/README.md says what each figure is and how it is measured). Every figure is
min / median / max over ${r.options.runs} run${r.options.runs === 1 ? '' : 's'}, all measured side by side in one run of the
command: each round runs every section once, in turn.${r.options.quick ? '\n\n**Smoke run (`--quick`): tiny sizes, not figures to quote.**' : ''}

| | |
|---|---|
| commit | \`${r.commit.sha}\` ${r.commit.subject}${dirty} |
| measured | ${r.measuredAt}, ${(r.durationSec / 60).toFixed(1)} min for the whole run |
| CPU | ${m.cpuModel}, ${m.cores} cores (${m.availableParallelism} available to Node) |
| RAM | ${gib} GiB |
| OS | ${m.os} |
| Node | ${m.node} |
| data | seeded random walk \`timestamp,price\`, one tick a second: ${r.data.main.ticks.toLocaleString('en-US')} ticks (seed ${r.data.main.seed}, ${(r.data.main.bytes / 1e6).toFixed(1)} MB)${r.data.big ? `; ${r.data.big.ticks.toLocaleString('en-US')} ticks for the memory run` : ''} |
| skipped | ${r.options.skip.length > 0 ? r.options.skip.join(', ') : 'nothing'} |
${r.problems.length > 0 ? `\n**Problems:**\n${r.problems.map((p) => `- ${p}`).join('\n')}\n` : ''}
## The issue's targets

${HEAD}
${summary.map(row).join('\n')}

## (a) Parse-and-iterate loop

${s.parse.what}.

${HEAD}
${row(s.parse.ticksPerSec)}
${row(s.parse.seconds)}

## (b) The whole engine, momentum model

Wall time of the built CLI (\`apps/runner/dist/cli.js\`) as a child process: Node start-up, reading the file,
the backtest with settlement and journals, and the report. "time ÷ parse loop" pairs each round's engine run
with the same round's parse loop.

${engineTable(s.momentum)}

## (c) The whole engine, bundled ONNX model

${engineTable(s.onnx)}

## (d) Indicators: ours against trading-signals and technicalindicators

Over the same ${ticksLabel(r.data.main.ticks)} prices (ATR: one bar per price, high/low of it and the price before). max |Δ| is
against our output at the same input; they agree when it is ≤ ${s.features.tolerance.toExponential(0)}.

| indicator | library | min | median | max (updates/s) | max \\|Δ\\| vs ours | agrees | how |
|---|---|---|---|---|---|---|---|
${features.join('\n')}

## (e) ONNX inference

\`ONNXSequenceAdapter\` with \`${s.inference.model}\` (normalisation and the async hop included), windows of the walk.

${HEAD}
${row(s.inference.batch1)}
${row(s.inference.batch1024)}

## (f) 1 vs 2 workers

\`${s.workers.command}\`

${HEAD}
${row(s.workers.oneWorkerSec)}
${row(s.workers.twoWorkersSec)}
${row(s.workers.speedup)}

## (g) Memory

Peak RSS of \`${s.memory.command}\` (the child's own \`process.resourceUsage().maxRSS\`); growth pairs each
round's two runs. The last row is the throughput of the long run, to compare with (b).

${HEAD}
${row(s.memory.peakRssMain)}
${row(s.memory.peakRssBig)}
${row(s.memory.growthPct)}
${row(s.memory.ticksPerSecBig)}

## (h) Tick-to-decision latency, live and shadow

${s.latency.what}. ${s.latency.ticks.toLocaleString('en-US')} ticks a run, the first ${s.latency.warmup.toLocaleString('en-US')} not recorded;
p50, p99 and max are per run, over its recorded ticks, and each figure is min / median / max of them over the runs.
"ticks decided" = the runtime's decisions ÷ the recorded ticks.

${HEAD}
${latencyRows(s.latency.momentum)}
${latencyRows(s.latency.onnx)}

## (i) Peers — their published figures, not measured here

None of these engines was run on this machine; the figures are theirs, quoted as issue 14 quotes them,
for a different workload and language.

| engine | their figure | unit | source | note |
|---|---|---|---|---|
${s.peers.map((p) => `| ${p.engine} | ${p.figure} | ${p.unit} | [${p.source.text}](${p.source.url}) | ${p.note} |`).join('\n')}
`;
}
