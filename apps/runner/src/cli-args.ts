import { loadConfig, type OmniConfig, type OmniConfigInput } from '@omni/core';
import { InvalidArgumentError } from 'commander';
import type { CliIo } from './cli-io.js';

// Argument parsers and the config loader of the `omni` commands (program.ts).

export function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('expected a whole number');
  return n;
}

export function positive(value: string): number {
  const n = Number(value);
  if (!(n > 0)) throw new InvalidArgumentError('expected a positive number');
  return n;
}

export function nonNegative(value: string): number {
  const n = Number(value);
  if (!(n >= 0) || !Number.isFinite(n)) throw new InvalidArgumentError('expected a number ≥ 0');
  return n;
}

export interface ConfigFlags {
  config?: string;
  seed?: number;
}

/** Loads the config for a command; config warnings (e.g. a misspelled OMNI_* variable) go to stderr. */
export function loadCliConfig(io: CliIo, flags: ConfigFlags, overrides: OmniConfigInput = {}): OmniConfig {
  return loadConfig({
    ...(flags.config ? { configFile: flags.config } : {}),
    overrides: { ...overrides, ...(flags.seed !== undefined ? { seed: flags.seed } : {}) },
    onWarning: (warning) => io.err(`warning: ${warning.message}`),
  });
}
