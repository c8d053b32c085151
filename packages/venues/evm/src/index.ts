export { ArbMarket, type ArbMarketOptions, E18 } from './arb-market.js';
export {
  type ContractArtifact,
  FLASH_ARB_COMPILER,
  FLASH_ARB_EXECUTOR,
  loadUniswapV2Artifacts,
  TEST_TOKEN,
  UNISWAP_V2_PAIR_ABI,
  type UniswapV2Artifacts,
} from './artifacts.js';
export {
  ChainPoolSource,
  type ChainPoolSourceOptions,
  nextBaseFeeWei,
  type PoolBlock,
} from './chain-pool-source.js';
export {
  DEFAULT_PRIORITY_FEE_WEI,
  EvmArbitrageExecutor,
  type EvmArbitrageExecutorOptions,
} from './evm-arbitrage-executor.js';
export type { EvmAttempt, SubmittedSwap } from './evm-attempt.js';
export { EvmError, type EvmErrorCode, EvmErrorCodes } from './evm-error.js';
export { type AtomicResult, classifyRevert, nativeWeiInToken, nativeWeiToUsd } from './evm-outcome.js';
export { EvmPoolFeed, type EvmPoolFeedOptions, type PoolPriceSymbol } from './evm-pool-feed.js';
export { type EvmVenueConfig, EvmVenueConfigSchema, evmVenue } from './evm-venue.js';
export { HARDHAT_MNEMONIC, LOCAL_CHAIN_ID, LocalChain, type LocalChainOptions } from './local-chain.js';
export { deployContract, LocalUniswapV2 } from './local-pools.js';
export { type JsonRpcBackend, LocalRpcServer } from './local-rpc-server.js';
export * from './mev/index.js';
export { orientReserves, otherToken, type PairState, PoolReader } from './pool-reader.js';
export { type RelayBundle, type RelayResult, type RelaySendOptions, sendThroughRelay } from './relay-send.js';
export {
  cyclePools,
  type PairStates,
  quoteRoute,
  type RouteQuote,
  routePairs,
  sizeRoute,
} from './route-quote.js';
export { type EvmRoute, EvmRouteSchema, isTwoPool } from './routes.js';
export { assertChainId, assertChainIdOf, revertDataOf, withTimeout } from './rpc.js';
