import type { Alert, Clock } from '@omni/core';
import type { ExecutionHub, PositionLedger } from '@omni/execution';
import type { SafetyManager } from '@omni/safety';

/**
 * Reconciles the ledger after a restart, before anything new is sent: every position an earlier
 * session left open is handed back to the executor of its market — shadow executors re-arm it and
 * settle it from later prices. One no executor can take (its venue is not this hub's, or the
 * ledger lacks what the executor needs, e.g. a position migrated from old state) is released with a
 * warning when the hub is the shadow hub, and kept — for the broker reconciliation — otherwise.
 */
export function reconcileLedger(
  ledger: PositionLedger,
  hub: ExecutionHub,
  safety: SafetyManager,
  onAlert: (alert: Alert) => void,
  clock: Clock,
): void {
  const tsMs = Math.max(0, Math.floor(clock.nowMs()));
  for (const position of ledger.positions()) {
    const context = {
      decisionId: position.decisionId,
      market: position.market,
      venue: position.venue,
      riskUsd: position.riskUsd,
    };
    if (hub.adopt?.(position)) {
      onAlert({
        tsMs,
        level: 'info',
        code: 'POSITION_RESUMED',
        message: `resumed ${position.market} position ${position.decisionId} left open by an earlier session; it settles from later prices`,
        source: 'createOmniEngine',
        context,
      });
    } else if (hub.name === 'shadow') {
      safety.releaseOpen(position.decisionId);
      onAlert({
        tsMs,
        level: 'warn',
        code: 'SHADOW_POSITION_RELEASED',
        message: `released ${position.market} position ${position.decisionId} left open by an earlier session: no executor of this hub can settle it`,
        source: 'createOmniEngine',
        context,
      });
    } else {
      onAlert({
        tsMs,
        level: 'warn',
        code: 'POSITION_TO_RECONCILE',
        message: `${position.market} position ${position.decisionId} at ${position.venue} is open from an earlier session and must be reconciled with the venue`,
        source: 'createOmniEngine',
        context,
      });
    }
  }
}
