export {
  DERIV_DEFAULT_MIN_STAKE,
  DerivBinaryBroker,
  type DerivBinaryBrokerOptions,
  type DerivProposal,
  fromOpenContract,
} from './deriv-binary-broker.js';
export { DerivClient } from './deriv-client.js';
export {
  DERIV_DEFAULT_WS_URL,
  type DerivAccount,
  type DerivClientOptions,
  type DerivSubscription,
} from './deriv-client-options.js';
export {
  DerivError,
  type DerivErrorCode,
  DerivErrorCodes,
  derivCodeOf,
  toExecutionError,
} from './deriv-error.js';
export { DerivFeed, type DerivFeedOptions } from './deriv-feed.js';
export { DERIV_READ_CALLS, type DerivCall, type DerivFrame, type DerivRequestOf } from './deriv-protocol.js';
export {
  createDerivBroker,
  DERIV_PUBLIC_APP_ID,
  type DerivVenueConfig,
  DerivVenueConfigSchema,
  derivSymbol,
  derivVenue,
} from './venue.js';
export {
  type DerivVenueTestOptions,
  type DerivVenueTestResult,
  type DerivVenueTestStep,
  runDerivVenueTest,
} from './venue-test.js';
