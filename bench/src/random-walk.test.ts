import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureRandomWalk, WALK_SEED } from './random-walk.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'omni-bench-walk-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('ensureRandomWalk', () => {
  it('writes timestamp,price rows one second apart from 2024-01-01 with 5-decimal prices', () => {
    const walk = ensureRandomWalk(tempDir(), 1_000);
    const lines = readFileSync(walk.path, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(1_001);
    expect(lines[0]).toBe('timestamp,price');
    expect(lines[1]).toBe('2024-01-01T00:00:00.000Z,1.10000');
    expect(lines[1_000]?.startsWith('2024-01-01T00:16:39.000Z,')).toBe(true);
    for (const line of lines.slice(1))
      expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z,\d\.\d{5}$/);
    expect(walk).toMatchObject({
      ticks: 1_000,
      seed: WALK_SEED,
      reused: false,
      bytes: statSync(walk.path).size,
    });
  });

  it('is the same file for the same seed and a different one for another seed', () => {
    const a = readFileSync(ensureRandomWalk(tempDir(), 500).path, 'utf8');
    const b = readFileSync(ensureRandomWalk(tempDir(), 500).path, 'utf8');
    const c = readFileSync(ensureRandomWalk(tempDir(), 500, 7).path, 'utf8');
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('reuses a file of the right size and seed, and rewrites one whose size changed', () => {
    const dir = tempDir();
    const first = ensureRandomWalk(dir, 300);
    const content = readFileSync(first.path, 'utf8');
    expect(ensureRandomWalk(dir, 300).reused).toBe(true);
    writeFileSync(first.path, content.slice(0, 100));
    utimesSync(first.path, 0, 0);
    const again = ensureRandomWalk(dir, 300);
    expect(again.reused).toBe(false);
    expect(readFileSync(again.path, 'utf8')).toBe(content);
  });
});
