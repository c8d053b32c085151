/** Test support: a bridge on 127.0.0.1 with a manual clock and scheduler, and a way to await its events. */
import { ManualScheduler } from '@omni/connection';
import { type Alert, Secret } from '@omni/core';
import { Mt5Bridge } from './mt5-bridge.js';
import type { Mt5BridgeEvent, Mt5BridgeOptions } from './mt5-bridge-types.js';

export const SECRET = 'bridge-secret-for-tests-7f3a';
export const T0 = 1_700_000_000_000;

/** A started bridge on a free port; timers move only with `scheduler.advance`. */
export async function startBridge(options: Partial<Mt5BridgeOptions> = {}) {
  const scheduler = new ManualScheduler(T0);
  const alerts: Alert[] = [];
  const bridge = new Mt5Bridge({
    port: 0,
    secret: new Secret(SECRET),
    clock: scheduler,
    scheduler,
    onAlert: (a) => alerts.push(a),
    ...options,
  });
  await bridge.start();
  return { bridge, scheduler, alerts, port: bridge.address.port };
}

/** Resolves with the next bridge event matching `match` (listeners run in order, so earlier ones have seen it). */
export function nextEvent(bridge: Mt5Bridge, match: (e: Mt5BridgeEvent) => boolean): Promise<Mt5BridgeEvent> {
  return new Promise((resolve) => {
    const off = bridge.on((e) => {
      if (!match(e)) return;
      off();
      resolve(e);
    });
  });
}

/** The next EA message of `type`. */
export function nextMessage(bridge: Mt5Bridge, type: string): Promise<Mt5BridgeEvent> {
  return nextEvent(bridge, (e) => e.kind === 'message' && e.message.type === type);
}
