import { defineErrorArea } from '@omni/core';

/**
 * Errors of `omni sweep`: `SWEEP_BAD_GRID` (the grid file or a sweep flag is refused before any
 * run; the context names the file and the field), `SWEEP_RUN_FAILED` (one run of the sweep failed;
 * the context names its index, symbol and window).
 */
export class SweepError extends defineErrorArea('SweepError', ['SWEEP_BAD_GRID', 'SWEEP_RUN_FAILED']) {}
