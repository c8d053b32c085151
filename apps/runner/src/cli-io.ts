/** Where the CLI writes: injectable so tests capture output instead of printing. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  readonly isTty: boolean;
}

/** Exit codes: 0 ok, 1 failure (a check failed, a trail is broken), 2 bad input or configuration. */
export const EXIT = { ok: 0, failed: 1, badInput: 2 } as const;
