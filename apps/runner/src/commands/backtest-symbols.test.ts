import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FeedError, ManualClock, RuntimeError } from '@omni/core';
import { bundledFxPath } from '@omni/feeds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { omni } from '../cli.fixture.js';
import {
  type BacktestSymbolsSummary,
  backtestWorkerEntry,
  parseSymbols,
  runBacktestSymbols,
} from './backtest-symbols.js';
import { BacktestSymbolsError, loadBacktestConfig, serializeError, symbolError } from './backtest-worker.js';

// `omni backtest --symbols` in-process through runCli: two bundled pairs over one year with the
// momentum model (quick). The worker threads load backtest-worker.ts from source (tsx, omni-source);
// one test builds the runner with tsup and runs dist/cli.js with dist/backtest-worker.js.

const WINDOW = ['--momentum-only', '--from', '2015-01-01', '--to', '2015-12-31', '--quiet'] as const;
const SYMBOLS = ['EURUSD', 'GBPUSD'] as const;
const runnerDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Every variable loadConfig reads, cleared so the developer's shell cannot leak in (workers inherit the env). */
const CONFIG_ENV = /^(OMNI_|MT5_|POCKET_|DEX_|MEV_|SEQ_MODEL_ONNX$)/;
const savedEnv: Record<string, string | undefined> = {};

/** Every file under `dir` (relative path → bytes). */
function readTree(dir: string, prefix = ''): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) for (const [k, v] of readTree(join(dir, entry.name), rel)) files.set(k, v);
    else files.set(rel, readFileSync(join(dir, entry.name)));
  }
  return files;
}

/** The files of `tree` under `<symbol>/`, keyed by file name. */
function symbolFiles(tree: Map<string, Buffer>, symbol: string): Map<string, Buffer> {
  return new Map(
    [...tree].filter(([k]) => k.startsWith(`${symbol}/`)).map(([k, v]) => [k.slice(symbol.length + 1), v]),
  );
}

let root: string;
let out: string;
let oneWorker: Map<string, Buffer>;
let twoWorkers: Map<string, Buffer>;
let jsonOut: BacktestSymbolsSummary;

beforeAll(async () => {
  for (const key of Object.keys(process.env)) {
    if (CONFIG_ENV.test(key)) {
      savedEnv[key] = process.env[key];
      delete process.env[key];
    }
  }
  root = mkdtempSync(join(tmpdir(), 'omni-symbols-'));
  process.env['OMNI_LOG_DIR'] = join(root, 'logs');
  out = join(root, 'multi');
  const single = await omni([
    'backtest',
    '--symbols',
    SYMBOLS.join(','),
    '--workers',
    '1',
    ...WINDOW,
    '--out',
    out,
  ]);
  expect(single.err).toBe('');
  expect(single.code).toBe(0);
  oneWorker = readTree(out);
  // The same --out again: a marked run folder is replaced as a whole.
  const two = await omni([
    'backtest',
    '--symbols',
    SYMBOLS.join(','),
    '--workers',
    '2',
    ...WINDOW,
    '--out',
    out,
    '--json',
  ]);
  expect(two.err).toBe('');
  expect(two.code).toBe(0);
  jsonOut = JSON.parse(two.out) as BacktestSymbolsSummary;
  twoWorkers = readTree(out);
  for (const symbol of SYMBOLS) {
    const plain = await omni([
      'backtest',
      '--symbol',
      symbol,
      ...WINDOW,
      '--out',
      join(root, `plain-${symbol}`),
    ]);
    expect(plain.code).toBe(0);
  }
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  delete process.env['OMNI_LOG_DIR'];
  for (const [key, value] of Object.entries(savedEnv)) if (value !== undefined) process.env[key] = value;
});

