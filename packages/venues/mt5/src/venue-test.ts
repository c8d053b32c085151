import { type Scheduler, systemScheduler } from '@omni/connection';
import { type Alert, type Clock, Secret, SystemClock } from '@omni/core';
import { Mt5Bridge } from './mt5-bridge.js';
import type { Mt5BridgeEvent, Mt5Session } from './mt5-bridge-types.js';
import { Mt5Error, type Mt5ErrorCode } from './mt5-error.js';

/** Options of {@link runMt5VenueTest} (`omni venue test mt5 --listen 127.0.0.1:PORT`). */
export interface Mt5VenueTestOptions {
  /** `host:port` to listen on, e.g. `127.0.0.1:5555`. */
  readonly listen: string;
  /** The shared secret (MT5_BRIDGE_SECRET) the EA must present. */
  readonly secret: Secret | string;
  /** Longest wait for each step (the EA's hello, the first ticks, the positions, the pong). Default 60 000 ms. */
  readonly timeoutMs?: number;
  /** Symbols to subscribe; default: only those of the EA's `Symbols` input. */
  readonly symbols?: readonly string[];
  /** Ticks to wait for. Default 1. */
  readonly ticks?: number;
  readonly clock?: Clock;
  readonly scheduler?: Scheduler;
  readonly onAlert?: (alert: Alert) => void;
}

/** What the venue test found (JSON-friendly; no secret). */
export interface Mt5VenueTestResult {
  readonly connected: true;
  readonly account: number;
  readonly server: string;
  readonly build: number;
  readonly ticks: number;
  readonly roundTripMs: number;
  readonly positions: number;
}

/** One step of the venue test, as it completes. */
export interface Mt5VenueTestStep {
  readonly step: 'listen' | 'hello' | 'ticks' | 'positions' | 'ping';
  readonly detail: string;
}

/**
 * The MT5 venue test: listens on `listen`, waits for the OmniBridge EA's hello (secret checked),
 * receives ticks, asks for the positions and measures a ping/pong round trip. It places no order.
 * Resolves with `{connected:true, account, server, ticks, roundTripMs, positions}`; rejects with an
 * {@link Mt5Error} whose context names the step (`MT5_NO_EA`, `MT5_AUTH_DENIED`, `MT5_NO_TICKS`,
 * `MT5_NO_POSITIONS`, `MT5_NO_PONG`, `MT5_SESSION_LOST`, `MT5_LISTEN_FAILED`).
 *
 * @example
 * const result = await runMt5VenueTest({ listen: '127.0.0.1:5555', secret }, (s) => console.log(s.step, s.detail));
 */
export async function runMt5VenueTest(
  options: Mt5VenueTestOptions,
  onStep: (step: Mt5VenueTestStep) => void = () => {},
): Promise<Mt5VenueTestResult> {
  const match = /^(.+):(\d{1,5})$/.exec(options.listen);
  const port = match === null ? Number.NaN : Number(match[2]);
  if (match === null || port > 65_535) {
    throw new Mt5Error('MT5_BAD_OPTION', '--listen must be host:port, e.g. 127.0.0.1:5555', {
      step: 'listen',
      listen: options.listen,
    });
  }
  const clock = options.clock ?? new SystemClock();
  const scheduler = options.scheduler ?? systemScheduler;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const wantTicks = options.ticks ?? 1;
  const secret = typeof options.secret === 'string' ? new Secret(options.secret) : options.secret;
  let denied: string | undefined;
  const bridge = new Mt5Bridge({
    host: match[1] as string,
    port,
    secret,
    clock,
    scheduler,
    onAlert: (alert) => {
      if (alert.code === 'MT5_AUTH_DENIED') {
        denied = alert.message;
        queueMicrotask(() => wake?.());
      }
      options.onAlert?.(alert);
    },
  });
  const events: Mt5BridgeEvent[] = [];
  let wake: (() => void) | undefined;
  const off = bridge.on((event) => {
    events.push(event);
    wake?.();
  });
  /** Waits until `found` returns a value, the session drops, or the step times out. */
  const until = <T>(
    step: Mt5VenueTestStep['step'],
    code: Mt5ErrorCode,
    what: string,
    found: () => T | undefined,
  ) =>
    new Promise<T>((resolve, reject) => {
      const timer = scheduler.after(timeoutMs, () => {
        wake = undefined;
        reject(new Mt5Error(code, `${what} within ${timeoutMs} ms`, { step, listen: options.listen }));
      });
      const check = (): void => {
        if (step === 'hello' && denied !== undefined) {
          // A refused hello is the answer: the EA's Secret (or account) must change before a retry.
          timer.cancel();
          wake = undefined;
          reject(new Mt5Error('MT5_AUTH_DENIED', denied, { step, listen: options.listen }));
          return;
        }
        if (step !== 'hello' && events.some((e) => e.kind === 'down')) {
          timer.cancel();
          wake = undefined;
          reject(
            new Mt5Error('MT5_SESSION_LOST', 'the EA session ended during the test', {
              step,
              listen: options.listen,
            }),
          );
          return;
        }
        const value = found();
        if (value === undefined) return;
        timer.cancel();
        wake = undefined;
        resolve(value);
      };
      wake = check;
      check();
    });
  try {
    await bridge.start();
    onStep({ step: 'listen', detail: `listening on ${bridge.address.host}:${bridge.address.port}` });
    const session = await until<Mt5Session>('hello', 'MT5_NO_EA', 'no EA said hello', () => {
      const up = events.find((e) => e.kind === 'up');
      return up?.session;
    });
    onStep({
      step: 'hello',
      detail: `account ${session.account} on ${session.server}, terminal build ${session.build}`,
    });
    if (options.symbols !== undefined && options.symbols.length > 0) {
      bridge.send({ type: 'subscribe', symbols: options.symbols });
    }
    const countTicks = (): number =>
      events.filter((e) => e.kind === 'message' && e.message.type === 'tick').length;
    const ticks = await until(
      'ticks',
      'MT5_NO_TICKS',
      `fewer than ${wantTicks} ticks (is the market open?)`,
      () => (countTicks() >= wantTicks ? countTicks() : undefined),
    );
    onStep({ step: 'ticks', detail: `${ticks} tick(s)` });
    bridge.send({ type: 'positions?', req: 1 });
    const positions = await until('positions', 'MT5_NO_POSITIONS', 'no answer to positions?', () => {
      for (const e of events)
        if (e.kind === 'message' && e.message.type === 'positions' && e.message.req === 1)
          return e.message.items.length;
      return undefined;
    });
    onStep({ step: 'positions', detail: `${positions} open position(s) of the EA's magic number` });
    const sentMs = clock.nowMs();
    bridge.send({ type: 'ping', id: 1 });
    const roundTripMs = await until('ping', 'MT5_NO_PONG', 'no pong', () => {
      for (const e of events)
        if (e.kind === 'message' && e.message.type === 'pong' && e.message.id === 1)
          return Math.max(0, clock.nowMs() - sentMs);
      return undefined;
    });
    onStep({ step: 'ping', detail: `round trip ${roundTripMs} ms` });
    return {
      connected: true,
      account: session.account,
      server: session.server,
      build: session.build,
      ticks,
      roundTripMs,
      positions,
    };
  } finally {
    off();
    await bridge.stop();
  }
}
