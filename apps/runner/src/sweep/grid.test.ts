import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGrid, readGridFile } from './grid.js';
import { SweepError } from './sweep-error.js';

/** The SweepError `parseGrid(json)` throws (fails the test when it throws none). */
function gridError(json: unknown): SweepError {
  try {
    parseGrid(json, 'grid.json');
  } catch (err) {
    if (err instanceof SweepError) return err;
    throw err;
  }
  throw new Error('parseGrid accepted the grid');
}

describe('parseGrid', () => {
  it('accepts the grid of the issue and keeps the file order of its parameters', () => {
    const grid = parseGrid({
      parameters: { 'engines.governor.minConfidence': [0.5, 0.55, 0.6], 'risk.maxLossStreak': [3, 5] },
      search: 'grid',
    });
    expect(grid).toEqual({
      search: 'grid',
      parameters: [
        { path: 'engines.governor.minConfidence', kind: 'values', values: [0.5, 0.55, 0.6] },
        { path: 'risk.maxLossStreak', kind: 'values', values: [3, 5] },
      ],
    });
  });

  it('refuses a path that is no configuration field, naming it, the file and the fields there are', () => {
    const err = gridError({ parameters: { 'engines.governor.minConfidance': [0.5] }, search: 'grid' });
    expect(err.code).toBe('SWEEP_BAD_GRID');
    expect(err.context).toEqual({ file: 'grid.json', field: 'parameters.engines.governor.minConfidance' });
    expect(err.shortMessage).toContain('engines.governor.minConfidance is not a configuration field');
    expect(err.details.join('\n')).toContain('engines.governor.minConfidence');
  });

  it('refuses a value the configuration schema refuses, naming the path', () => {
    const err = gridError({ parameters: { 'engines.governor.minConfidence': [0.5, 1.5] }, search: 'grid' });
    expect(err.context['field']).toBe('parameters.engines.governor.minConfidence');
    expect(err.shortMessage).toContain('refuses 1.5 for engines.governor.minConfidence');
  });

  it('refuses a whole number field set to a fraction', () => {
    const err = gridError({ parameters: { 'risk.maxLossStreak': [3, 4.5] }, search: 'grid' });
    expect(err.shortMessage).toContain('refuses 4.5 for risk.maxLossStreak');
  });

  it('refuses a group of fields, the seed, the mode and credentials', () => {
    expect(gridError({ parameters: { risk: [1] }, search: 'grid' }).shortMessage).toContain(
      'risk is a group of fields',
    );
    expect(gridError({ parameters: { seed: [1, 2] }, search: 'grid' }).shortMessage).toContain(
      'seed cannot be swept',
    );
    expect(gridError({ parameters: { mode: ['live'] }, search: 'grid' }).shortMessage).toContain(
      'mode cannot be swept',
    );
    expect(
      gridError({ parameters: { 'credentials.deriv.token': ['x'] }, search: 'grid' }).context['field'],
    ).toBe('parameters.credentials.deriv.token');
  });

  it('names the field of a file that does not have the shape of a grid', () => {
    expect(gridError({ parameters: { 'risk.maxLossStreak': 3 }, search: 'grid' }).context['field']).toBe(
      'parameters.risk.maxLossStreak',
    );
    expect(gridError({ parameters: { 'risk.maxLossStreak': [3] } }).context['field']).toBe('search');
    expect(gridError({ parameters: {}, search: 'grid' }).context['field']).toBe('parameters');
    expect(gridError({ parameters: { 'risk.maxLossStreak': [3] }, search: 'random' }).context['field']).toBe(
      'samples',
    );
  });

  it('refuses a value listed twice and a range in a grid search', () => {
    expect(
      gridError({ parameters: { 'risk.maxLossStreak': [3, 3] }, search: 'grid' }).shortMessage,
    ).toContain('listed twice');
    expect(
      gridError({ parameters: { 'risk.maxLossStreak': { min: 2, max: 6 } }, search: 'grid' }).shortMessage,
    ).toContain('needs a list of values');
  });

  it('accepts ranges in a random search and refuses ends the schema refuses or min above max', () => {
    const grid = parseGrid({
      search: 'random',
      samples: 4,
      parameters: {
        'risk.maxLossStreak': { min: 2, max: 6, integer: true },
        'engines.binary.tieRule': ['refund', 'loss'],
      },
    });
    expect(grid.search).toBe('random');
    expect(
      gridError({
        search: 'random',
        samples: 2,
        parameters: { 'engines.governor.minConfidence': { min: 0.5, max: 2 } },
      }).shortMessage,
    ).toContain('refuses 2 for engines.governor.minConfidence');
    expect(
      gridError({
        search: 'random',
        samples: 2,
        parameters: { 'engines.governor.minConfidence': { min: 0.6, max: 0.5 } },
      }).shortMessage,
    ).toContain('min must not exceed max');
  });

  it('reads a grid file and names it in errors, JSON errors included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'omni-grid-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ parameters: { 'risk.maxLossStreak': [3, 5] }, search: 'grid' }));
    expect(readGridFile(good).parameters).toHaveLength(1);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"parameters": ');
    expect(() => readGridFile(bad)).toThrow(`${bad}: (file): is not JSON`);
    expect(() => readGridFile(join(dir, 'missing.json'))).toThrow('cannot be read (ENOENT)');
  });
});
