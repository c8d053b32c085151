/**
 * Test fixture (run as a child process by shadow-resume.test.ts): one `omni shadow` session on a
 * replay file that kills itself with SIGKILL right after the engine processed tick `killAt` — a
 * real crash: buffered journal records are lost, no finally block runs. `killAt` 0 = run to the end.
 * A kill point inside the silent replay of a resumed session (`replay:<n>`) crashes during the replay.
 *
 * Usage: node --conditions=omni-source --import tsx shadow-crash.fixture.ts <data.csv> <outDir> <killAt>
 */
import { loadConfig } from '@omni/core';
import { runShadow } from './shadow.js';

const [data, out, killAtText] = process.argv.slice(2);
if (data === undefined || out === undefined || killAtText === undefined) {
  process.stderr.write('usage: shadow-crash.fixture.ts <data.csv> <outDir> <killAt|replay:n>\n');
  process.exit(2);
}
const duringReplay = killAtText.startsWith('replay:');
const killAt = Number(duringReplay ? killAtText.slice('replay:'.length) : killAtText);
const config = loadConfig({ overrides: { mode: 'shadow' } });
await runShadow(
  config,
  { data, out, symbol: 'GBPUSD' },
  { out: () => undefined, err: () => undefined, isTty: false },
  {
    afterTick: (engine) => {
      if (killAt > 0 && engine.runtime.ticks === killAt && engine.runtime.replaying === duringReplay) {
        process.kill(process.pid, 'SIGKILL');
      }
    },
  },
);
