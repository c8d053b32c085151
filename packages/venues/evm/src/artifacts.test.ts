import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileContracts, SETTINGS } from '../scripts/compile.mjs';
import { FLASH_ARB_COMPILER, FLASH_ARB_EXECUTOR, TEST_TOKEN } from './artifacts.js';

const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');

describe('contract artifacts', () => {
  it('are reproducible: a fresh solc-js compile equals the committed files byte for byte', () => {
    const fresh = compileContracts();
    expect(Object.keys(fresh).sort()).toEqual(['FlashArbExecutor.json', 'TestToken.json']);
    for (const [file, text] of Object.entries(fresh)) {
      expect(text, `artifacts/${file}`).toBe(readFileSync(join(ARTIFACTS, file), 'utf8'));
    }
  });

  it('record solc 0.8.37, optimizer on (200 runs) and Shanghai', () => {
    expect(FLASH_ARB_COMPILER.version).toMatch(/^0\.8\.37\+commit\./);
    expect(FLASH_ARB_COMPILER.settings).toEqual(SETTINGS);
    expect(SETTINGS).toMatchObject({ optimizer: { enabled: true, runs: 200 }, evmVersion: 'shanghai' });
    expect(FLASH_ARB_EXECUTOR.bytecode.startsWith('0x60')).toBe(true);
    expect(TEST_TOKEN.bytecode.startsWith('0x60')).toBe(true);
  });
});
