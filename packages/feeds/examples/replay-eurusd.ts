/**
 * Replays the bundled real EURUSD daily series, cleans it, and reports its range.
 * Run from packages/feeds after `pnpm build`: `pnpm exec tsx examples/replay-eurusd.ts`
 * (bars: `BarAggregator` of @omni/features).
 */
import type { Alert } from '@omni/core';
import { bundledFxPath, ReplayFeed } from '@omni/feeds';

const alerts: Alert[] = [];
const feed = new ReplayFeed({
  path: bundledFxPath('EURUSD'),
  policy: 'skip-and-alert',
  onAlert: (alert) => alerts.push(alert),
});
let ticks = 0;
let low = Number.POSITIVE_INFINITY;
let high = 0;
let last = 0;
for await (const tick of feed) {
  ticks++;
  last = tick.price;
  if (tick.price < low) low = tick.price;
  if (tick.price > high) high = tick.price;
}
console.log(
  `${feed.name}: ${ticks} daily ticks, low ${low}, high ${high}, last close ${last}, ${alerts.length} alerts`,
);
