import { describe, expect, it, vi } from 'vitest';
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

describe('OmniError across copies of the package (ESM and CJS builds)', () => {
  it('is recognised by a second copy of the module, while subclass instanceof keeps the prototype rule', async () => {
    vi.resetModules();
    // @ts-expect-error -- a query suffix makes Vite load a second, separate instance of the module
    const other = (await import('./errors.js?copy')) as typeof import('./errors.js');
    expect(other.OmniError).not.toBe(OmniError); // really a second class
    const foreign = new other.FeedError('FEED_UNREADABLE', 'from the other copy', { file: 'x.csv' });
    expect(isOmniError(foreign)).toBe(true);
    expect(isOmniError(foreign, 'FEED_UNREADABLE')).toBe(true);
    expect(isOmniError(foreign, 'FEED_STALE')).toBe(false);
    expect(foreign instanceof OmniError).toBe(true);
    expect(new FeedError('FEED_UNREADABLE', 'here') instanceof other.OmniError).toBe(true);
    // Subclasses are still told apart by their prototype chain.
    expect(new FeedError('FEED_UNREADABLE', 'here') instanceof ConfigError).toBe(false);
    expect(new FeedError('FEED_UNREADABLE', 'here') instanceof FeedError).toBe(true);
    // Plain errors and look-alikes are not OmniErrors; the brand is not enumerable (JSON unchanged).
    expect(isOmniError(new Error('x'))).toBe(false);
    expect(isOmniError({ code: 'FEED_UNREADABLE', name: 'OmniError' })).toBe(false);
    expect(Object.keys(foreign)).not.toContain(Symbol.for('@omni/core:OmniError'));
    expect(JSON.parse(JSON.stringify(foreign))).toEqual({
      name: 'FeedError',
      code: 'FEED_UNREADABLE',
      message: 'from the other copy',
      context: { file: 'x.csv' },
      details: [],
    });
  });
});
