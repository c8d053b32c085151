export { BarAggregator, type BarSpec, parseInterval } from './bar-aggregator.js';
