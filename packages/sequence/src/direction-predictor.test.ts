import { describe, expect, it } from 'vitest';
import { DirectionPredictor } from './direction-predictor.js';
import { MomentumSequenceModel } from './momentum-sequence-model.js';

describe('DirectionPredictor', () => {
  const predictor = new DirectionPredictor(new MomentumSequenceModel(), { deadBand: 0.1 });

  it('maps probabilities inside the dead band to flat and outside to up or down', () => {
    expect(predictor.classify(0.55).direction).toBe('flat');
    expect(predictor.classify(0.61).direction).toBe('up');
    expect(predictor.classify(0.39).direction).toBe('down');
    expect(predictor.classify(0.8).strength).toBeCloseTo(0.6, 12);
  });

  it('calls a steady rise up', () => {
    expect(predictor.predict([1, 1.01, 1.03, 1.04, 1.06]).direction).toBe('up');
  });
});
