import { runCli } from './program.js';

// The `omni` executable: everything lives in program.ts so tests can drive it in-process.
const code = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  isTty: Boolean(process.stderr.isTTY),
});
process.exitCode = code;
