import { userInfo } from 'node:os';
import { type OmniConfig, type OmniConfigInput, SystemClock } from '@omni/core';
import type { Command } from 'commander';
import { type ConfigFlags, integer, positive } from './cli-args.js';
import { type CliIo, EXIT } from './cli-io.js';
import type { ArbDemoFlags } from './commands/arb-demo.js';
import { formatBacktestSummary } from './commands/backtest.js';
import { stateDir } from './commands/check.js';
import type { LiveFlags } from './commands/live.js';
import type { VenueTestFlags } from './commands/venue-test.js';
import { allowancePath, writeAllowance } from './live-allowance.js';

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
    .option(
      '--venue <name>',
      'deriv (binary options), mt5 (spot FX through the OmniBridge EA) or evm (flash-swap arbitrage on DEX_RPC)',
    )
    .option('--venue-config <json>', "the venue's settings as JSON (see omni venues)")
    .option('--symbol <symbol>', "the venue's symbol, e.g. R_100 (deriv), EURUSD (mt5) or WETHUSD (evm)")
    .option('--mode <mode>', 'micro-live | scaled-live (default: OMNI_MODE)')
    .option('--confirm-live', 'the explicit opt-in to send real orders (or OMNI_CONFIRM_LIVE=1)')
    .option('--live', 'alias of --confirm-live')
    .option('--records <dir>', 'scaled-live: where earlier run folders are (their summary.json)', 'omni-runs')
    .option('--config <file>', 'JSON config file')
    .option('--seed <n>', 'seed of the run', integer)
    .option('--out <dir>', 'output directory of this session (default omni-runs/<mode>/<start time>)')
    .option('--max-ticks <n>', 'stop after this many ticks', integer)
    .option(
      '--plan',
      'run every check and print what would run (caps, stake cap, evidence), then stop without connecting',
    )
    .option('--json', 'print the summary (or the plan) as JSON')
    .action(async (flags: LiveFlags & ConfigFlags & { json?: boolean; plan?: boolean }) => {
      const { planLive, runLive } = await import('./commands/live.js');
      if (flags.plan) {
        const plan = await planLive(configFrom(flags), flags, io, new SystemClock());
        const shown = {
          mode: plan.mode,
          venue: plan.venue.venue.name,
          markets: plan.markets,
          risk: plan.config.risk,
          notes: plan.notes,
        };
        io.out(
          flags.json
            ? JSON.stringify(shown, null, 2)
            : [`${plan.mode} at ${shown.venue} (${plan.markets.join(', ')} live): ready`, ...plan.notes].join(
                '\n',
              ),
        );
        setExit(EXIT.ok);
        return;
      }
      const summary = await runLive(configFrom(flags), flags, io);
      io.out(flags.json ? JSON.stringify(summary, null, 2) : formatBacktestSummary(summary));
      setExit(EXIT.ok);
    });

  program
    .command('venue')
    .description('check a live venue end to end')
    .command('test')
    .argument('<name>', 'deriv | mt5')
    .description(
      'deriv: connect, authorize, balance, ticks, a proposal (and with --order one contract to settlement); mt5: wait for the EA and check the round trip',
    )
    .option('--symbol <symbol>', 'deriv: the symbol (default R_100); mt5: a symbol to subscribe')
    .option('--order', 'deriv: buy one contract and follow it to settlement (real money on a real account)')
    .option('--stake <n>', 'deriv: the stake', positive, 1)
    .option('--duration <n>', 'deriv: the contract duration', integer, 5)
    .option('--duration-unit <unit>', 'deriv: t (ticks), s, m, h or d', 't')
    .option('--listen <host:port>', 'mt5: where the EA connects, e.g. 127.0.0.1:5555')
    .option('--timeout <ms>', 'mt5: longest wait for each step', integer)
    .option('--config <file>', 'JSON config file')
    .option('--json', 'print the result as one JSON object')
    .action(async (name: string, flags: VenueTestFlags & ConfigFlags) => {
      const { formatVenueTest, runVenueTest } = await import('./commands/venue-test.js');
      const result = await runVenueTest(name, configFrom(flags), flags, io);
      io.out(flags.json ? JSON.stringify(result) : formatVenueTest(name, result));
      setExit(EXIT.ok);
    });

  program
    .command('arb')
    .description('flash-swap arbitrage on a local EVM')
    .command('demo')
    .description(
      'start a local chain with two Uniswap V2 pools apart by --gap-bps; find, size and execute the arbitrage; print predicted and realised profit',
    )
    .option('--gap-bps <n>', "pool B's price above pool A's, basis points", Number, 100)
    .option('--seed <n>', "seed of the pools' depth and price", integer)
    .option('--config <file>', 'JSON config file (engines.arbitrage: ethUsd, minProfitUsd)')
    .option('--json', 'print one JSON object')
    .action(async (flags: ArbDemoFlags & ConfigFlags & { json?: boolean }) => {
      const { formatArbDemo, runArbDemo } = await import('./commands/arb-demo.js');
      const result = await runArbDemo(configFrom(flags), flags, io);
      io.out(flags.json ? JSON.stringify(result) : formatArbDemo(result));
      setExit(EXIT.ok);
    });

  // `omni safety allow-live` joins the safety commands, so they must exist already (program.ts).
  const safety = program.commands.find((c) => c.name() === 'safety');
  if (safety === undefined) throw new Error('register the safety commands before the live ones');
  safety
    .command('allow-live')
    .description(
      'allow live trading at a venue again after an incident switched it to shadow (journaled by the run)',
    )
    .requiredOption('--venue <name>', 'the venue, e.g. deriv')
    .requiredOption('--reason <text>', 'why it is safe to trade live again')
    .option('--operator <name>', 'who allows it', userInfo().username)
    .option('--config <file>', 'JSON config file')
    .option('--json', 'print JSON')
    .action(
      async (flags: ConfigFlags & { venue: string; reason: string; operator: string; json?: boolean }) => {
        const config = configFrom(flags);
        (await import('./venues.js')).findVenue(flags.venue);
        const allowance = writeAllowance(stateDir(config), flags.venue, {
          tsMs: Math.floor(new SystemClock().nowMs()),
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
      },
    );
}
