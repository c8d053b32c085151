/**
 * A worker that takes one job, says `started <index>` on stdout and then hangs: the test kills it
 * with SIGKILL to show that its job is retried by another worker.
 *
 * Usage: node --conditions=omni-source --import tsx stalled-worker.fixture.ts <redis-url> <queue-name>
 */
import { runWorker } from './run-worker.js';

const [url, queueName] = process.argv.slice(2);
if (url === undefined || queueName === undefined)
  throw new Error('usage: stalled-worker.fixture.ts <redis-url> <queue-name>');

await runWorker<unknown, never>(
  url,
  (_data, job) => {
    process.stdout.write(`started ${job.index}\n`);
    return new Promise<never>(() => {});
  },
  // a short lock, so the test's second worker finds the job stalled about a second after the kill
  { queueName, concurrency: 1, lockDurationMs: 1_000, stalledIntervalMs: 500 },
);
