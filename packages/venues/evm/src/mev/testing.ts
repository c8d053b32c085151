export {
  FakeRelay,
  type FakeRelayChain,
  type FakeRelayFailure,
  type FakeRelayOptions,
  type FakeRelayRequest,
} from './fake-relay.fixture.js';
export { ManualTimers } from './manual-timers.fixture.js';
export { ScriptedRpcNode, type ScriptedStep } from './scripted-rpc.fixture.js';
