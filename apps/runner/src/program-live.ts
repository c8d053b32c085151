import { userInfo } from 'node:os';
import type { OmniConfig, OmniConfigInput } from '@omni/core';
import type { Command } from 'commander';
import { type ConfigFlags, integer } from './cli-args.js';
import { type CliIo, EXIT } from './cli-io.js';
import { formatBacktestSummary } from './commands/backtest.js';
import { stateDir } from './commands/check.js';
import { type LiveFlags, runLive } from './commands/live.js';
import { allowancePath, writeAllowance } from './live-allowance.js';
import { findVenue } from './venues.js';

type ConfigFrom = (flags: ConfigFlags, overrides?: OmniConfigInput) => OmniConfig;

/**
 * The commands that touch a real venue: `omni live`, `omni venue test`, `omni safety allow-live`
 * (kept apart from program.ts, which holds the research and shadow commands).
 */
export function registerLiveCommands(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
  configFrom: ConfigFrom,
): void {
  program
    .command('live')
    .description(
      'trade at a real venue (micro-live, then scaled-live): refuses unless the deployment checklist passes and live is confirmed',
    )
    .option('--venue <name>', 'deriv (binary options) or mt5 (spot FX through the OmniBridge EA)')
    .option('--venue-config <json>', "the venue's settings as JSON (see omni venues)")
    .option('--symbol <symbol>', "the venue's symbol, e.g. R_100 (deriv) or EURUSD (mt5)")
    .option('--mode <mode>', 'micro-live | scaled-live (default: OMNI_MODE)')
    .option('--confirm-live', 'the explicit opt-in to send real orders (or OMNI_CONFIRM_LIVE=1)')
    .option('--live', 'alias of --confirm-live')
    .option('--records <dir>', 'scaled-live: where earlier run folders are (their summary.json)', 'omni-runs')
    .option('--config <file>', 'JSON config file')
    .option('--seed <n>', 'seed of the run', integer)
    .option('--out <dir>', 'output directory (default omni-runs/<mode>)')
    .option('--max-ticks <n>', 'stop after this many ticks', integer)
    .option('--json', 'print the summary as JSON')
    .action(async (flags: LiveFlags & ConfigFlags & { json?: boolean }) => {
      const summary = await runLive(configFrom(flags), flags, io);
      io.out(flags.json ? JSON.stringify(summary, null, 2) : formatBacktestSummary(summary));
      setExit(EXIT.ok);
    });

  const safety = program.commands.find((c) => c.name() === 'safety');
  safety
    ?.command('allow-live')
    .description(
      'allow live trading at a venue again after an incident switched it to shadow (journaled by the run)',
    )
    .requiredOption('--venue <name>', 'the venue, e.g. deriv')
    .requiredOption('--reason <text>', 'why it is safe to trade live again')
    .option('--operator <name>', 'who allows it', userInfo().username)
    .option('--config <file>', 'JSON config file')
    .option('--json', 'print JSON')
    .action((flags: ConfigFlags & { venue: string; reason: string; operator: string; json?: boolean }) => {
      const config = configFrom(flags);
      findVenue(flags.venue);
      const allowance = writeAllowance(stateDir(config), flags.venue, {
        tsMs: Date.now(),
        operator: flags.operator,
        reason: flags.reason,
      });
      const path = allowancePath(stateDir(config));
      io.out(
        flags.json
          ? JSON.stringify({ venue: flags.venue, ...allowance, file: path })
          : `live trading at ${flags.venue} allowed by ${allowance.operator}: ${allowance.reason} (${path}); a running omni live resumes within a second once the venue is healthy`,
      );
      setExit(EXIT.ok);
    });
}
