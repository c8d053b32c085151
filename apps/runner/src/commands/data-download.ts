import { relative, sep } from 'node:path';
import { type Clock, isOmniError, SystemClock } from '@omni/core';
import {
  BAD_INPUT_CODES,
  DataDownloadError,
  type DataDownloadErrorCode,
  type DownloadResult,
  downloadHistory,
  type Fetch,
  parseTimeframe,
  type Sleep,
  type SourceName,
  timeframeName,
} from '@omni/data-download';
import type { Command } from 'commander';
import { type CliIo, EXIT } from '../cli-io.js';
import { parseTimeBound } from '../data-source.js';
import { createDownloadProgress, SILENT_DOWNLOAD } from './data-download-progress.js';

/** Flags of `omni data download`. */
export interface DataDownloadFlags {
  readonly source: string;
  readonly symbol: string;
  readonly from: string;
  readonly to: string;
  readonly timeframe: string;
  readonly out?: string;
  readonly price?: string;
  readonly baseUrl?: string;
  readonly json?: boolean;
  readonly quiet?: boolean;
  readonly gzip?: boolean;
}

/** Environment settings of the API roots (a mirror, a proxy, a local fake). */
export const BASE_URL_ENV: Readonly<Record<SourceName, string>> = {
  binance: 'OMNI_BINANCE_REST_URL',
  dukascopy: 'OMNI_DUKASCOPY_URL',
};

/** What the command prints with --json. */
export interface DataDownloadReport {
  readonly source: SourceName;
  readonly timeframe: string;
  readonly from: string;
  readonly to: string;
  readonly files: readonly { symbol: string; path: string; rows: number; first: string; last: string }[];
  readonly rows: number;
  readonly chunks: DownloadResult['chunks'];
  /** The command that backtests what was downloaded. */
  readonly backtest: string;
}

/** Time and waits of a download (tests inject both; the CLI uses the wall clock and real waits). */
export interface DataDownloadDeps {
  readonly clock?: Clock;
  readonly sleep?: Sleep;
  readonly fetch?: Fetch;
  readonly cwd?: string;
}

/**
 * `omni data download`: intraday history from Dukascopy (FX ticks and candles) or Binance (crypto
 * klines) into `<out>/<SYMBOL>.csv`, resumable chunk by chunk, with progress on stderr.
 */
export async function runDataDownload(
  flags: DataDownloadFlags,
  io: CliIo,
  deps: DataDownloadDeps = {},
): Promise<DataDownloadReport> {
  const source = flags.source.toLowerCase();
  if (source !== 'dukascopy' && source !== 'binance') {
    throw new DataDownloadError('DATA_DOWNLOAD_BAD_OPTION', '--source must be dukascopy or binance', {
      source: flags.source,
    });
  }
  const price = flags.price?.toLowerCase();
  if (price !== undefined && price !== 'bid' && price !== 'ask') {
    throw new DataDownloadError('DATA_DOWNLOAD_BAD_OPTION', '--price must be bid or ask', {
      price: flags.price,
    });
  }
  const timeframe = parseTimeframe(flags.timeframe);
  const symbols = flags.symbol
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const fromMs = parseTimeBound(flags.from, '--from') as number;
  const toMs = parseTimeBound(flags.to, '--to') as number;
  const baseUrl = flags.baseUrl ?? process.env[BASE_URL_ENV[source]];
  const outDir = flags.out ?? `omni-data/${source}-${timeframeName(timeframe)}`;
  const reporter =
    flags.quiet || flags.json ? SILENT_DOWNLOAD : createDownloadProgress(io, `download ${source}`);
  let result: DownloadResult;
  try {
    result = await downloadHistory({
      source,
      symbols,
      timeframe,
      fromMs,
      toMs,
      outDir,
      ...(flags.gzip ? { gzip: true } : {}),
      clock: deps.clock ?? new SystemClock(),
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
      ...(baseUrl !== undefined && baseUrl !== '' ? { baseUrl } : {}),
      ...(price !== undefined ? { priceType: price } : {}),
      onProgress: (p) => reporter.chunk(p),
      onWait: (w) => reporter.wait(w),
    });
  } finally {
    reporter.stop();
  }
  const cwd = deps.cwd ?? process.cwd();
  const shown = (path: string) => {
    const rel = relative(cwd, path);
    return rel.startsWith('..') || rel === '' ? path : rel;
  };
  const files = result.files.map((f) => ({
    symbol: f.symbol,
    path: shown(f.path),
    rows: f.rows,
    first: new Date(f.firstTsMs).toISOString(),
    last: new Date(f.lastTsMs).toISOString(),
  }));
  const first = files[0];
  const folder = first ? first.path.slice(0, Math.max(0, first.path.lastIndexOf(sep))) || '.' : '.';
  const backtest =
    files.length === 1 && first
      ? `omni backtest --data ${shellWord(first.path)}`
      : `omni backtest --symbols ${files.map((f) => f.symbol).join(',')} --data ${shellWord(folder)}`;
  return {
    source,
    timeframe: result.timeframe,
    from: new Date(result.fromMs).toISOString(),
    to: new Date(result.toMs).toISOString(),
    files,
    rows: result.rows,
    chunks: result.chunks,
    backtest,
  };
}

