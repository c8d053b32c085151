import type { Options } from 'tsup';

/**
 * The build every library package shares (a package's `tsup.config.ts` is
 * `export default omniBuild()`): `src/index.ts` to ESM and CJS with type declarations and source
 * maps, for Node 20. `overrides` adds what one package needs, e.g. `{ shims: true }`.
 */
export function omniBuild(overrides: Options = {}): Options {
  return {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    ...overrides,
  };
}
