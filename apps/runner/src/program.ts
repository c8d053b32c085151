import { readFileSync } from 'node:fs';
import { isOmniError, type OmniConfig, type OmniConfigInput } from '@omni/core';
import { Command } from 'commander';
import { type ConfigFlags, integer, loadCliConfig, nonNegative, positive } from './cli-args.js';
import { type CliIo, EXIT } from './cli-io.js';
import { formatAnalysis, runAnalyze } from './commands/analyze.js';
import { auditJson, formatAudit, runAuditVerify } from './commands/audit.js';
import { formatBacktestSummary, runBacktest } from './commands/backtest.js';
import { formatBacktestSymbols, runBacktestSymbols } from './commands/backtest-symbols.js';
import { formatChecklist, runCheck } from './commands/check.js';
import { registerDataCommands } from './commands/data-download.js';
import {
  formatModelList,
  formatPromote,
  runModelList,
  runModelPromote,
  runModelRollback,
} from './commands/model.js';
import { runReport } from './commands/report.js';
import { registerSafetyCommands } from './commands/safety-program.js';
import { registerSweepCommand } from './commands/sweep-program.js';
import { runTrain } from './commands/train.js';
import {
  checkTrainFlags,
  formatTrainFromJournal,
  runTrainFromJournal,
} from './commands/train-from-journal.js';
import { registerWorkerCommand } from './commands/worker-program.js';
import { registerLiveCommands } from './program-live.js';

/**
 * Builds the `omni` command tree. Every action resolves to an exit code; errors are printed by
 * {@link runCli} with their code and context, never with a stack or a secret.
 */
/** The output of `--json`: one JSON object, indented like every other `--json` of omni. */
const json = (value: unknown): string => JSON.stringify(value, null, 2);

