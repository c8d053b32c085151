export type {
  BinaryBrokerPort,
  BinaryContract,
  BinaryDurationUnit,
  BinaryOrderRequest,
  BrokerAccount,
  BrokerLinkState,
  Unsubscribe,
} from './binary-broker-port.js';
export {
  type BinarySettlement,
  type BinarySettlementInput,
  settleBinary,
  type TieRule,
} from './binary-settlement.js';
export { BlockBaseFee, type BlockBaseFeeOptions, MAX_BASE_FEE_CHANGE } from './block-base-fee.js';
export {
  type BlockFlashSwap,
  type BlockPoolSource,
  isBlockPoolSource,
  readOnlyPoolView,
} from './block-pool-source.js';
export {
  BrokerBinaryExecutor,
  type BrokerBinaryExecutorOptions,
  brokerBinaryExecutors,
} from './broker-binary-executor.js';
export { type BinaryOrderRecord, durationOf } from './broker-contracts.js';
export {
  type BrokerOrder,
  BrokerOrderBook,
  BrokerOrderSchema,
  type BrokerOrderState,
  BrokerOrderStateSchema,
} from './broker-order-book.js';
export type { ExecutionHub } from './execution-hub.js';
export {
  type AnyExecutor,
  type ArbitrageExecutor,
  type BinaryExecutor,
  type BrokerHealthListener,
  type BrokerHealthReport,
  type ExecutionReport,
  type Executor,
  NO_OUTCOMES,
  type PendingPosition,
  type PositionStateSink,
  rejectedReport,
  type SpotExecutor,
} from './executor.js';
export {
  FailoverExecutor,
  type FailoverExecutorOptions,
  type FailoverRoute,
  type LiveAllowance,
} from './failover-executor.js';
export {
  isLaterBlockPoolSource,
  type LaterBlockPoolSource,
  type MinedBlockRoute,
} from './later-block-pool-source.js';
export {
  createLiveExecutionHub,
  type LiveExecutionHub,
  type LiveExecutionHubOptions,
} from './live-execution-hub.js';
export { applyPoolFlow, type PoolFlowOptions, type PoolFlowResult } from './pool-flow.js';
export type { FlashSwapRoute, PoolStateSource } from './pool-state-source.js';
export { type PositionClose, PositionLedger, type PositionLedgerOptions } from './position-ledger.js';
export { type ExecutorSet, RealTimeExecutionHub } from './real-time-execution-hub.js';
export { type OutcomeRecheck, recheckOutcome } from './recheck-outcome.js';
export {
  type PreparedRoute,
  parseRouteRegistry,
  type RouteConfig,
  type RouteHop,
  RoutePoolSchema,
  type RouteRegistry,
  type RouteRegistryConfig,
  RouteRegistrySchema,
  RouteSchema,
  RouteTokenSchema,
  RouteUsdPriceSchema,
} from './route-registry.js';
export {
  type PoolState,
  type RouteQuote,
  type RouteScanCosts,
  type RouteScanOptions,
  scanRoutes,
} from './route-scanner.js';
export { type ComparatorAlert, SettlementComparator } from './settlement-comparator.js';
export { ShadowArbitrageExecutor, type ShadowArbitrageSettings } from './shadow-arbitrage-executor.js';
export { ShadowBinaryExecutor, type ShadowBinarySettings } from './shadow-binary-executor.js';
export { ShadowExecutionHub, type ShadowExecutionHubOptions } from './shadow-execution-hub.js';
export {
  ShadowSpotExecutor,
  type ShadowSpotOptions,
  type ShadowSpotSettings,
} from './shadow-spot-executor.js';
export {
  entryFillPrice,
  fillBracketProblem,
  quoteOf,
  type SpotBracketOrder,
  type SpotCrossings,
  spotExitCrossings,
  stopFillPrice,
} from './spot-fill.js';
export { SyntheticPoolPair, type SyntheticPoolPairOptions } from './synthetic-pool-pair.js';
export {
  type FlashSwapSimulation,
  flashSwapProfitBound,
  flashSwapUnprofitableAtPrices,
  getAmountIn,
  getAmountOut,
  optimalFlashSwapAmount,
  type PoolReserves,
  simulateFlashSwap,
} from './uniswap-v2.js';
export {
  type CyclePool,
  type CycleSimulation,
  closedFormCycleAmount,
  composeVirtualPool,
  reserveInOf,
  reserveOutOf,
  simulateCycle,
  type VirtualPool,
} from './uniswap-v2-cycle.js';
export {
  type CycleSizing,
  type CycleSizingOptions,
  exactOptimalFlashSwapAmount,
  optimalCycleAmount,
} from './uniswap-v2-cycle-sizing.js';
export {
  parseVenueConfig,
  type VenueContext,
  type VenueDefinition,
  type VenueFeedRequest,
} from './venue-definition.js';
