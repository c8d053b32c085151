export type { FeatureVector } from '@omni/core';
export { Atr, Atr as ATRCalculator } from './atr.js';
export { BarAggregator, type BarSpec, parseInterval } from './bar-aggregator.js';
export { Ema } from './ema.js';
export {
  FeatureExtractorEngine,
  type FeatureExtractorOptions,
} from './feature-extractor-engine.js';
export {
  type HighLowClose,
  requireBar,
  requireFinite,
  requirePeriod,
  type StreamingIndicator,
} from './indicator.js';
export { MomentumGradient, MomentumGradient as MomentumGradientAnalyzer } from './momentum-gradient.js';
export { RollingStd, type StdEstimator } from './rolling-std.js';
export { Sma } from './sma.js';
export { type SwingBar, SwingDetector, type SwingDetectorOptions } from './swing-detector.js';
export { VolatilityProfile, VolatilityProfile as VolatilityProfileBuilder } from './volatility-profile.js';
