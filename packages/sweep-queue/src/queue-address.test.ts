import { isOmniError } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { parseQueueAddress, redactQueueUrl } from './queue-address.js';

describe('parseQueueAddress', () => {
  it('reads host, port and database, with 6379 and 0 as defaults', () => {
    expect(parseQueueAddress('redis://127.0.0.1:6380/2')).toMatchObject({
      host: '127.0.0.1',
      port: 6380,
      db: 2,
      tls: false,
    });
    expect(parseQueueAddress('redis://localhost')).toMatchObject({ host: 'localhost', port: 6379, db: 0 });
    expect(parseQueueAddress('rediss://example.org:6390')).toMatchObject({
      tls: true,
      display: 'rediss://example.org:6390',
    });
  });

  it('keeps the password only inside a Secret and shows *** instead', () => {
    const address = parseQueueAddress('redis://worker:s3cr%40t-pass@127.0.0.1:6379');
    expect(address.username).toBe('worker');
    expect(address.password?.reveal()).toBe('s3cr@t-pass');
    expect(address.display).toBe('redis://worker:***@127.0.0.1:6379');
    expect(JSON.stringify(address)).not.toContain('s3cr');
    expect(parseQueueAddress('redis://:hunter22@127.0.0.1:7000').display).toBe('redis://:***@127.0.0.1:7000');
  });

  it.each([
    ['http://127.0.0.1:6379', 'has the scheme http:'],
    ['redis://:pw-123456@127.0.0.1:99999', 'is not a URL'],
    ['redis://:pw-123456@127.0.0.1:6379/x', 'names a database'],
    ['127.0.0.1:6379', 'is not a URL'],
    ['not a url', 'is not a URL'],
  ])('refuses %s with SWEEP_QUEUE_BAD_URL and never shows the password', (url, why) => {
    let caught: unknown;
    try {
      parseQueueAddress(url);
    } catch (err) {
      caught = err;
    }
    expect(isOmniError(caught, 'SWEEP_QUEUE_BAD_URL')).toBe(true);
    const message = (caught as Error).message;
    expect(message).toContain(why);
    expect(message).toContain('redis://HOST:PORT');
    expect(message).not.toContain('pw-123456');
  });
});

describe('redactQueueUrl', () => {
  it('replaces only the password', () => {
    expect(redactQueueUrl('redis://user:pw@h:1/0')).toBe('redis://user:***@h:1/0');
    expect(redactQueueUrl('redis://h:1')).toBe('redis://h:1');
    expect(redactQueueUrl('redis://user@h:1')).toBe('redis://user@h:1');
  });
});
