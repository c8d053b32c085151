import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readJsonFile, removeStaleTempFiles, writeJsonAtomic } from './atomic-file.js';

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

describe('removeStaleTempFiles', () => {
  it('removes the temp files of a writer that is gone, and keeps those of a live one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'omni-atomic-'));
    writeJsonAtomic(join(dir, 'state.json'), { version: 1, cooldown: false });
    // A process that has exited: its pid names a writer killed between the write and the rename.
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    const stale = `state.json.${gone}.3.tmp`;
    const live = `state.json.${process.pid}.7.tmp`;
    for (const name of [stale, live, 'notes.tmp', 'state.json.x.1.tmp'])
      writeFileSync(join(dir, name), '{"ver');
    expect(removeStaleTempFiles(dir)).toEqual([stale]);
    expect(readdirSync(dir).sort()).toEqual(['notes.tmp', 'state.json', live, 'state.json.x.1.tmp'].sort());
    expect(readJsonFile(join(dir, 'state.json'), StateSchema)).toEqual({ version: 1, cooldown: false });
  });

  it('removes nothing from a folder that does not exist', () => {
    expect(removeStaleTempFiles(join(tmpdir(), 'omni-no-such-folder-for-temps'))).toEqual([]);
  });
});

describe('writeJsonAtomic after a killed writer', () => {
  it("removes the temp file a killed writer left beside its target at this process's first write there", () => {
    const dir = mkdtempSync(join(tmpdir(), 'omni-atomic-'));
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(join(dir, `governor.json.${gone}.12.tmp`), '{"kind":"master-gov');
    writeJsonAtomic(join(dir, 'safety.json'), { version: 1, cooldown: true });
    expect(readdirSync(dir)).toEqual(['safety.json']);
  });
});
