import { describe, expect, it } from 'vitest';
import { parseSpotExitRule } from './spot-exit-rule.js';

describe('parseSpotExitRule', () => {
  it('reads the take-profit rungs and the stop of the shadow executor’s rules', () => {
    expect(parseSpotExitRule('spot-tp-1+tp-2+tp-3')).toEqual({ tpHits: 3, stopped: false });
    expect(parseSpotExitRule('spot-tp-1+stop')).toEqual({ tpHits: 1, stopped: true });
    expect(parseSpotExitRule('spot-stop')).toEqual({ tpHits: 0, stopped: true });
    expect(parseSpotExitRule('spot-tp-1+stop-first-both-crossed')).toEqual({ tpHits: 1, stopped: true });
  });

  it('returns undefined for a rule it cannot read', () => {
    expect(parseSpotExitRule('binary-expiry-win')).toBeUndefined();
    expect(parseSpotExitRule('spot-manual-close')).toBeUndefined();
    expect(parseSpotExitRule('spot-tp-2')).toBeUndefined(); // rungs fill nearest first
    expect(parseSpotExitRule('spot-stop+tp-1')).toBeUndefined(); // nothing after the stop
  });
});