/** A path as one shell word: quoted when it holds anything but plain path characters. */
function shellWord(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

/** The report as text: one line per file, then where the files are and how to backtest them. */
export function formatDataDownload(report: DataDownloadReport): string {
  const { chunks } = report;
  const lines = [
    `${report.source} ${report.timeframe} ${report.from} → ${report.to}: ${report.rows} rows (chunks: ${chunks.downloaded} downloaded, ${chunks.skipped} already on disk)`,
    ...report.files.map((f) => `  ${f.path}  ${f.rows} rows  ${f.first} → ${f.last}`),
    `backtest: ${report.backtest}`,
  ];
  return lines.join('\n');
}

/** True for a download error that is not the user's input: exit 1, and a rerun resumes. */
function isSourceFailure(err: unknown): err is DataDownloadError {
  return (
    isOmniError(err) &&
    err.code.startsWith('DATA_DOWNLOAD_') &&
    !BAD_INPUT_CODES.includes(err.code as DataDownloadErrorCode)
  );
}

/** Registers `omni data download` (the `data` group: getting price history). */
export function registerDataCommands(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('data')
    .description('price data: download intraday history into files omni backtest --data reads')
    .command('download')
    .description(
      'download FX ticks/candles (dukascopy) or crypto klines (binance) into <out>/<SYMBOL>.csv; resumable: a rerun fetches only missing chunks',
    )
    .requiredOption('--source <name>', 'dukascopy (FX, metals, indices, CFDs) or binance (spot klines)')
    .requiredOption(
      '--symbol <list>',
      'one or more, comma-separated: EURUSD,GBPUSD (dukascopy), BTCUSDT (binance)',
    )
    .requiredOption('--from <date>', 'first timestamp (ISO 8601, no zone = UTC, or epoch ms)')
    .requiredOption('--to <date>', 'end, exclusive (ISO 8601 or epoch ms); cut to now')
    .option(
      '--timeframe <tf>',
      'tick (dukascopy), or a candle length: 1s, 1min, 5min, 15min, 1h, 4h, 1d…',
      '1min',
    )
    .option('--out <dir>', 'output folder (default omni-data/<source>-<timeframe>)')
    .option('--price <side>', 'dukascopy candles: bid (default) or ask')
    .option(
      '--base-url <url>',
      `API root instead of the source's own (or ${BASE_URL_ENV.binance} / ${BASE_URL_ENV.dukascopy})`,
    )
    .option('--gzip', 'write <SYMBOL>.csv.gz (gzip) instead of .csv; backtests read either')
    .option('--quiet', 'no progress output')
    .option('--json', 'print one JSON object (files, rows, chunks downloaded/skipped)')
    .action(async (flags: DataDownloadFlags) => {
      try {
        const report = await runDataDownload(flags, io);
        io.out(flags.json ? JSON.stringify(report, null, 2) : formatDataDownload(report));
        setExit(EXIT.ok);
      } catch (err) {
        if (!isSourceFailure(err)) throw err;
        io.err(`error: ${err.message}`);
        io.err('the chunks finished so far are kept: run the same command again to resume');
        setExit(EXIT.failed);
      }
    });
}
