/**
 * Replays the bundled real EURUSD daily series, cleans it, and counts five-day bars.
 * Run from packages/feeds after `pnpm build`: `pnpm exec tsx examples/replay-eurusd.ts`
 */
import type { Alert } from '@omni/core';
import { BarAggregator, bundledFxPath, ReplayFeed } from '@omni/feeds';

const alerts: Alert[] = [];
const feed = new ReplayFeed({
  path: bundledFxPath('EURUSD'),
  policy: 'skip-and-alert',
  onAlert: (alert) => alerts.push(alert),
});
const weeks = new BarAggregator({ kind: 'ticks', count: 5 });
let ticks = 0;
let bars = 0;
let last = 0;
for await (const tick of feed) {
  ticks++;
  last = tick.price;
  if (weeks.update(tick)) bars++;
}
console.log(
  `${feed.name}: ${ticks} daily ticks, ${bars} five-day bars, last close ${last}, ${alerts.length} alerts`,
);
