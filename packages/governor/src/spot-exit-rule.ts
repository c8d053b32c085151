/** How a settled spot trade left the market, read from its `TradeOutcome.rule`. */
export interface SpotExit {
  /** Take-profit rungs filled before the position closed (rung k is `tp-k`, nearest first). */
  readonly tpHits: number;
  /** True when the stop closed (the rest of) the position. */
  readonly stopped: boolean;
}

const LEG = /^(?:tp-(\d+)|(stop)(?:-first-both-crossed)?)$/;

/**
 * Parses a spot settlement rule such as `spot-tp-1+tp-2`, `spot-tp-1+stop` or
 * `spot-stop-first-both-crossed` (the legs the shadow spot executor of @omni/execution writes,
 * joined by `+`) into the take-profit rungs hit and whether the stop was hit. Returns `undefined`
 * for any other rule (e.g. a broker's manual close), whose take-profit information is unknown.
 * Why: SpotTPRotator learns "take-profit hit before the stop" per fib level from exactly this.
 *
 * @example
 * parseSpotExitRule('spot-tp-1+stop'); // { tpHits: 1, stopped: true }
 */
export function parseSpotExitRule(rule: string): SpotExit | undefined {
  if (!rule.startsWith('spot-')) return undefined;
  const legs = rule.slice('spot-'.length).split('+');
  let tpHits = 0;
  let stopped = false;
  for (const leg of legs) {
    const m = LEG.exec(leg);
    if (!m || stopped) return undefined;
    if (m[2]) {
      stopped = true;
      continue;
    }
    if (Number(m[1]) !== tpHits + 1) return undefined;
    tpHits++;
  }
  return { tpHits, stopped };
}
