/** `@omni/venue-mt5/testing`: the fake OmniBridge EA, for tests of code that drives the MT5 venue. */
export {
  FakeEa,
  type FakeEaOptions,
  type FakeEaOrderAnswer,
  type FakeEaPosition,
  type FakeEaReceived,
} from './fake-ea.fixture.js';
