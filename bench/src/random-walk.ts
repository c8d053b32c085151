import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { Rng } from '@omni/core';

/** The fixed seed of every benchmark walk: the same ticks on every machine and every run. */
export const WALK_SEED = 20_260_514;
/** Bumped whenever the walk's formula or format changes, so cached files of the old one are rebuilt. */
const GENERATOR = 'omni-bench/random-walk@1';
/** Time of the walk's first tick; tick i is at `WALK_START_MS + i * WALK_STEP_MS`. */
export const WALK_START_MS = Date.UTC(2024, 0, 1);
/** One tick a second. */
export const WALK_STEP_MS = 1_000;
const START_PRICE = 1.1;
/** σ of one second's log return: about 0.6 % a day, an ordinary FX pair. */
const SIGMA_PER_SEC = 2e-5;

/** A generated walk on disk and what it holds. */
export interface WalkFile {
  readonly path: string;
  readonly ticks: number;
  readonly seed: number;
  readonly bytes: number;
  /** True when an existing file of the right size and seed was reused. */
  readonly reused: boolean;
}

interface WalkMeta {
  readonly generator: string;
  readonly seed: number;
  readonly ticks: number;
  readonly bytes: number;
}

/**
 * The `timestamp,price` CSV of a seeded random walk with `ticks` rows one second apart from
 * 2024-01-01T00:00:00.000Z (ISO timestamps, prices to 5 decimals), as `dir/fileName`. A file written earlier
 * is reused when its sidecar `.json` names the same generator, seed and tick count and its size still
 * matches; otherwise it is written anew (to a temp name, renamed when complete).
 *
 * pₜ = pₜ₋₁ · exp(σ·zₜ), z from `new Rng(seed).fork('random-walk').normal()`, p₀ = 1.1, σ = 2e-5.
 */
export function ensureRandomWalk(
  dir: string,
  ticks: number,
  seed = WALK_SEED,
  fileName = `random-walk-seed${seed}-${ticks}.csv`,
): WalkFile {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, fileName);
  const metaPath = `${path}.json`;
  const meta = readMeta(metaPath);
  if (
    meta &&
    meta.generator === GENERATOR &&
    meta.seed === seed &&
    meta.ticks === ticks &&
    existsSync(path) &&
    statSync(path).size === meta.bytes
  ) {
    return { path, ticks, seed, bytes: meta.bytes, reused: true };
  }
  const temp = `${path}.partial`;
  const bytes = writeWalk(temp, ticks, seed);
  renameSync(temp, path);
  const written: WalkMeta = { generator: GENERATOR, seed, ticks, bytes };
  writeFileSync(metaPath, `${JSON.stringify(written)}\n`);
  return { path, ticks, seed, bytes, reused: false };
}

function writeWalk(path: string, ticks: number, seed: number): number {
  const rng = new Rng(seed).fork('random-walk');
  const fd = openSync(path, 'w');
  let bytes = 0;
  try {
    let chunk = 'timestamp,price\n';
    let price = START_PRICE;
    for (let i = 0; i < ticks; i++) {
      if (i > 0) price *= Math.exp(SIGMA_PER_SEC * rng.normal());
      chunk += `${new Date(WALK_START_MS + i * WALK_STEP_MS).toISOString()},${price.toFixed(5)}\n`;
      if (chunk.length >= 1 << 20) {
        bytes += writeSync(fd, chunk);
        chunk = '';
      }
    }
    bytes += writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
  return bytes;
}

function readMeta(path: string): WalkMeta | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as WalkMeta;
  } catch {
    return undefined;
  }
}
