import { runCli } from './program.js';

// A reader that stops early (`omni analyze --json | head`) closes our stdout: the next write fails
// with EPIPE. Nobody is left to read the rest, so stop quietly with exit 0, as other CLIs do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

// The `omni` executable: everything lives in program.ts so tests can drive it in-process.
const code = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  isTty: Boolean(process.stderr.isTTY),
});
process.exitCode = code;
