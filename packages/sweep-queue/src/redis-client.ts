import { Redis, type RedisOptions } from 'ioredis';
import type { QueueAddress } from './queue-address.js';
import { SweepQueueError } from './sweep-queue-error.js';

/** How long the first connection to Redis may take before the address is reported unreachable. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

function clientOptions(address: QueueAddress, name: string): RedisOptions {
  return {
    host: address.host,
    port: address.port,
    db: address.db,
    connectionName: name,
    ...(address.username === undefined ? {} : { username: address.username }),
    ...(address.password === undefined ? {} : { password: address.password.reveal() }),
    ...(address.tls ? { tls: {} } : {}),
  };
}

/**
 * A long-lived ioredis client for BullMQ (passed as an instance: BullMQ cannot load ioredis by
 * itself under native ESM). `maxRetriesPerRequest: null` as BullMQ requires for blocking commands;
 * it reconnects with backoff when Redis goes away for a while. The caller closes it with `quit()`.
 */
export function createRedisClient(address: QueueAddress, name: string): Redis {
  const client = new Redis({
    ...clientOptions(address, name),
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(200 * 2 ** times, 5_000),
  });
  // Errors while reconnecting are reported by BullMQ's 'error' events; without a listener ioredis
  // would print "Unhandled error event" for each attempt.
  client.on('error', () => {});
  return client;
}

/**
 * Connects once, without retries, and pings: the check that turns "Redis is not there" into an
 * actionable error before any queue object starts retrying forever.
 *
 * @throws SweepQueueError `SWEEP_QUEUE_UNREACHABLE` (refused, timed out, authentication refused).
 */
export async function probeRedis(
  address: QueueAddress,
  timeoutMs = DEFAULT_CONNECT_TIMEOUT_MS,
): Promise<void> {
  let lastError: unknown;
  const client = new Redis({
    ...clientOptions(address, 'omni-sweep-queue-probe'),
    lazyConnect: true,
    connectTimeout: timeoutMs,
    // a server that accepts the connection but never answers (not Redis, or hung)
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', (err: unknown) => {
    lastError = err;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    const cause = lastError ?? err;
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new SweepQueueError(
      'SWEEP_QUEUE_UNREACHABLE',
      `cannot reach Redis at ${address.display}: ${reason}`,
      { queue: address.display },
      {
        details: [`start redis-server or check --queue redis://HOST:PORT (tried ${address.display})`],
        cause,
      },
    );
  } finally {
    client.disconnect();
  }
}
