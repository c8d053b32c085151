import { describe, expect, it } from 'vitest';
import { errorLines } from './child-run.js';
import { BenchError } from './errors.js';
import { oneLine } from './harness.js';

describe('a failed section in RESULTS.md', () => {
  it('keeps what a child said about its error and drops the stack', () => {
    const stderr = [
      'node:internal/modules/esm/resolve:952',
      "Error [ERR_MODULE_NOT_FOUND]: Cannot find module '/x/dist/index.js'",
      '    at moduleResolve (node:internal/modules/esm/resolve:952:10)',
      '    at defaultResolve (node:internal/modules/esm/resolve:1188:11) {',
      "  code: 'ERR_MODULE_NOT_FOUND',",
      '}',
      '',
      'Node.js v20.20.2',
    ].join('\n');
    expect(errorLines(stderr)).toEqual([
      'node:internal/modules/esm/resolve:952',
      "Error [ERR_MODULE_NOT_FOUND]: Cannot find module '/x/dist/index.js'",
      "code: 'ERR_MODULE_NOT_FOUND',",
    ]);
  });

  it('is one line: the short message, then the details', () => {
    const err = new BenchError(
      'BENCH_CHILD_FAILED',
      'omni backtest exited with 1',
      {},
      { details: ['a', 'b'] },
    );
    expect(oneLine(err)).toBe('omni backtest exited with 1 ⏎ a ⏎ b');
    expect(oneLine(new Error('x\n  y'))).toBe('x ⏎ y');
  });
});
