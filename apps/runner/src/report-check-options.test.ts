import { describe, expect, it } from 'vitest';
import { reportCheckOptions } from './report-check-options.js';

const paths = { repoRoot: '/repo', outDir: '/tmp/omni-report-shot-1' };

describe('reportCheckOptions', () => {
  it('writes the screenshot to the run’s own folder by default and passes every argument to the backtest', () => {
    expect(reportCheckOptions(['--symbol', 'GBPUSD'], paths)).toEqual({
      backtestArgs: ['--symbol', 'GBPUSD'],
      screenshotPath: '/tmp/omni-report-shot-1/report-screenshot.png',
      updatesDocs: false,
    });
  });

  it('writes docs/report-screenshot.png only with --update-screenshot, which the backtest does not see', () => {
    expect(reportCheckOptions(['--symbol', 'GBPUSD', '--update-screenshot'], paths)).toEqual({
      backtestArgs: ['--symbol', 'GBPUSD'],
      screenshotPath: '/repo/docs/report-screenshot.png',
      updatesDocs: true,
    });
  });
});
