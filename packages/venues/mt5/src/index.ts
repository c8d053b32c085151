export { Mt5Bridge } from './mt5-bridge.js';
export type {
  Mt5BridgeAlertCode,
  Mt5BridgeEvent,
  Mt5BridgeListener,
  Mt5BridgeOptions,
  Mt5Session,
} from './mt5-bridge-types.js';
export { Mt5Error, type Mt5ErrorCode, Mt5ErrorCodes } from './mt5-error.js';
export { Mt5Feed, type Mt5FeedOptions } from './mt5-feed.js';
export {
  DEFAULT_LOT_SETTINGS,
  floorToLotStep,
  lotsForSize,
  type Mt5LotSettings,
  type Mt5ResumeState,
} from './mt5-order.js';
export { Mt5SpotExecutor, type Mt5SpotExecutorOptions } from './mt5-spot-executor.js';
export {
  type BridgeMessage,
  type EaClosed,
  type EaFill,
  type EaHello,
  type EaMessage,
  EaMessageSchema,
  type EaPositionItem,
  type EaPositions,
  type EaReject,
  type EaTick,
  encodeBridgeMessage,
  type ParsedLine,
  PROTOCOL_VERSION,
  parseEaLine,
} from './protocol.js';
export { type Mt5VenueConfig, Mt5VenueConfigSchema, mt5Venue, sharedMt5Bridge } from './venue.js';
export {
  type Mt5VenueTestOptions,
  type Mt5VenueTestResult,
  type Mt5VenueTestStep,
  runMt5VenueTest,
} from './venue-test.js';
