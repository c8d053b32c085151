import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

const root = resolve(import.meta.dirname);

/**
 * Maps every `@omni/<name>` to its `src/index.ts`, so tests run against the source of sibling
 * packages (no stale `dist/`), while builds and consumers still resolve the published `exports`.
 */
function workspaceAliases(): Record<string, string> {
  const aliases: Record<string, string> = {};
  const dir = join(root, 'packages');
  for (const name of readdirSync(dir)) {
    const entry = join(dir, name, 'src', 'index.ts');
    if (existsSync(entry)) aliases[`@omni/${name}`] = entry;
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
      ...overrides,
    },
  });
}
