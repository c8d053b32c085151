import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * Runs the real `omni` executable from source with its stdout piped into a reader that takes the
 * first chunk and closes the pipe, as `omni ... | head` does.
 */
function runIntoClosingReader(
  args: readonly string[],
): Promise<{ code: number | null; first: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=omni-source', '--import', 'tsx', 'apps/runner/src/cli.ts', ...args],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let first = '';
    let stderr = '';
    child.stdout.once('data', (chunk: Buffer) => {
      first = chunk.toString('utf8');
      child.stdout.destroy();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, first, stderr }));
  });
}

describe('the omni executable', () => {
  it('exits 0 without a stack trace when its stdout is closed early (omni analyze --json | head)', async () => {
    // analyze --json prints about 370 kB, far more than a pipe holds: the CLI is still writing when
    // the reader goes away, so its next write fails with EPIPE.
    const run = await runIntoClosingReader(['analyze', '--json']);
    expect(run.first.startsWith('{')).toBe(true);
    expect(run.stderr).not.toContain('EPIPE');
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.code).toBe(0);
  }, 60_000);
});
