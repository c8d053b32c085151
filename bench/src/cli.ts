// `pnpm bench`: runs the side-by-side benchmark of issue 14 and writes RESULTS.md and results.json.
import { isOmniError } from '@omni/core';
import { runHarness } from './harness.js';
import { parseOptions, USAGE } from './options.js';

try {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) {
    console.log(USAGE);
  } else {
    const { results, jsonPath, markdownPath } = await runHarness(options, (line) =>
      process.stderr.write(`${line}\n`),
    );
    for (const problem of results.problems) process.stderr.write(`problem: ${problem}\n`);
    console.log(`wrote ${markdownPath} and ${jsonPath}`);
    process.exitCode = results.problems.length > 0 ? 1 : 0;
  }
} catch (err) {
  if (isOmniError(err)) {
    process.stderr.write(`${err.message}\n`);
    process.exitCode = err.code === 'BENCH_BAD_OPTION' ? 2 : 1;
  } else {
    throw err;
  }
}
