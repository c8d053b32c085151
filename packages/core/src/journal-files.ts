import { existsSync, readdirSync, renameSync, rmSync, statSync, truncateSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { JournalError } from './errors.js';

/** Where a journal stood at one moment: the active file's rotation index and its size in bytes. */
export interface JournalPosition {
  readonly rotation: number;
  readonly bytes: number;
}

/**
 * Puts a journal back where {@link JournalWriter.position} said it stood: files rotated after that
 * point are folded back (the file that was active then becomes active again) and the active file is
 * cut to its size then. Used when a run resumes from a checkpoint: what was written after it is
 * written again, identically, by the deterministic replay. Returns the bytes cut.
 */
export function truncateJournal(path: string, position: JournalPosition): number {
  let cut = 0;
  const rotatedAfter = listJournalFiles(path).filter((file) => {
    const m = rotationPattern(path).exec(basename(file));
    return m !== null && Number(m[1]) > position.rotation;
  });
  if (rotatedAfter.length > 0) {
    // The first file rotated after the checkpoint was the active file at the checkpoint.
    for (const later of [...rotatedAfter.slice(1), path]) {
      if (!existsSync(later)) continue;
      cut += statSync(later).size;
      rmSync(later);
    }
    renameSync(rotatedAfter[0] as string, path);
  }
  if (!existsSync(path)) {
    if (position.bytes > 0) {
      throw new JournalError('JOURNAL_UNREADABLE', 'the journal is shorter than its checkpoint says', {
        file: path,
        expectedBytes: position.bytes,
      });
    }
    return cut;
  }
  const size = statSync(path).size;
  if (size < position.bytes) {
    throw new JournalError('JOURNAL_UNREADABLE', 'the journal is shorter than its checkpoint says', {
      file: path,
      bytes: size,
      expectedBytes: position.bytes,
    });
  }
  if (size > position.bytes) truncateSync(path, position.bytes);
  return cut + size - position.bytes;
}

/** Where a journal that no writer holds open stands on disk (a missing file is at rotation 0, 0 bytes). */
export function journalPositionOnDisk(path: string): JournalPosition {
  return { rotation: highestRotation(path), bytes: existingSize(path) };
}

export function existingSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

export function rotatedName(path: string, index: number): string {
  const base = path.endsWith('.jsonl') ? path.slice(0, -'.jsonl'.length) : path;
  return `${base}.${String(index).padStart(6, '0')}.jsonl`;
}

function rotationPattern(path: string): RegExp {
  const name = basename(path);
  const stem = name.endsWith('.jsonl') ? name.slice(0, -'.jsonl'.length) : name;
  return new RegExp(`^${stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d{6,})\\.jsonl$`);
}

export function highestRotation(path: string): number {
  const pattern = rotationPattern(path);
  let max = 0;
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return 0;
  }
  for (const name of names) {
    const m = pattern.exec(name);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return max;
}

/**
 * Every file of a rotated journal in the order it was written: the rotated files by index,
 * then the active file (if it exists).
 */
export function listJournalFiles(path: string): string[] {
  const pattern = rotationPattern(path);
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return [];
  }
  const rotated = names
    .map((name) => ({ name, m: pattern.exec(name) }))
    .filter((x): x is { name: string; m: RegExpExecArray } => x.m !== null)
    .sort((a, b) => Number(a.m[1]) - Number(b.m[1]))
    .map((x) => join(dirname(path), x.name));
  if (names.includes(basename(path))) rotated.push(path);
  return rotated;
}
