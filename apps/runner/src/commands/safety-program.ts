import { userInfo } from 'node:os';
import type { OmniConfig, OmniConfigInput } from '@omni/core';
import type { Command } from 'commander';
import type { ConfigFlags } from '../cli-args.js';
import { type CliIo, EXIT } from '../cli-io.js';
import { formatSafetyStatus, openSafety, safetyStatePath } from './safety.js';

type ConfigFrom = (flags: ConfigFlags, overrides?: OmniConfigInput) => OmniConfig;
const toJson = (value: unknown): string => JSON.stringify(value, null, 2);

/** `omni safety status` and `omni safety reset` (text, or one JSON object with `--json`). */
export function registerSafetyCommands(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
  configFrom: ConfigFrom,
): void {
  const safety = program.command('safety').description('safety state of shadow and live runs');
  safety
    .command('status')
    .option('--config <file>', 'JSON config file')
    .option('--state <file>', 'safety state file (default <logDir>/state/safety.json)')
    .option('--json', 'print one JSON object instead of a table')
    .action((flags) => {
      const config = configFrom(flags);
      const path = safetyStatePath(config, flags.state);
      const status = openSafety(config, path).status();
      io.out(flags.json ? toJson({ statePath: path, ...status }) : formatSafetyStatus(status, path));
      setExit(EXIT.ok);
    });
  safety
    .command('reset')
    .description('lift a cooldown or reduce-only state (journaled; refused while frozen)')
    .requiredOption('--reason <text>', 'why it is safe to trade again')
    .option('--operator <name>', 'who resets', userInfo().username)
    .option('--config <file>', 'JSON config file')
    .option('--state <file>', 'safety state file (default <logDir>/state/safety.json)')
    .option('--json', 'print one JSON object instead of text')
    .action((flags) => {
      const config = configFrom(flags);
      const path = safetyStatePath(config, flags.state);
      const manager = openSafety(config, path);
      const action = manager.reset({ reason: flags.reason, operator: flags.operator });
      manager.save();
      const status = manager.status();
      if (flags.json) io.out(toJson({ statePath: path, action, status }));
      else io.out(`reset by ${action.operator}: ${action.reason}\n${formatSafetyStatus(status, path)}`);
      setExit(EXIT.ok);
    });
}
