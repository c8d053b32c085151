import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway Redis for tests: Debian's `redis-server` on 127.0.0.1, nothing saved to disk. */
export interface TestRedis {
  /** `redis://127.0.0.1:PORT` (without the password, when it has one). */
  readonly url: string;
  readonly port: number;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

/** The command the tests run; `REDIS_SERVER` overrides it (a binary elsewhere). */
export function redisServerCommand(): string {
  return process.env.REDIS_SERVER ?? 'redis-server';
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no free port on 127.0.0.1');
  return address.port;
}

/**
 * Starts `redis-server` on a free port of 127.0.0.1 with `--save '' --appendonly no` in a temp
 * folder (`password`: with `--requirepass`) and resolves once it accepts connections (it says so
 * on stdout: no polling).
 *
 * @throws Error when `redis-server` is not installed — on purpose: the queue tests must not pass by
 *   skipping. Install it with `apt-get install redis-server` (`.ci/run` does so when it is missing).
 */
export async function startTestRedis(options: { readonly password?: string } = {}): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'omni-redis-'));
  const command = redisServerCommand();
  const child: ChildProcess = spawn(
    command,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--loglevel',
      'notice',
      ...(options.password === undefined ? [] : ['--requirepass', options.password]),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) resolve();
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          new Error(
            err.code === 'ENOENT'
              ? `${command} is not installed: the queue tests need Debian's redis-server (apt-get install -y redis-server)`
              : `${command} did not start: ${err.message}`,
          ),
        ),
      );
      child.once('exit', (code) =>
        reject(new Error(`${command} exited with ${code} before it was ready:\n${output}`)),
      );
    });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
