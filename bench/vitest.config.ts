import { omniProject } from '../vitest.shared';

// The smoke test runs the whole harness (`--quick`) as a child process: seconds, not the 30 s default per test.
export default omniProject('bench', { testTimeout: 120_000 });
