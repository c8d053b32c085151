import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestRedis, type TestRedis } from '@omni/sweep-queue/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, omni } from '../cli.fixture.js';
import { placeRun } from './worker.js';

// Four parameter sets on two years of bundled EURUSD daily prices (momentum model): once on one
// local thread, once through the queue with two `omni worker` processes, one of them SIGKILLed at
// its first run. The merged files must be byte-identical.
const root = mkdtempSync(join(tmpdir(), 'omni-worker-'));
const grid = join(root, 'grid.json');
writeFileSync(grid, JSON.stringify({ parameters: { 'risk.maxLossStreak': [2, 3, 4, 5] }, search: 'grid' }));
/** `omni sweep` over the grid; `more` picks the executor (`--workers 1` or `--queue URL`). */
const sweepArgs = (out: string, more: readonly string[]): string[] => [
  'sweep',
  '--grid',
  grid,
  '--symbol',
  'EURUSD',
  '--from',
  '2022-01-01',
  '--to',
  '2023-12-31',
  '--momentum-only',
  '--out',
  out,
  ...more,
];
const read = (dir: string, file: string): string => readFileSync(join(dir, file), 'utf8');
const cli = fileURLToPath(new URL('../cli.ts', import.meta.url));

/** An `omni worker` child process: one run at a time, short locks so a dead worker's run restarts within ~1.5 s. */
const children: ChildProcess[] = [];

function startWorker(url: string): { child: ChildProcess; line: (pattern: RegExp) => Promise<string> } {
  const child = spawn(
    process.execPath,
    [
      '--conditions=omni-source',
      '--import',
      'tsx',
      cli,
      'worker',
      '--queue',
      url,
      '--concurrency',
      '1',
      '--lock-duration',
      '1000',
      '--stalled-interval',
      '500',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let text = '';
  const waiting: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const check = (): void => {
    for (const w of [...waiting]) {
      const match = w.pattern.exec(text);
      if (match) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(match[0]);
      }
    }
  };
  child.stdout?.on('data', (c: Buffer) => {
    text += c.toString();
    check();
  });
  child.stderr?.on('data', (c: Buffer) => {
    text += c.toString();
    check();
  });
  return {
    child,
    line: (pattern) =>
      new Promise((resolve, reject) => {
        waiting.push({ pattern, resolve });
        check();
        child.once('exit', (code, signal) =>
          reject(new Error(`worker exited (${code ?? signal}) before ${pattern}:\n${text}`)),
        );
      }),
  };
}

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  // a failed test must not leave a worker running
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await redis?.stop();
});

describe('omni sweep through the queue with two omni worker processes', () => {
  it('gives results byte-identical to a local sweep, though one worker is killed at its first run', async () => {
    const local = join(root, 'local');
    const queued = join(root, 'queued');
    const doomed = startWorker(redis.url);
    const survivor = startWorker(redis.url);
    await Promise.all([doomed.line(/waiting for sweep runs/), survivor.line(/waiting for sweep runs/)]);

    const sweep = omni(sweepArgs(queued, ['--queue', redis.url]));
    await doomed.line(/started run \d+/);
    const killed = once(doomed.child, 'exit');
    doomed.child.kill('SIGKILL');
    await killed;
    const queuedRun = await sweep;
    expect(queuedRun.code, queuedRun.err).toBe(0);
    // the killed worker's run went back to the queue (a first run takes ~0.2 s or more, the kill ~ms)
    expect(queuedRun.err).toContain('went back to the queue');
    expect(queuedRun.out).toContain('4 runs (4 parameter sets) on the queue (omni worker processes)');

    // the survivor stops gracefully on SIGINT and says what it did
    const stopped = survivor.line(/worker stopped: \d+ run\(s\) finished, 0 failed/);
    survivor.child.kill('SIGINT');
    await stopped;
    const [code] = await once(survivor.child, 'exit');
    expect(code).toBe(0);

    const localRun = await omni(sweepArgs(local, ['--workers', '1', '--quiet']));
    expect(localRun.code, localRun.err).toBe(0);
    for (const file of ['results.json', 'results.csv', 'sweep.html'])
      expect(read(queued, file)).toBe(read(local, file));
    const runs = readdirSync(join(local, 'runs'));
    expect(runs).toHaveLength(4);
    expect(readdirSync(join(queued, 'runs'))).toEqual(runs);
    for (const run of runs) {
      for (const file of ['summary.json', 'trades.jsonl']) {
        expect(read(join(queued, 'runs', run), file)).toBe(read(join(local, 'runs', run), file));
      }
    }
  }, 120_000);
});

describe('placeRun', () => {
  const job = {
    sweepId: 'f2aede5199a5213e',
    index: 3,
    parameters: { 'risk.maxLossStreak': 5 },
    symbol: 'EURUSD',
    window: { role: 'full' as const, fold: 0 },
    seed: 42,
  };

  it("keeps the sweep's own folder when this machine sees it, so the sweep's runs/ is complete", () => {
    expect(placeRun({ ...job, outRoot: root }, undefined).outRoot).toBe(root);
  });

  it('writes under omni-runs/worker/<sweep id> when the folder is on another machine, and under --out when given', () => {
    expect(placeRun({ ...job, outRoot: join(root, 'not-here') }, undefined).outRoot).toBe(
      resolve('omni-runs/worker', job.sweepId),
    );
    expect(placeRun({ ...job, outRoot: root }, '/srv/omni').outRoot).toBe(`/srv/omni/${job.sweepId}`);
  });
});

describe('omni worker', () => {
  it('reports an unreachable Redis with what to do, exit 1, and never prints the password', async () => {
    const port = await freePort();
    const run = await omni(['worker', '--queue', `redis://:worker-secret-9@127.0.0.1:${port}`]);
    expect(run.code).toBe(1);
    expect(run.err).toContain(
      `[SWEEP_QUEUE_UNREACHABLE] cannot reach Redis at redis://:***@127.0.0.1:${port}`,
    );
    expect(run.err).toContain('start redis-server or check --queue redis://HOST:PORT');
    expect(run.out + run.err).not.toContain('worker-secret-9');
  });

  it('refuses a lock duration or concurrency below 1 with exit 2, before connecting', async () => {
    for (const flags of [
      ['--lock-duration', '0'],
      ['--concurrency', '0'],
      ['--stalled-interval', '-5'],
    ]) {
      const run = await omni(['worker', '--queue', 'redis://127.0.0.1:1', ...flags]);
      expect(run.code).toBe(2);
      expect(run.err).toContain(`[RUNTIME_BAD_INPUT] ${flags[0]} must be a whole number`);
    }
  });

  it('refuses an address that is not redis://HOST:PORT with exit 2', async () => {
    const run = await omni(['worker', '--queue', 'http://127.0.0.1:6379']);
    expect(run.code).toBe(2);
    expect(run.err).toContain('[SWEEP_QUEUE_BAD_URL]');
  });
});
