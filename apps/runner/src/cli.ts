import { prestartSweepThreads, releasePrestartedThreads, sweepThreadsToPrestart } from './sweep/prestart.js';

// A reader that stops early (`omni analyze --json | head`) closes our stdout: the next write fails
// with EPIPE. Nobody is left to read the rest, so stop quietly with exit 0, as other CLIs do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

// `omni sweep` on local threads: its worker threads start loading the engine now, on the other
// cores, while this thread loads it below (docs/sweeps.md, "Workers").
const argv = process.argv.slice(2);
prestartSweepThreads(sweepThreadsToPrestart(argv));

// The `omni` executable: everything lives in program.ts so tests can drive it in-process.
const { runCli } = await import('./program.js');
const code = await runCli(argv, {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  isTty: Boolean(process.stderr.isTTY),
});
await releasePrestartedThreads();
process.exitCode = code;
