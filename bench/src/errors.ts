import { defineErrorArea } from '@omni/core';

/** The codes a benchmark run may raise. */
export const BenchErrorCodes = [
  'BENCH_BAD_OPTION',
  'BENCH_BAD_SAMPLE',
  'BENCH_NOT_BUILT',
  'BENCH_CHILD_FAILED',
  'BENCH_DATA_MISMATCH',
] as const;

/** A bad option, a missing build, a failed child run or a measurement that cannot be trusted. */
export class BenchError extends defineErrorArea('BenchError', BenchErrorCodes) {}
