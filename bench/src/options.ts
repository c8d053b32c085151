import { BenchError } from './errors.js';

/** The sections of one `pnpm bench` run, in the order they run within each round. */
export const SECTION_IDS = [
  'parse',
  'momentum',
  'onnx',
  'features',
  'inference',
  'workers',
  'big',
  'latency',
] as const;
/**
 * One section: (a) parse, (b) momentum, (c) onnx, (d) features, (e) inference, (f) workers, (g) big =
 * 10M-tick memory run, (h) latency = tick-to-decision latency of the engine fed one tick at a time.
 */
export type SectionId = (typeof SECTION_IDS)[number];

/** What one run of the harness measures and where it writes. */
export interface BenchOptions {
  /** Runs of every figure (min/median/max are over these). */
  readonly runs: number;
  /** Ticks of the main random walk: the parse loop, both engines, the features and the inference windows. */
  readonly ticks: number;
  /** Ticks of the second walk, for the memory growth of the momentum engine (section `big`). */
  readonly big: number;
  /** Ticks per run of the latency section (the first of the main walk; the first 2,000 are warm-up). */
  readonly latencyTicks: number;
  /** Smoke mode: tiny sizes, results to a temp folder unless `outDir` is given. */
  readonly quick: boolean;
  /** Where RESULTS.md and results.json go; undefined = bench/ (or a temp folder with --quick). */
  readonly outDir: string | undefined;
  readonly skip: ReadonlySet<SectionId>;
  /** Predictions per run at batch 1, and batches of 1,024 per run (section `inference`). */
  readonly inferenceSingles: number;
  readonly inferenceBatches: number;
  readonly help: boolean;
}

/** The full run: 5 runs, 1M ticks, 10M for the memory run. */
export const DEFAULTS = { runs: 5, ticks: 1_000_000, big: 10_000_000, latencyTicks: 20_000 } as const;
/** The smoke run (`--quick`): seconds, for CI. Sizes only; nothing is skipped. */
export const QUICK = { runs: 1, ticks: 3_000, big: 6_000, latencyTicks: 1_500 } as const;

export const USAGE = `usage: pnpm bench [options]   (from the repo root; the packages are built first)

  --runs N      runs of every figure; min/median/max are over them (default ${DEFAULTS.runs}, --quick ${QUICK.runs})
  --ticks N     ticks of the random walk for the parse loop, engines, features and inference (default 1,000,000)
  --big N       ticks of the walk for the memory run (default 10,000,000)
  --latency-ticks N
                ticks per run of the latency section, the walk's first (default 20,000, --quick ${QUICK.latencyTicks.toLocaleString('en-US')})
  --skip LIST   sections to leave out, comma-separated: ${SECTION_IDS.join(', ')}
  --quick       smoke run: ${QUICK.ticks.toLocaleString('en-US')} / ${QUICK.big.toLocaleString('en-US')} ticks, ${QUICK.runs} runs; writes to a temp folder unless --out
  --out DIR     where RESULTS.md and results.json go (default: bench/)
  --help        this text

Progress goes to stderr; the last line on stdout names the files written.`;

/**
 * Parses the harness's arguments (`--runs 5` or `--runs=5`; numbers may carry `_` or `,` separators).
 * Throws BenchError `BENCH_BAD_OPTION` naming the option and what it takes.
 */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') continue;
    if (!arg.startsWith('--')) throw badOption(arg, 'is not an option; see --help');
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (name === 'quick' || name === 'help') {
      flags.add(name);
      continue;
    }
    if (!['runs', 'ticks', 'big', 'latency-ticks', 'skip', 'out'].includes(name))
      throw badOption(arg, 'is not an option; see --help');
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined || value === '') throw badOption(`--${name}`, 'needs a value');
    values.set(name, value);
  }
  const quick = flags.has('quick');
  const base = quick ? QUICK : DEFAULTS;
  const skip = new Set<SectionId>();
  for (const id of (values.get('skip') ?? '').split(',').map((s) => s.trim())) {
    if (id === '') continue;
    if (!(SECTION_IDS as readonly string[]).includes(id)) {
      throw badOption('--skip', `takes ${SECTION_IDS.join(', ')}; got ${id}`);
    }
    skip.add(id as SectionId);
  }
  const ticks = count(values.get('ticks'), '--ticks', base.ticks, 200);
  return {
    runs: count(values.get('runs'), '--runs', base.runs, 1),
    ticks,
    big: count(values.get('big'), '--big', base.big, 200),
    latencyTicks: count(values.get('latency-ticks'), '--latency-ticks', base.latencyTicks, 200),
    quick,
    outDir: values.get('out'),
    skip,
    inferenceSingles: quick ? 200 : 5_000,
    inferenceBatches: quick ? 2 : 20,
    help: flags.has('help'),
  };
}

function count(text: string | undefined, option: string, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const n = Number(text.replace(/[_,]/g, ''));
  if (!Number.isInteger(n) || n < min) throw badOption(option, `takes a whole number >= ${min}; got ${text}`);
  return n;
}

function badOption(option: string, what: string): BenchError {
  return new BenchError('BENCH_BAD_OPTION', `${option} ${what}`, { option });
}
