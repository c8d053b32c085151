import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

const root = resolve(import.meta.dirname);

/** The folders that hold workspace packages (as in pnpm-workspace.yaml). */
const PACKAGE_FOLDERS = ['packages', 'packages/venues'];

/**
 * Maps every workspace package (`@omni/core`, `@omni/venue-binance`...) to its `src/index.ts`, by
 * the name in its package.json, so tests run against the source of sibling packages (no stale
 * `dist/`), while builds and consumers still resolve the published `exports`.
 */
function workspaceAliases(): Record<string, string> {
  const aliases: Record<string, string> = {};
  for (const folder of PACKAGE_FOLDERS) {
    const dir = join(root, folder);
    if (!existsSync(dir)) continue;
    for (const entryName of readdirSync(dir)) {
      const manifest = join(dir, entryName, 'package.json');
      const entry = join(dir, entryName, 'src', 'index.ts');
      if (!existsSync(manifest) || !existsSync(entry)) continue;
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string };
      aliases[name] = entry;
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
