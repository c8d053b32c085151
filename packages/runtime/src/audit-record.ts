import { createHash } from 'node:crypto';
import { toJsonLine } from '@omni/core';

/** The hash a chain starts from (no previous line). */
export const GENESIS_HASH = '0'.repeat(64);

/** One line of the audit trail: the entry, its sequence number and the hash chain. */
export interface AuditLine<T = unknown> {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
  readonly entry: T;
}

/** What a seal vouches for: the trail held this many records, ending at this head, when it was closed. */
export interface AuditSeal {
  /**
   * Entry lines (recorded decisions) in the whole file up to the seal, earlier sessions included;
   * seals and checkpoints are not counted (the decisions a checkpoint counts are in its `skipped`).
   */
  readonly records: number;
  /** The hash of the line just before the seal ({@link GENESIS_HASH} for an empty trail). */
  readonly headHash: string;
}

/**
 * The line a clean {@link DecisionAuditTrail.close} writes last: a record of the chain like any other
 * (its own `seq`, `prevHash` and `hash`), carrying a {@link AuditSeal} instead of an entry. A file whose
 * last line is not a seal was cut, or its writer has not closed it (still running, or crashed).
 */
export interface AuditSealLine {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
  readonly seal: AuditSeal;
}

/**
 * What a checkpoint vouches for: decisions `fromDecision..toDecision` (the `<n>` of their
 * `<runId>-<n>` ids, contiguous, all of them) were taken and not recorded one by one, at
 * `firstTsMs..lastTsMs`, and `digest` is the FNV-1a 64 digest of their tick times, prices and
 * funnel stages in order (see `SkipDigest`).
 */
export interface AuditCheckpoint {
  readonly fromDecision: number;
  readonly toDecision: number;
  /** `toDecision − fromDecision + 1`. */
  readonly skipped: number;
  readonly firstTsMs: number;
  readonly lastTsMs: number;
  /** 16 lower-case hex digits. */
  readonly digest: string;
}

/**
 * The line a {@link DecisionJournal} at level `actions` writes for the decisions it did not record:
 * a record of the chain (its own `seq`, `prevHash`, `hash`) carrying an {@link AuditCheckpoint}.
 */
export interface AuditCheckpointLine {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
  readonly checkpoint: AuditCheckpoint;
}

/** Any line of a decisions.jsonl audit trail: an entry, a seal or a checkpoint. */
export type AuditRecord<T = unknown> = AuditLine<T> | AuditSealLine | AuditCheckpointLine;

function hasObject(line: unknown, key: 'seal' | 'checkpoint'): boolean {
  if (typeof line !== 'object' || line === null || 'entry' in line || !(key in line)) return false;
  const value = (line as Record<string, unknown>)[key];
  return typeof value === 'object' && value !== null;
}

/** Whether a parsed audit line is a seal (readers of the entries skip these). */
export function isAuditSeal(line: unknown): line is AuditSealLine {
  return hasObject(line, 'seal');
}

/** Whether a parsed audit line is a checkpoint of skipped decisions (readers of the entries skip these). */
export function isAuditCheckpoint(line: unknown): line is AuditCheckpointLine {
  return hasObject(line, 'checkpoint');
}

/** Whether a parsed audit line carries an entry (a recorded decision): neither a seal nor a checkpoint. */
export function isAuditEntry<T = unknown>(line: unknown): line is AuditLine<T> {
  return typeof line === 'object' && line !== null && 'entry' in line;
}

/**
 * The hash of one audit line: sha256 over the previous hash, the sequence number and the entry's
 * canonical JSON line (the same serialisation as journals: bigint as decimal strings, secrets
 * redacted), so recomputing it from the parsed file gives the same bytes.
 */
export function auditHash(prevHash: string, seq: number, entry: unknown): string {
  return auditHashOfLine(prevHash, seq, toJsonLine(entry));
}

/** {@link auditHash} of an entry already serialised with `toJsonLine` (the trail serialises each entry once). */
export function auditHashOfLine(prevHash: string, seq: number, entryLine: string): string {
  // The same bytes as one `${prevHash}\n${seq}\n${entryLine}`, without copying the line (kilobytes,
  // once per recorded decision) into a joined string first.
  return createHash('sha256').update(`${prevHash}\n${seq}\n`).update(entryLine).digest('hex');
}

/**
 * The hash of a seal line: like {@link auditHash}, over the seal's canonical JSON, with a `seal`
 * prefix so that no entry can ever hash the same as a seal.
 */
export function auditSealHash(prevHash: string, seq: number, seal: AuditSeal): string {
  return createHash('sha256')
    .update(`seal\n${prevHash}\n${seq}\n${toJsonLine(seal)}`)
    .digest('hex');
}

/**
 * The hash of a checkpoint line: like {@link auditSealHash}, with a `checkpoint` prefix so that no
 * entry or seal can ever hash the same as a checkpoint.
 */
export function auditCheckpointHash(prevHash: string, seq: number, checkpoint: AuditCheckpoint): string {
  return createHash('sha256')
    .update(`checkpoint\n${prevHash}\n${seq}\n${toJsonLine(checkpoint)}`)
    .digest('hex');
}