describe('omni backtest --symbols', () => {
  it('writes every symbol folder byte-identical with 1 and 2 workers', () => {
    for (const symbol of SYMBOLS) {
      const a = symbolFiles(oneWorker, symbol);
      const b = symbolFiles(twoWorkers, symbol);
      expect([...a.keys()].sort()).toEqual([
        '.omni-run',
        'alerts.jsonl',
        'counterfactual.jsonl',
        'decisions.jsonl',
        'report.html',
        'summary.json',
        'trades.jsonl',
      ]);
      expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
      for (const [name, bytes] of a) expect(b.get(name)?.equals(bytes), `${symbol}/${name}`).toBe(true);
      expect(a.get('trades.jsonl')?.length).toBeGreaterThan(0);
    }
  });

  it('runs each symbol as a plain omni backtest --symbol of the same window would', () => {
    for (const symbol of SYMBOLS) {
      const plain = readTree(join(root, `plain-${symbol}`));
      const multi = symbolFiles(twoWorkers, symbol);
      for (const name of ['trades.jsonl', 'decisions.jsonl', 'counterfactual.jsonl', 'report.html']) {
        expect(multi.get(name)?.equals(plain.get(name) ?? Buffer.alloc(0)), `${symbol}/${name}`).toBe(true);
      }
      // summary.json differs only in where the run folder is.
      const p = JSON.parse(String(plain.get('summary.json')));
      const m = JSON.parse(String(multi.get('summary.json')));
      expect(m.run.outDir).toBe(join(out, symbol));
      expect({ ...m, run: { ...m.run, outDir: p.run.outDir } }).toEqual(p);
    }
  });

  it('marks <out> and writes one summary row per symbol, in --symbols order, as --json prints it', () => {
    expect(twoWorkers.has('.omni-run')).toBe(true);
    const summary = JSON.parse(String(twoWorkers.get('summary.json'))) as BacktestSymbolsSummary;
    expect(summary).toEqual(jsonOut);
    expect(summary.kind).toBe('backtest-symbols');
    expect(summary.workers).toBe(2);
    expect(summary.symbols.map((r) => r.symbol)).toEqual([...SYMBOLS]);
    let trades = 0;
    for (const row of summary.symbols) {
      const own = JSON.parse(String(twoWorkers.get(`${row.symbol}/summary.json`)));
      expect(row).toMatchObject({
        ticks: own.ticks,
        trades: own.trades,
        pnl: own.pnl,
        profitFactor: own.profitFactor,
        winRate: own.winRate,
        decisions: own.run.decisions,
        outDir: join(out, row.symbol),
        data: bundledFxPath(row.symbol),
      });
      expect(row.ticks).toBe(own.funnel.ticks);
      expect(row.seconds).toBeGreaterThanOrEqual(0);
      trades += own.trades;
    }
    expect(summary.totals.trades).toBe(trades);
    expect(summary.totals.ticks).toBe(summary.symbols[0]!.ticks + summary.symbols[1]!.ticks);
  });

  it('prints one line per finished symbol and a table without --quiet', async () => {
    const run = await omni([
      'backtest',
      '--symbols',
      'EURUSD',
      '--momentum-only',
      '--from',
      '2015-01-01',
      '--to',
      '2015-06-30',
      '--out',
      join(root, 'loud'),
    ]);
    expect(run.code).toBe(0);
    expect(run.err).toMatch(/^\[1\/1\] EURUSD: \d+ trades, PnL -?\d+\.\d\d USD, \d+ ticks, \d+\.\d s$/);
    expect(run.out).toContain('1 symbols on 1 thread');
  });
});

