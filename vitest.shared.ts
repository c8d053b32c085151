import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

const root = resolve(import.meta.dirname);

/** The folders that hold workspace packages (as in pnpm-workspace.yaml). */
const PACKAGE_FOLDERS = ['packages', 'packages/venues'];

/** One alias: an exact import specifier and the source file it resolves to in tests. */
interface Alias {
  readonly find: RegExp;
  readonly replacement: string;
}

type Exports = Record<string, string | Record<string, unknown>>;

/**
 * Maps every workspace package (`@omni/core`, `@omni/venue-binance`...) and each of its subpath
 * exports (`@omni/venue-deriv/testing`) to its source file — the `omni-source` condition of its
 * package.json `exports`, else `src/index.ts` — so tests run against the source of sibling packages
 * (no stale `dist/`), while builds and consumers still resolve the published `exports`. Specifiers
 * match exactly, so a package name is never taken for the prefix of a subpath.
 */
function workspaceAliases(): Alias[] {
  const aliases: Alias[] = [];
  const exact = (specifier: string): RegExp =>
    new RegExp(`^${specifier.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`);
  for (const folder of PACKAGE_FOLDERS) {
    const dir = join(root, folder);
    if (!existsSync(dir)) continue;
    for (const entryName of readdirSync(dir)) {
      const pkgDir = join(dir, entryName);
      const manifest = join(pkgDir, 'package.json');
      if (!existsSync(manifest)) continue;
      const { name, exports } = JSON.parse(readFileSync(manifest, 'utf8')) as {
        name: string;
        exports?: Exports;
      };
      for (const [key, target] of Object.entries(exports ?? {})) {
        const source = typeof target === 'object' ? target['omni-source'] : undefined;
        if (typeof source !== 'string') continue;
        aliases.push({ find: exact(name + key.slice(1)), replacement: join(pkgDir, source) });
      }
      const index = join(pkgDir, 'src', 'index.ts');
      if (!aliases.some((a) => a.find.test(name)) && existsSync(index))
        aliases.push({ find: exact(name), replacement: index });
    }
  }
  return aliases;
}

/** The shared vitest project settings every package uses from its own `vitest.config.ts`. */
export function omniProject(name: string, overrides: UserWorkspaceConfig['test'] = {}): UserWorkspaceConfig {
  return defineProject({
    resolve: { alias: workspaceAliases() },
    test: {
      name,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      environment: 'node',
      testTimeout: 30_000,
      // beforeAll hooks run whole backtests: generous on a busy 2-core machine (no timing is asserted).
      hookTimeout: 180_000,
      ...overrides,
    },
  });
}
