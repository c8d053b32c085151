export { BinanceFeed, type BinanceFeedOptions } from './binance-feed.js';
export { type BinanceVenueConfig, BinanceVenueConfigSchema, binanceVenue } from './venue.js';
