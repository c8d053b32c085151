import { omniProject } from '../../../vitest.shared';

// The chain suites start an in-process Hardhat node: generous timeouts on a busy 2-core machine
// (no timing is asserted).
export default omniProject('venue-evm', { testTimeout: 120_000, hookTimeout: 180_000 });
