/** Test support for packages that drive Deriv (the runner's `omni venue test deriv` and `omni live` tests). */
export {
  cents,
  type FakeContract,
  FakeDerivMarket,
  type FakeDerivMarketOptions,
  type FakeProposal,
  type FakeRefusal,
  type FakeTick,
} from './fake-deriv-market.fixture.js';
export { FakeDerivServer, type FakeDerivServerOptions } from './fake-deriv-server.fixture.js';
