import { defineConfig } from 'vitest/config';

/**
 * Root config: `pnpm vitest` runs every package's suite as its own project. Projects are named by
 * their config files, so the `packages/venues` folder (which holds packages) is not a project itself.
 */
export default defineConfig({
  test: {
    projects: [
      'packages/*/vitest.config.ts',
      'packages/venues/*/vitest.config.ts',
      'apps/*/vitest.config.ts',
      'bench/vitest.config.ts',
    ],
  },
});
