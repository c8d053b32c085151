import { describe, expect, it } from 'vitest';
import { ConnectionSettingsSchema } from './connection-settings.js';

describe('ConnectionSettingsSchema', () => {
  it('accepts the settings a venue exposes, each optional', () => {
    const settings = { backoff: { initialMs: 250, jitter: 0.1 }, maxReconnects: 5, staleTimeoutMs: 30_000 };
    expect(ConnectionSettingsSchema.parse(settings)).toEqual(settings);
    expect(ConnectionSettingsSchema.parse({})).toEqual({});
  });

  it('lists every bad field with its path', () => {
    const result = ConnectionSettingsSchema.safeParse({
      backoff: { jitter: 2, multiplier: 0.5 },
      maxReconnects: -1,
      reconnect: true,
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => `${i.path.join('.')}: ${i.code}`)).toEqual([
      'backoff.multiplier: too_small',
      'backoff.jitter: too_big',
      'maxReconnects: too_small',
      ': unrecognized_keys',
    ]);
  });
});
