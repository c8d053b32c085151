import { dirname, join } from 'node:path';
import { type Clock, type OmniConfig, SystemClock } from '@omni/core';
import { PositionLedger } from '@omni/execution';
import { SafetyManager, type SafetyStatus } from '@omni/safety';
import { formatTable, num } from '../table.js';
import { stateDir } from './check.js';

/** The safety state file used by shadow and live runs of this config. */
export function safetyStatePath(config: OmniConfig, override?: string): string {
  return override ?? join(stateDir(config), 'safety.json');
}

/** Opens the persisted SafetyManager with the position ledger beside it (no trading: status and operator actions only). */
export function openSafety(
  config: OmniConfig,
  statePath: string,
  clock: Clock = new SystemClock(),
): SafetyManager {
  const ledger = PositionLedger.open({ path: join(dirname(statePath), 'ledger.json') });
  return SafetyManager.open({ limits: config.risk, clock, statePath, ledger });
}

/** `omni safety status` as text. */
export function formatSafetyStatus(status: SafetyStatus, statePath: string): string {
  const rows: string[][] = [
    ['mode', status.mode],
    ['cooldown', status.cooldown ? JSON.stringify(status.cooldown) : 'no'],
    ['reduce-only flag', status.reduceOnly ? JSON.stringify(status.reduceOnly) : 'no'],
    ['frozen', status.frozen ? JSON.stringify(status.frozen) : 'no'],
    ['daily PnL (USD)', num(status.dailyPnlUsd)],
    ['daily trades', String(status.dailyTrades)],
    ['loss streak', String(status.lossStreak)],
    ['open positions', String(status.openPositions.length)],
    ...status.openPositions.map((p) => [
      `  ${p.decisionId}`,
      `${p.market} ${p.symbol} at ${p.venue}, ${num(p.riskUsd)} USD at risk`,
    ]),
    ['state file', statePath],
  ];
  return formatTable(['field', 'value'], rows);
}
