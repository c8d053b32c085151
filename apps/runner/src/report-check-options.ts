import { join, resolve } from 'node:path';

/** The flag of `pnpm test:report` that refreshes the tracked docs/report-screenshot.png. */
export const UPDATE_SCREENSHOT_FLAG = '--update-screenshot';

/** What `pnpm test:report` does with its arguments. */
export interface ReportCheckOptions {
  /** Arguments passed on to `omni backtest`. */
  readonly backtestArgs: readonly string[];
  /** Where the screenshot goes. */
  readonly screenshotPath: string;
  /** Whether that is the tracked docs/report-screenshot.png. */
  readonly updatesDocs: boolean;
}

/**
 * Splits the report check's arguments: `--update-screenshot` writes the screenshot to the tracked
 * `docs/report-screenshot.png` of `repoRoot`; without it the screenshot goes to `outDir` (a folder of
 * this run), so a routine check never rewrites a tracked file. Every other argument goes to the backtest.
 */
export function reportCheckOptions(
  args: readonly string[],
  paths: { readonly repoRoot: string; readonly outDir: string },
): ReportCheckOptions {
  const updatesDocs = args.includes(UPDATE_SCREENSHOT_FLAG);
  return {
    backtestArgs: args.filter((a) => a !== UPDATE_SCREENSHOT_FLAG),
    screenshotPath: updatesDocs
      ? resolve(paths.repoRoot, 'docs', 'report-screenshot.png')
      : join(paths.outDir, 'report-screenshot.png'),
    updatesDocs,
  };
}
