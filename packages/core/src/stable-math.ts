import { AnalysisError } from './errors.js';

/**
 * Powers that give the same bits on every supported Node version.
 *
 * V8 changed `Math.pow` (and so `**`) on Node 24: some fractional powers now differ from Node 20's
 * and 22's in the last bit (0.5 ** 1.5 is 0.35355339059327373 on 20, 0.3535533905932738 on 24). Any
 * such value that feeds a journal, a hash or a trained model makes results depend on the Node
 * version (issue 18). `Math.exp` and `Math.log` give identical bits on Node 20, 22 and 24 (checked
 * over 20k arguments each, and by `pnpm test:node-versions` through the journals), as do + − × ÷
 * and `Math.sqrt`, which IEEE 754 rounds exactly.
 */

/**
 * `base ** exponent` for a positive finite base, as `exp(exponent · ln base)`: the same bits on every
 * Node version, within a few ulps of `Math.pow` (relative error about |exponent · ln base| · 2⁻⁵³).
 * Integer exponents of a power of two are exact only as far as that bound goes: for exact integer
 * powers multiply out (see Adam's running products). A base ≤ 0 or not finite is an AnalysisError
 * `ANALYSIS_BAD_INPUT`.
 *
 * @example
 * stablePow(0.5, 1.5); // 0.3535533905932738 on Node 20, 22 and 24
 */
export function stablePow(base: number, exponent: number): number {
  if (!(base > 0) || !Number.isFinite(base)) {
    throw new AnalysisError('ANALYSIS_BAD_INPUT', 'stablePow needs a positive finite base', {
      base,
      exponent,
    });
  }
  if (exponent === 0 || base === 1) return 1;
  return Math.exp(exponent * Math.log(base));
}
