import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { OmniConfig } from '@omni/core';

/** The sha256 of a file's bytes (streamed: a large tick file is read once, never held). */
export async function fileDigest(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The sha256 of the configuration the runs start from (before the grid overrides it), without its
 * credentials: two sweeps that differ only in a config file's content are different sweeps.
 */
export function configDigest(config: OmniConfig): string {
  const { credentials: _credentials, ...rest } = config;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex');
}