describe('omni backtest --symbols failures', () => {
  /** A data folder with a good EURUSD.csv (2015) and a BAD.csv whose row 31 is malformed. */
  function dataDir(): string {
    const dir = mkdtempSync(join(root, 'data-'));
    const rows = readFileSync(bundledFxPath('EURUSD'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('2015-'));
    writeFileSync(join(dir, 'EURUSD.csv'), `timestamp,price\n${rows.join('\n')}\n`);
    const bad = [...rows];
    bad.splice(29, 1, '2015-02-12,1.1x4');
    writeFileSync(join(dir, 'BAD.csv'), `timestamp,price\n${bad.join('\n')}\n`);
    return dir;
  }

  /** Folders beside `dir` left by a run (`<name>.partial-<pid>`, `<name>.old-<pid>`). */
  function leftovers(dir: string): string[] {
    const name = dir.split('/').pop() ?? '';
    return readdirSync(dirname(dir)).filter((e) => e.startsWith(`${name}.`));
  }

  it('refuses an unknown bundled symbol by name before anything is written', async () => {
    const target = join(root, 'unknown');
    const run = await omni(['backtest', '--symbols', 'EURUSD,XXXUSD', ...WINDOW, '--out', target]);
    expect(run.code).toBe(2);
    expect(run.err).toContain('RUNTIME_BAD_INPUT');
    expect(run.err).toContain('XXXUSD');
    expect(existsSync(target)).toBe(false);
    expect(leftovers(target)).toEqual([]);
  });

  for (const workers of ['1', '2']) {
    it(`fails as a whole on a symbol whose data is bad, naming it, and keeps the previous <out> (--workers ${workers})`, async () => {
      const dir = dataDir();
      const target = join(root, `failing-${workers}`);
      const first = await omni([
        'backtest',
        '--symbols',
        'EURUSD',
        '--data',
        dir,
        ...WINDOW,
        '--out',
        target,
      ]);
      expect(first.code).toBe(0);
      const before = readTree(target);
      const run = await omni([
        'backtest',
        '--symbols',
        'EURUSD,BAD',
        '--data',
        dir,
        '--workers',
        workers,
        ...WINDOW,
        '--out',
        target,
      ]);
      expect(run.code).toBe(2);
      expect(run.err).toContain('[FEED_MALFORMED_ROW] BAD:');
      expect(run.err).toContain('symbol="BAD"');
      expect(run.err).toContain('BAD.csv:31');
      const after = readTree(target);
      expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
      for (const [name, bytes] of before) expect(after.get(name)?.equals(bytes), name).toBe(true);
      expect(leftovers(target)).toEqual([]);
    });
  }

  it('refuses a --data folder without the file of a symbol, naming the symbol', async () => {
    const run = await omni(['backtest', '--symbols', 'EURUSD,USDJPY', '--data', dataDir(), ...WINDOW]);
    expect(run.code).toBe(2);
    expect(run.err).toContain('no data file for USDJPY');
  });

  it('refuses --symbol with --symbols, --workers or --json without --symbols, and --workers 0', async () => {
    const cases = [
      ['--symbols', 'EURUSD', '--symbol', 'GBPUSD'],
      ['--workers', '2'],
      ['--json'],
      ['--symbols', 'EURUSD', '--workers', '0'],
      ['--symbols', 'EURUSD,eurusd'],
      ['--symbols', ' , '],
      ['--symbols', '../x'],
    ];
    for (const args of cases) {
      const run = await omni(['backtest', ...args, ...WINDOW, '--out', join(root, 'refused')]);
      expect(run.code, args.join(' ')).toBe(2);
    }
    expect(existsSync(join(root, 'refused'))).toBe(false);
  });
});

describe('symbol errors', () => {
  it('rebuilds an OmniError from a worker with its class and code, the symbol first in its context', () => {
    const original = new FeedError(
      'FEED_MALFORMED_ROW',
      'bad price',
      { file: 'x.csv', line: 3 },
      {
        details: ['fix it'],
      },
    );
    const err = symbolError('GBPUSD', serializeError(original));
    expect(err).toBeInstanceOf(FeedError);
    expect(err.code).toBe('FEED_MALFORMED_ROW');
    expect(err.shortMessage).toBe('GBPUSD: bad price');
    expect(err.context).toEqual({ symbol: 'GBPUSD', file: 'x.csv', line: 3 });
    expect(err.details).toEqual(['fix it']);
    expect(symbolError('X', serializeError(new RuntimeError('RUNTIME_BAD_INPUT', 'm')))).toBeInstanceOf(
      RuntimeError,
    );
  });

  it('turns any other error into BACKTEST_SYMBOL_FAILED naming the symbol', () => {
    const err = symbolError('USDJPY', serializeError(new TypeError('x is undefined')));
    expect(err).toBeInstanceOf(BacktestSymbolsError);
    expect(err.code).toBe('BACKTEST_SYMBOL_FAILED');
    expect(err.message).toContain('USDJPY: x is undefined');
  });

  it('parses --symbols upper-cased, in order', () => {
    expect(parseSymbols('eurusd, GBPUSD,,usdjpy')).toEqual(['EURUSD', 'GBPUSD', 'USDJPY']);
  });
});

describe('the worker entry', () => {
  it('is dist/backtest-worker.js beside the built CLI, and the .ts file through tsx from source', () => {
    expect(backtestWorkerEntry('file:///app/dist/cli.js')).toEqual({
      filename: '/app/dist/backtest-worker.js',
    });
    const source = backtestWorkerEntry(new URL('./backtest-symbols.ts', import.meta.url).href);
    expect(source.execArgv).toEqual(['--conditions=omni-source']);
    expect(decodeURIComponent(source.filename)).toContain('backtest-worker.ts');
  });

  it('runs from a tsup build of the runner: dist/cli.js on dist/backtest-worker.js threads writes what one thread writes', async () => {
    const build = mkdtempSync(join(tmpdir(), 'omni-runner-dist-'));
    try {
      // The build resolves its dependencies as an installed runner does: through the runner's node_modules.
      symlinkSync(join(runnerDir, 'node_modules'), join(build, 'node_modules'), 'dir');
      writeFileSync(join(build, 'package.json'), '{"type":"module"}\n');
      const tsupManifest = createRequire(import.meta.url).resolve('tsup/package.json');
      execFileSync(
        process.execPath,
        [join(dirname(tsupManifest), 'dist/cli-default.js'), '--out-dir', join(build, 'dist'), '--silent'],
        {
          cwd: runnerDir,
          stdio: 'pipe',
        },
      );
      expect(existsSync(join(build, 'dist', 'backtest-worker.js'))).toBe(true);
      // Built code runs on the packages' dist, which may be older than their sources in a dev
      // checkout, so the built CLI is compared with itself: one thread against two workers.
      const target = join(root, 'from-dist');
      const trees = ['1', '2'].map((workers) => {
        const printed = execFileSync(
          process.execPath,
          [
            join(build, 'dist', 'cli.js'),
            'backtest',
            '--symbols',
            SYMBOLS.join(','),
            '--workers',
            workers,
          ].concat([...WINDOW, '--out', target, '--json']),
          { stdio: 'pipe', env: process.env, encoding: 'utf8' },
        );
        expect((JSON.parse(printed) as BacktestSymbolsSummary).workers).toBe(Number(workers));
        return readTree(target);
      });
      const [one, two] = trees as [Map<string, Buffer>, Map<string, Buffer>];
      for (const symbol of SYMBOLS) {
        const a = symbolFiles(one, symbol);
        expect(a.get('trades.jsonl')?.length).toBeGreaterThan(0);
        expect([...symbolFiles(two, symbol).keys()].sort()).toEqual([...a.keys()].sort());
        for (const [name, bytes] of a) {
          expect(symbolFiles(two, symbol).get(name)?.equals(bytes), `${symbol}/${name}`).toBe(true);
        }
      }
    } finally {
      rmSync(build, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('runBacktestSymbols', () => {
  it('measures seconds with the injected clock', async () => {
    const summary = await runBacktestSymbols(
      loadBacktestConfig({}),
      {
        symbols: 'EURUSD',
        momentumOnly: true,
        from: '2015-01-01',
        to: '2015-03-31',
        out: join(root, 'clocked'),
      },
      { out: () => undefined, err: () => undefined, isTty: false },
      { clock: new ManualClock(1_000) },
    );
    expect(summary.symbols.map((r) => r.seconds)).toEqual([0]);
    expect(summary.totals.seconds).toBe(0);
    expect(summary.workers).toBe(1);
  });
});
