import { Secret } from '@omni/core';
import { SweepQueueError } from './sweep-queue-error.js';

/** Where the queue's Redis is, parsed from `redis://[user[:password]@]HOST[:PORT][/DB]` (or `rediss://` for TLS). */
export interface QueueAddress {
  readonly host: string;
  readonly port: number;
  /** Redis logical database (the URL's path), 0 when absent. */
  readonly db: number;
  readonly username?: string;
  /** Never printed: a {@link Secret} prints as `[redacted]`. */
  readonly password?: Secret;
  readonly tls: boolean;
  /** The address as it may be shown: the password replaced by `***`. */
  readonly display: string;
}

const DEFAULT_PORT = 6379;

/**
 * Replaces the password of a `redis://` URL by `***` (and leaves any other text alone), so an
 * address can go into a message, a log line or a progress bar.
 *
 * @example
 * redactQueueUrl('redis://:hunter22@10.0.0.5:6379'); // 'redis://:***@10.0.0.5:6379'
 */
export function redactQueueUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*:)[^@/]*@/i, '$1***@');
}

/**
 * Parses a queue address. The password is wrapped in a {@link Secret} at once, so it can only reach
 * Redis, never a message.
 *
 * @param url - `redis://HOST:PORT`, `redis://:PASSWORD@HOST:PORT/DB`, `rediss://…` for TLS.
 * @returns the parsed address.
 * @throws SweepQueueError `SWEEP_QUEUE_BAD_URL` for another scheme, a missing host, a port outside
 *   1–65535 or a database that is not a small integer.
 */
export function parseQueueAddress(url: string): QueueAddress {
  const display = redactQueueUrl(url);
  const bad = (why: string): SweepQueueError =>
    new SweepQueueError(
      'SWEEP_QUEUE_BAD_URL',
      `the queue address ${display} ${why}`,
      { queue: display },
      {
        details: [
          'write it as redis://HOST:PORT, e.g. --queue redis://127.0.0.1:6379 (redis://:PASSWORD@HOST:PORT/DB with a password)',
        ],
      },
    );
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw bad('is not a URL');
  }
  const tls = parsed.protocol === 'rediss:';
  if (parsed.protocol !== 'redis:' && !tls)
    throw bad(`has the scheme ${parsed.protocol} (expected redis: or rediss:)`);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw bad('has no host');
  const port = parsed.port === '' ? DEFAULT_PORT : Number(parsed.port);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw bad('has no valid port');
  const dbText = parsed.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!/^\d{0,2}$/.test(dbText) || !Number.isInteger(db))
    throw bad('names a database that is not a number 0–99');
  if (parsed.search !== '' || parsed.hash !== '') throw bad('has a query or fragment (not supported)');
  const username = parsed.username === '' ? undefined : decodeURIComponent(parsed.username);
  const password = parsed.password === '' ? undefined : new Secret(decodeURIComponent(parsed.password));
  return {
    host,
    port,
    db,
    tls,
    display: `${tls ? 'rediss' : 'redis'}://${username ?? ''}${password ? ':***' : ''}${username || password ? '@' : ''}${parsed.host}${db === 0 ? '' : `/${db}`}`,
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
  };
}
