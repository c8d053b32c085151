export { Mt5BridgeFeed, type Mt5BridgeFeedOptions } from './mt5-bridge-feed.js';
export { type Mt5VenueConfig, Mt5VenueConfigSchema, mt5Venue } from './venue.js';
