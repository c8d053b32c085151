export {
  BundleSigner,
  FLASHBOTS_SIGNATURE_HEADER,
  recoverBundleSigner,
  type SignatureCheck,
} from './bundle-signer.js';
export { MevError, type MevErrorCode, MevErrorCodes } from './mev-error.js';
export {
  type CallBundleOptions,
  DEFAULT_RELAY_TIMEOUT_MS,
  MAX_BUNDLE_TXS,
  RelayClient,
  type RelayClientOptions,
  type SendBundleOptions,
  type SentBundle,
} from './relay-client.js';
export {
  type CallBundleRequest,
  callBundleParams,
  type SendBundleRequest,
  sendBundleParams,
} from './relay-protocol.js';
export type { BundleSimulation, BundleTxSimulation } from './relay-simulation.js';
export { RpcHealth, type RpcHealthOptions, type RpcTransport } from './rpc-health.js';
export { type ArmedTimer, processTimers, type TimerScheduler } from './timer-scheduler.js';
