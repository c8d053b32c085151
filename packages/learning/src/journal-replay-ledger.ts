import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { JournalError, readJsonFile, writeJsonAtomic } from '@omni/core';
import { z } from 'zod';

/** One run's journals as learned from: where they were and the hashes of their bytes. */
export const ReplayedJournalsSchema = z.object({
  runDir: z.string().min(1),
  decisionsSha256: z.string().length(64),
  tradesSha256: z.string().length(64),
  trades: z.number().int().nonnegative(),
});
/** One entry of a {@link JournalReplayLedger}. */
export type ReplayedJournals = z.infer<typeof ReplayedJournalsSchema>;

const LedgerFileSchema = z.object({
  kind: z.literal('omni-replayed-journals'),
  version: z.literal(1),
  runs: z.array(ReplayedJournalsSchema),
});
type LedgerFile = z.infer<typeof LedgerFileSchema>;

/** The identity of a journal: sha256 over its files' bytes in the order given (a rotated set in write order). */
export function journalSha256(files: readonly string[]): string {
  const hash = createHash('sha256');
  for (const file of files) {
    try {
      hash.update(readFileSync(file));
    } catch (err) {
      throw new JournalError('JOURNAL_UNREADABLE', 'cannot read the journal', { file }, { cause: err });
    }
  }
  return hash.digest('hex');
}

/**
 * The journals a learner state was taught from offline (a JSON file beside the state, e.g.
 * `governor.replayed.json`). Why: replaying the same run twice would count each of its trades twice,
 * and nothing in the learner state itself says which trades it has seen.
 *
 * @example
 * const ledger = new JournalReplayLedger('state/governor.replayed.json');
 * const entry = { runDir, decisionsSha256: journalSha256(decisionFiles), tradesSha256: journalSha256(tradeFiles), trades: 0 };
 * if (!ledger.find(entry)) { ...learn...; ledger.record({ ...entry, trades: summary.trades }); }
 */
export class JournalReplayLedger {
  /** The ledger file. */
  readonly path: string;
  #file: LedgerFile;

  /** Reads `path` (a missing file is an empty ledger); StateError `STATE_INVALID` for a corrupt one. */
  constructor(path: string) {
    this.path = path;
    this.#file = readJsonFile(path, LedgerFileSchema) ?? {
      kind: 'omni-replayed-journals',
      version: 1,
      runs: [],
    };
  }

  /** Every run learned from, oldest first. */
  get runs(): readonly ReplayedJournals[] {
    return this.#file.runs;
  }

  /** The earlier entry with the same decisions and trades bytes, if these journals were learned from. */
  find(journals: Pick<ReplayedJournals, 'decisionsSha256' | 'tradesSha256'>): ReplayedJournals | undefined {
    return this.#file.runs.find(
      (r) => r.decisionsSha256 === journals.decisionsSha256 && r.tradesSha256 === journals.tradesSha256,
    );
  }

  /** Appends an entry and writes the ledger atomically. */
  record(journals: ReplayedJournals): void {
    const next: LedgerFile = { ...this.#file, runs: [...this.#file.runs, journals] };
    writeJsonAtomic(this.path, next);
    this.#file = next;
  }
}
