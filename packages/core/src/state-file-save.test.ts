import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeJsonAtomic } from './atomic-file.js';
import type { StateError } from './errors.js';
import { saveStateFile } from './state-file-save.js';

const refuse = (code: string) => (): void => {
  throw Object.assign(new Error(`${code}: write refused`), { code });
};

describe('saveStateFile', () => {
  it('writes through writeJsonAtomic by default and returns true', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'omni-save-')), 'safety.json');
    expect(saveStateFile(file, { version: 2 })).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ version: 2 });
  });

  it('throws STATE_WRITE_FAILED naming the file and errno when nobody hears of failures', () => {
    expect(() => saveStateFile('/state/ledger.json', {}, { writeState: refuse('ENOSPC') })).toThrow(
      expect.objectContaining({
        code: 'STATE_WRITE_FAILED',
        context: { file: '/state/ledger.json', errno: 'ENOSPC' },
      }),
    );
  });

  it('reports a refused write to onSaveFailure instead of throwing, and returns false', () => {
    const heard: StateError[] = [];
    const ok = saveStateFile(
      '/state/governor.json',
      {},
      {
        writeState: refuse('EROFS'),
        onSaveFailure: (e) => heard.push(e),
      },
    );
    expect(ok).toBe(false);
    expect(heard.map((e) => [e.code, e.context])).toEqual([
      ['STATE_WRITE_FAILED', { file: '/state/governor.json', errno: 'EROFS' }],
    ]);
  });

  it('keeps the errno writeJsonAtomic found on the real disk, and the old file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'omni-save-'));
    writeFileSync(join(dir, 'state'), 'not a folder');
    const heard: StateError[] = [];
    saveStateFile(join(dir, 'state', 'safety.json'), {}, { onSaveFailure: (e) => heard.push(e) });
    expect(heard[0]?.context).toEqual({ file: join(dir, 'state', 'safety.json'), errno: 'EEXIST' });
    expect(readFileSync(join(dir, 'state'), 'utf8')).toBe('not a folder');
    const file = join(dir, 'safety.json');
    writeJsonAtomic(file, { version: 1 });
    expect(saveStateFile(file, { version: 2 }, { writeState: refuse('EIO'), onSaveFailure: () => {} })).toBe(
      false,
    );
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ version: 1 });
  });
});