export function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const configFrom = (flags: ConfigFlags, overrides?: OmniConfigInput): OmniConfig =>
    loadCliConfig(io, flags, overrides);
  const program = new Command();
  program
    .name('omni')
    .description(
      'Omni-Trifecta: one brain trading spot, binary options and DEX arbitrage (default mode: shadow).',
    )
    .version(runnerVersion(), '-V, --version', 'the version of omni')
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride();

  program
    .command('backtest')
    .description(
      'backtest the whole engine on bundled real FX data or your own file; writes journals, summary.json and report.html',
    )
    .option(
      '--data <file>',
      'CSV or JSONL with timestamp and price (or bid and ask); default: bundled EURUSD daily',
    )
    .option(
      '--symbol <symbol>',
      'bundled pair (EURUSD, GBPUSD, USDJPY, USDCHF, AUDUSD, USDCAD) or the symbol of --data',
    )
    .option('--from <date>', 'first timestamp to trade (ISO 8601 or epoch ms)')
    .option('--to <date>', 'last timestamp to trade (ISO 8601 or epoch ms)')
    .option('--config <file>', 'JSON config file (see docs/configuration.md)')
    .option('--seed <n>', 'seed of the run', integer)
    .option('--out <dir>', 'output directory', 'omni-runs/latest')
    .option('--model <file>', 'ONNX sequence model (default: SEQ_MODEL_ONNX or the bundled model)')
    .option('--momentum-only', 'do not load an ONNX model; use the momentum sequence model')
    .option(
      '--retrain-every <period>',
      'walk-forward retraining of the sequence model on the prices seen so far, every <n><unit> (ms, s, min, h, d, w, mo = 30 days, y = 365 days), e.g. 1y, 6mo, 90d; a bare m is refused (minutes or months?)',
    )
    .option(
      '--operator-review <policy>',
      'who lifts a tripped cooldown: next-session (a modelled operator resets it at the start of the next trading session, journaled) or never',
      'next-session',
    )
    .option('--quiet', 'no progress output')
    .option(
      '--symbols <list>',
      'several symbols, each its own backtest into <out>/<SYMBOL>/ (bundled pairs, or <SYMBOL>.csv files of a --data folder), e.g. EURUSD,GBPUSD',
    )
    .option(
      '--workers <n>',
      '--symbols: worker threads (default: one per symbol, at most one per core)',
      integer,
    )
    .option('--json', '--symbols: print the combined summary as JSON')
    .action(async (flags) => {
      const config = configFrom(flags, { mode: 'backtest' });
      if (flags.symbols !== undefined || flags.workers !== undefined || flags.json) {
        const summary = await runBacktestSymbols(config, flags, io);
        io.out(flags.json ? JSON.stringify(summary, null, 2) : formatBacktestSymbols(summary));
        setExit(EXIT.ok);
        return;
      }
      const result = await runBacktest(config, flags, io);
      io.out(formatBacktestSummary(result));
      setExit(EXIT.ok);
    });

  program
    .command('analyze')
    .description('Fibonacci analysis of a series: swings, levels, zones, Elliott counts, harmonic patterns')
    .option('--data <file>', 'CSV or JSONL price file; default: bundled EURUSD daily')
    .option('--symbol <symbol>', 'bundled pair or the symbol of --data')
    .option('--from <date>', 'first timestamp (ISO 8601 or epoch ms)')
    .option('--to <date>', 'last timestamp (ISO 8601 or epoch ms)')
    .option('--atr-multiple <n>', 'swing size in ATR(14) multiples', positive, 3)
    .option('--json', 'print JSON instead of tables')
    .action(async (flags) => {
      const result = await runAnalyze(flags);
      io.out(flags.json ? JSON.stringify(result, null, 2) : formatAnalysis(result));
      setExit(EXIT.ok);
    });

  program
    .command('shadow')
    .description('run the engine in shadow mode: real prices, simulated fills, no real orders')
    .option('--feed <kind>', 'replay (default) | binance (an alias of --venue binance)')
    .option('--venue <name>', 'a live venue from `omni venues` (binance, mt5) instead of a replay')
    .option(
      '--venue-config <json>',
      "the venue's settings as JSON, e.g. '{\"port\":5555}' for mt5 (see omni venues)",
    )
    .option('--data <file>', 'replay: CSV or JSONL file; default: bundled EURUSD daily')
    .option(
      '--symbol <symbol>',
      'replay: bundled pair; a venue: its symbol, such as btcusdt (binance) or EURUSD (mt5)',
    )
    .option('--speed <x>', 'replay speed: 0 = as fast as possible, 1 = real time', Number, 0)
    .option('--binance-url <url>', 'binance: WebSocket base URL (same as --venue-config \'{"baseUrl":URL}\')')
    .option('--config <file>', 'JSON config file')
    .option('--seed <n>', 'seed of the run', integer)
    .option('--out <dir>', 'output directory', 'omni-runs/shadow')
    .option('--max-ticks <n>', 'stop after this many ticks', integer)
    .option('--json', 'print the summary (as in summary.json) as JSON')
    .action(async (flags) => {
      const config = configFrom(flags, { mode: 'shadow' });
      const { runShadow } = await import('./commands/shadow.js');
      const result = await runShadow(config, flags, io);
      io.out(flags.json ? json(result) : formatBacktestSummary(result));
      setExit(EXIT.ok);
    });

  registerSafetyCommands(program, io, setExit, configFrom);
  registerLiveCommands(program, io, setExit, configFrom); // adds `safety allow-live`
  registerWorkerCommand(program, io, setExit);
  registerSweepCommand(program, io, setExit, configFrom);
  registerDataCommands(program, io, setExit);

  program
    .command('venues')
    .description('list the venues --venue can name: what each provides and the settings it takes')
    .option('--json', 'print JSON instead of text')
    .action(async (flags: { json?: boolean }) => {
      const { formatVenues, listVenues } = await import('./venues.js');
      const venues = listVenues();
      io.out(flags.json ? JSON.stringify(venues, null, 2) : formatVenues(venues));
      setExit(EXIT.ok);
    });

  program
    .command('check')
    .description('run the deployment checklist (credentials are shown as set/missing only)')
    .option('--config <file>', 'JSON config file')
    .option(
      '--venue <name>',
      "check for a live venue: only its markets' credentials are required (deriv, mt5)",
    )
    .option('--json', 'print JSON')
    .action(async (flags: ConfigFlags & { venue?: string; json?: boolean }) => {
      const venue =
        flags.venue === undefined ? undefined : (await import('./venues.js')).findVenue(flags.venue);
      const scope = venue
        ? {
            markets: venue.executorMarkets,
            venues: Object.fromEntries(venue.executorMarkets.map((m) => [m, venue.name])),
          }
        : {};
      const result = await runCheck(configFrom(flags), undefined, scope);
      io.out(flags.json ? JSON.stringify(result, null, 2) : formatChecklist(result));
      setExit(result.allPassed ? EXIT.ok : EXIT.failed);
    });

  program
    .command('train')
    .description(
      'train the sequence model on the bundled real FX data (same model as the learning script), or with --from-journal teach the learner state from a run',
    )
    .option('--out <file>', 'model path (default omni-runs/models/seq-<until>.onnx)')
    .option('--update-bundled', 'overwrite the model bundled with @omni/sequence (every run’s default)')
    .option('--seed <seed>', 'training seed')
    .option(
      '--until <date>',
      'last day of training data (YYYY-MM-DD); default 2014-12-31, so later backtests are out of sample',
    )
    .option(
      '--from-journal <dir>',
      'instead of training the model: replay a run folder’s trades and decisions into the regime and route learners of the learner state',
    )
    .option('--state <file>', '--from-journal: learner state file (default <logDir>/state/governor.json)')
    .option('--config <file>', '--from-journal: JSON config file (log dir, seed, engine costs)')
    .option('--json', 'print one JSON object instead of text')
    .action(async (flags) => {
      checkTrainFlags(flags);
      if (flags.fromJournal !== undefined) {
        const result = await runTrainFromJournal(configFrom({ config: flags.config }), {
          runDir: flags.fromJournal,
          ...(flags.state !== undefined ? { state: flags.state } : {}),
        });
        io.out(flags.json ? json(result) : formatTrainFromJournal(result));
        setExit(EXIT.ok);
        return;
      }
      const { path, bundled, report } = await runTrain({ ...flags, onProgress: (l: string) => io.err(l) });
      if (flags.json) {
        io.out(json({ path, bundled, report }));
        setExit(EXIT.ok);
        return;
      }
      const o = report.outOfSample;
      const use = bundled ? ' (the bundled default model)' : `; use it with --model ${path}`;
      io.out(
        `wrote ${path}${use}\nout-of-sample log loss: model ${o.model.logLoss.toFixed(4)}, always-up ${o.alwaysUp.logLoss.toFixed(4)}, momentum ${o.momentum.logLoss.toFixed(4)}\n${report.verdict}`,
      );
      setExit(EXIT.ok);
    });

  const model = program
    .command('model')
    .description(
      'sequence-model registry: list candidates and versions, promote one that beats the serving model, roll back',
    );
  model
    .command('list')
    .description(
      'the serving model, the registered versions with their holdout metrics, and unregistered candidates',
    )
    .option(
      '--dir <dir>',
      'models folder (omni train writes there; the registry is <dir>/registry)',
      'omni-runs/models',
    )
    .option(
      '--serving <file>',
      'serving model file runs load with SEQ_MODEL_ONNX (default <dir>/serving.onnx)',
    )
    .option('--json', 'print JSON instead of tables')
    .action((flags: { dir: string; serving?: string; json?: boolean }) => {
      const listing = runModelList(flags);
      io.out(flags.json ? JSON.stringify(listing, null, 2) : formatModelList(listing));
      setExit(EXIT.ok);
    });
  model
    .command('promote')
    .description(
      'score a candidate and the serving model on the same holdout (bundled FX pairs) and serve the candidate only if its log loss is lower',
    )
    .argument('<candidate>', 'model file, or the name of a model in the models folder')
    .option('--dir <dir>', 'models folder (the registry is <dir>/registry)', 'omni-runs/models')
    .option(
      '--serving <file>',
      'serving model file runs load with SEQ_MODEL_ONNX (default <dir>/serving.onnx)',
    )
    .option(
      '--holdout-from <date>',
      'first day of the holdout (YYYY-MM-DD); default 2015-01-01, after the bundled model’s data',
    )
    .option(
      '--min-improvement <logloss>',
      'log loss the candidate must beat the serving model by',
      nonNegative,
      0,
    )
    .option('--json', 'print one JSON object instead of text')
    .action(
      async (
        candidate: string,
        flags: {
          dir: string;
          serving?: string;
          holdoutFrom?: string;
          minImprovement: number;
          json?: boolean;
        },
      ) => {
        const result = await runModelPromote(candidate, flags);
        io.out(flags.json ? json(result) : formatPromote(result));
        setExit(EXIT.ok);
      },
    );
  model
    .command('rollback')
    .description('serve the previously serving registered version again')
    .option('--dir <dir>', 'models folder (the registry is <dir>/registry)', 'omni-runs/models')
    .option('--serving <file>', 'serving model file (default <dir>/serving.onnx)')
    .option('--json', 'print one JSON object instead of text')
    .action((flags: { dir: string; serving?: string; json?: boolean }) => {
      const { servingPath, restored } = runModelRollback(flags);
      io.out(
        flags.json
          ? json({ servingPath, restored })
          : `rolled back: version ${restored.version} (${restored.source}, holdout log loss ${restored.metrics.logLoss.toFixed(5)}) serves again at ${servingPath}`,
      );
      setExit(EXIT.ok);
    });

  program
    .command('report')
    .description('re-render report.html of a run directory from its journals')
    .argument('<dir>', 'run directory')
    .option('--json', 'print one JSON object instead of text')
    .action(async (dir: string, flags: { json?: boolean }) => {
      const file = await runReport(dir);
      io.out(flags.json ? json({ file }) : `wrote ${file}`);
      setExit(EXIT.ok);
    });

  const audit = program.command('audit').description('decision audit trail');
  audit
    .command('verify')
    .description('verify the hash chain and the closing seal of a run directory decisions.jsonl')
    .argument('<dir>', 'run directory or decisions.jsonl')
    .option('--allow-unsealed', 'accept an unsealed trail (a run still going) if its chain is intact')
    .option('--json', 'print JSON instead of a sentence')
    .action(async (target: string, flags: { allowUnsealed?: boolean; json?: boolean }) => {
      const report = await runAuditVerify(target, flags);
      io.out(flags.json ? JSON.stringify(auditJson(report), null, 2) : formatAudit(report));
      setExit(report.passed ? EXIT.ok : EXIT.failed);
    });

  return program;
}

/** The version in the runner's package.json (one level above both src/ and dist/). */
export function runnerVersion(): string {
  try {
    const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
    const version = (JSON.parse(text) as { version?: unknown }).version;
    return typeof version === 'string' && version !== '' ? version : 'unknown';
  } catch {
    return 'unknown'; // a copy of the CLI without its package.json beside it
  }
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    const e = err as { code?: string; exitCode?: number };
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT.ok;
      return EXIT.badInput;
    }
    if (isOmniError(err)) {
      io.err(`error: ${err.message}`);
      const badInput =
        err.code.startsWith('CONFIG_') ||
        err.code.startsWith('FEED_') ||
        err.code === 'RUNTIME_BAD_INPUT' ||
        err.code === 'SWEEP_QUEUE_BAD_URL' ||
        err.code === 'SWEEP_BAD_GRID' ||
        err.code.startsWith('DATA_');
      return badInput ? EXIT.badInput : EXIT.failed;
    }
    io.err(`error: ${err instanceof Error ? err.message : String(err)}`);
    return EXIT.failed;
  }
  return code;
}

export { type CliIo, EXIT } from './cli-io.js';
