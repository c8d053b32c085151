import { runCli } from './program.js';

/** What one in-process `omni` run printed and returned (test helper, not exported by the app). */
export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs the `omni` CLI in-process with captured stdout/stderr and no TTY. */
export async function omni(argv: readonly string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t), isTty: false });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
