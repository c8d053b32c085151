import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  defineErrorArea,
  ERROR_CODES,
  FeedError,
  isOmniError,
  OmniError,
  SafetyError,
} from './errors.js';
import { Secret } from './secret.js';

describe('OmniError', () => {
  it('composes code, message and context into an actionable message', () => {
    const err = new FeedError('FEED_NON_MONOTONIC', 'tick is older than the previous one', {
      file: 'data/EURUSD.csv',
      line: 12,
      tsMs: 1000,
    });
    expect(err.message).toBe(
      '[FEED_NON_MONOTONIC] tick is older than the previous one (file="data/EURUSD.csv" line=12 tsMs=1000)',
    );
    expect(err.name).toBe('FeedError');
    expect(err.code).toBe('FEED_NON_MONOTONIC');
    expect(err.context).toEqual({ file: 'data/EURUSD.csv', line: 12, tsMs: 1000 });
    expect(err).toBeInstanceOf(OmniError);
    expect(err).toBeInstanceOf(Error);
  });

  it('lists details one per line', () => {
    const err = new ConfigError('CONFIG_INVALID', '2 problems', {}, { details: ['a: bad', 'b: worse'] });
    expect(err.message).toBe('[CONFIG_INVALID] 2 problems\n  - a: bad\n  - b: worse');
  });

  it('keeps a walkable cause chain', () => {
    const root = new Error('ECONNRESET');
    const mid = new FeedError('FEED_CONNECTION', 'socket closed', {}, { cause: root });
    const top = new SafetyError('SAFETY_FROZEN', 'frozen after feed loss', {}, { cause: mid });
    expect(top.walk((e) => e instanceof FeedError)).toBe(mid);
    expect(top.walk((e) => (e as Error).message === 'ECONNRESET')).toBe(root);
    expect(top.walk((e) => e === 'nothing')).toBeUndefined();
  });

  it('refuses a code from another area', () => {
    // @ts-expect-error FEED_SPIKE is not a safety code
    expect(() => new SafetyError('FEED_SPIKE', 'x')).toThrow(TypeError);
  });

  it('scrubs registered secret values from message, details and context', () => {
    const token = new Secret('tok_live_9f8e7d6c5b4a');
    const err = new FeedError(
      'FEED_CONNECTION',
      `connect failed for wss://x/?token=${token.reveal()}`,
      { url: `wss://x/?token=${token.reveal()}` },
      { details: [`retry with ${token.reveal()}`] },
    );
    expect(err.message).not.toContain('tok_live_9f8e7d6c5b4a');
    expect(JSON.stringify(err)).not.toContain('tok_live_9f8e7d6c5b4a');
    expect(err.message).toContain('[redacted]');
  });

  it('is recognised by isOmniError with and without a code', () => {
    const err = new FeedError('FEED_SPIKE', 'spike');
    expect(isOmniError(err)).toBe(true);
    expect(isOmniError(err, 'FEED_SPIKE')).toBe(true);
    expect(isOmniError(err, 'FEED_DUPLICATE')).toBe(false);
    expect(isOmniError(new Error('x'))).toBe(false);
  });

  it('has unique codes across all areas', () => {
    const all = Object.values(ERROR_CODES).flat();
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('defineErrorArea', () => {
  const VenueCodes = ['VENUEX_AUTH_FAILED', 'VENUEX_RATE_LIMITED'] as const;
  class VenueXError extends defineErrorArea('VenueXError', VenueCodes) {}

  it('gives a package outside core an error area of its own, with typed codes', () => {
    const err = new VenueXError('VENUEX_AUTH_FAILED', 'the token was refused', { appId: 1089 });
    expect(err).toBeInstanceOf(OmniError);
    expect([err.name, err.code, err.message]).toEqual([
      'VenueXError',
      'VENUEX_AUTH_FAILED',
      '[VENUEX_AUTH_FAILED] the token was refused (appId=1089)',
    ]);
    expect(isOmniError(err, 'VENUEX_AUTH_FAILED')).toBe(true);
    expect(VenueXError.codes).toEqual(VenueCodes);
  });

  it('refuses a code outside the area, a code of another area and a badly formed code', () => {
    expect(() => new VenueXError('CONFIG_INVALID' as never, 'x')).toThrow(
      /does not take code CONFIG_INVALID/,
    );
    expect(() => defineErrorArea('Other', ['CONFIG_INVALID'])).toThrow(/already belongs to ConfigError/);
    expect(() => defineErrorArea('Bad', ['lowercase_code'])).toThrow(/SCREAMING_SNAKE_CASE/);
  });
});
