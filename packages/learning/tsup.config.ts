import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // defaultModelPath() uses import.meta.url; the shim makes it work in the CJS build too.
  shims: true,
});
