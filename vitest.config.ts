import { defineConfig } from 'vitest/config';

/** Root config: `pnpm vitest` runs every package's suite as its own project. */
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*'],
  },
});
