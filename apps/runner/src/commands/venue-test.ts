import { type OmniConfig, RuntimeError } from '@omni/core';
import type { BinaryDurationUnit } from '@omni/execution';
import { DERIV_PUBLIC_APP_ID, type DerivVenueTestResult, runDerivVenueTest } from '@omni/venue-deriv';
import { type Mt5VenueTestResult, runMt5VenueTest } from '@omni/venue-mt5';
import type { CliIo } from '../cli-io.js';

/** Flags of `omni venue test NAME`. */
export interface VenueTestFlags {
  readonly symbol?: string;
  readonly order?: boolean;
  readonly stake?: number;
  readonly duration?: number;
  readonly durationUnit?: string;
  readonly listen?: string;
  readonly timeout?: number;
  readonly json?: boolean;
}

/** What a passed venue test reports: the venue's own result object. */
export type VenueTestResult = DerivVenueTestResult | Mt5VenueTestResult;

const DURATION_UNITS: readonly BinaryDurationUnit[] = ['t', 's', 'm', 'h', 'd'];

/**
 * `omni venue test deriv|mt5`: checks a venue end to end with the credentials of the
 * configuration, printing each step on stderr as it passes (stdout keeps the result). Deriv:
 * connect, authorize, balance, ticks, a priced proposal and, with `--order`, one contract bought and
 * followed to settlement. MT5: listen, the EA's hello, ticks, positions, a ping round trip (no
 * order). A failing step is a typed error naming it (exit 1).
 */
export async function runVenueTest(
  name: string,
  config: OmniConfig,
  flags: VenueTestFlags,
  io: CliIo,
): Promise<VenueTestResult> {
  if (name === 'deriv') {
    const { token, appId, wsUrl } = config.credentials.deriv;
    if (token === undefined) {
      throw new RuntimeError(
        'RUNTIME_BAD_INPUT',
        'set DERIV_TOKEN (an API token with read and trade scopes) first',
        {
          venue: name,
        },
      );
    }
    const unit = flags.durationUnit ?? 't';
    if (!DURATION_UNITS.includes(unit as BinaryDurationUnit)) {
      throw new RuntimeError('RUNTIME_BAD_INPUT', '--duration-unit must be one of t, s, m, h, d', { unit });
    }
    return runDerivVenueTest(
      {
        appId: appId ?? DERIV_PUBLIC_APP_ID,
        token,
        ...(wsUrl !== undefined ? { wsUrl } : {}),
        symbol: flags.symbol ?? 'R_100',
        order: flags.order === true,
        stake: flags.stake ?? 1,
        duration: flags.duration ?? 5,
        durationUnit: unit as BinaryDurationUnit,
        seed: config.seed,
      },
      (step, detail) => io.err(`ok  ${step} ${JSON.stringify(detail)}`),
    );
  }
  if (name === 'mt5') {
    const secret = config.credentials.mt5.bridgeSecret;
    if (flags.listen === undefined) {
      throw new RuntimeError(
        'RUNTIME_BAD_INPUT',
        'mt5: --listen HOST:PORT is required (where the EA connects)',
        {},
      );
    }
    if (secret === undefined) {
      throw new RuntimeError(
        'RUNTIME_BAD_INPUT',
        'set MT5_BRIDGE_SECRET (the secret the EA sends in its hello) first',
        {},
      );
    }
    io.err(`mt5: listening on ${flags.listen}; start the OmniBridge EA in the terminal (docs/venues/mt5.md)`);
    return runMt5VenueTest(
      {
        listen: flags.listen,
        secret,
        ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout } : {}),
        ...(flags.symbol !== undefined ? { symbols: [flags.symbol] } : {}),
      },
      (s) => io.err(`ok  ${s.step} ${s.detail}`),
    );
  }
  throw new RuntimeError('RUNTIME_BAD_INPUT', `no venue test for ${name}; venues with one: deriv, mt5`, {
    venue: name,
  });
}

/** A passed test as text. */
export function formatVenueTest(name: string, result: VenueTestResult): string {
  const lines = Object.entries(result).map(
    ([k, v]) => `  ${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`,
  );
  return [`${name}: every step passed`, ...lines].join('\n');
}
