import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { omniProject } from '../vitest.shared';

/**
 * The reliability suites of issue 18 (`pnpm test:chaos`): crash/restart, fuzzing, backpressure, disk
 * faults and secrets, in `chaos/*.chaos.test.ts`. `@omni/*` resolve to their sources (as in every
 * package's tests); child processes run the BUILT CLI, so `apps/runner/dist/cli.js` must exist —
 * `pnpm test:chaos` builds it first (`turbo run build --filter=@omni/runner...`).
 *
 * Each suite prints one `CHAOS …` line with its counts from an `afterAll`; the default reporter
 * shows console output, and `silent: false` keeps it so.
 */
const cli = join(resolve(import.meta.dirname, '..'), 'apps', 'runner', 'dist', 'cli.js');
if (!existsSync(cli)) {
  throw new Error(
    `chaos suites run the built CLI, and ${cli} is missing: run \`pnpm --filter @omni/runner... build\` (or \`pnpm test:chaos\`, which builds it)`,
  );
}

const project = omniProject('chaos', {
  include: ['**/*.chaos.test.ts'],
  // A suite runs child processes for minutes; nothing here asserts a duration.
  testTimeout: 240_000,
  hookTimeout: 240_000,
  silent: false,
});

export default { ...project, test: { ...project.test, reporters: ['default'] } };
