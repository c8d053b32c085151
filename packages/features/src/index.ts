export type { FeatureVector } from './feature-vector.js';
