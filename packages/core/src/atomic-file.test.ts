import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readJsonFile, writeJsonAtomic } from './atomic-file.js';

const StateSchema = z.object({ version: z.literal(1), cooldown: z.boolean() });

describe('writeJsonAtomic / readJsonFile', () => {
  it('writes, replaces and reads back a state file, leaving no temp files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'omni-atomic-'));
    const file = join(dir, 'nested', 'state.json');
    writeJsonAtomic(file, { version: 1, cooldown: false });
    writeJsonAtomic(file, { version: 1, cooldown: true });
    expect(readJsonFile(file, StateSchema)).toEqual({ version: 1, cooldown: true });
    expect(readdirSync(join(dir, 'nested'))).toEqual(['state.json']);
    expect(readFileSync(file, 'utf8').endsWith('\n')).toBe(true);
  });

  it('returns undefined for a missing file', () => {
    expect(readJsonFile(join(tmpdir(), 'does-not-exist-omni.json'), StateSchema)).toBeUndefined();
  });

  it('gives a typed error naming the file for corrupt or invalid state', () => {
    const dir = mkdtempSync(join(tmpdir(), 'omni-atomic-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"version":1,');
    expect(() => readJsonFile(bad, StateSchema)).toThrow(expect.objectContaining({ code: 'STATE_INVALID' }));
    writeFileSync(bad, '{"version":2,"cooldown":true}');
    expect(() => readJsonFile(bad, StateSchema)).toThrow(/does not match its schema[\s\S]*version/);
  });

  it('gives a typed error when the target cannot be written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'omni-atomic-'));
    writeFileSync(join(dir, 'file'), 'x');
    expect(() => writeJsonAtomic(join(dir, 'file', 'state.json'), {})).toThrow(
      expect.objectContaining({ code: 'STATE_WRITE_FAILED' }),
    );
  });
});
