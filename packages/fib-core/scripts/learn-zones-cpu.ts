// CPU cost of FibonacciClusterAI.onSwing (one learnZones per swing) on a realistic swing stream, against the frozen
// reference of 75e7080 (src/learn-zones.fixture.ts), with a digest of every result to show they are bit-identical.
// Timing is process.cpuUsage() user time (the machine may be shared; wall time is not used). Usage (from
// packages/fib-core):
//   pnpm exec tsx scripts/learn-zones-cpu.ts [swings=100000] [rounds=5] [--current-only]
// --current-only times the current code alone (no digests), e.g. under node --cpu-prof --import tsx.
// Stream: a seeded one-second random walk as in the bench data (p ← p·exp(2e-5·z), 5 decimals), swings from
// SwingDetector ATR mode 3 × ATR(14) (the engine default swing option) fed every tick.
import { Rng, type Swing } from '@omni/core';
import { SwingDetector } from '@omni/features';
import type { ClusterResult } from '../src/fibonacci-cluster-ai.js';
import { FibonacciClusterAI } from '../src/fibonacci-cluster-ai.js';
import { ReferenceFibonacciClusterAI } from '../src/learn-zones.fixture.js';

const swingTotal = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 5);
const currentOnly = process.argv.includes('--current-only');

const rng = new Rng(20_260_514).fork('random-walk');
const detector = new SwingDetector({ mode: 'atr', multiple: 3, atrPeriod: 14 });
const swings: Swing[] = [];
let price = 1.1;
let ticks = 0;
while (swings.length < swingTotal) {
  price *= Math.exp(2e-5 * rng.normal());
  const p = Math.round(price * 1e5) / 1e5;
  const swing = detector.update({ high: p, low: p, close: p, tsMs: ticks * 1000 });
  ticks++;
  if (swing) swings.push(swing);
}

interface Clusterer {
  onSwing(swing: Swing): ClusterResult;
}

/** FNV-1a over the bits of every number of every result: equal digests = bit-identical streams of results. */
function digestOf(make: () => Clusterer): string {
  const ai = make();
  const f = new Float64Array(1);
  const w = new Uint32Array(f.buffer);
  let h = 0x811c9dc5;
  const mix = (x: number) => {
    f[0] = x;
    for (const word of w) h = Math.imul(h ^ word, 0x01000193) >>> 0;
  };
  const ks = new Map<number, number>();
  for (const s of swings) {
    const r = ai.onSwing(s);
    ks.set(r.k, (ks.get(r.k) ?? 0) + 1);
    mix(r.k);
    mix(r.silhouette);
    mix(r.zones.length);
    for (const z of r.zones) {
      mix(z.center);
      mix(z.low);
      mix(z.high);
      mix(z.touches);
      mix(z.fibLevels);
      mix(z.lastTouchTsMs ?? -1);
      mix(z.strength);
    }
  }
  const kText = [...ks.entries()].sort((a, b) => a[0] - b[0]).map(([k, c]) => `k=${k}: ${c}`);
  return `${h.toString(16).padStart(8, '0')} (${kText.join(', ')})`;
}

/** User CPU µs per onSwing over the whole stream. */
function cpuPerSwing(make: () => Clusterer): number {
  const ai = make();
  const before = process.cpuUsage();
  for (const s of swings) ai.onSwing(s);
  return process.cpuUsage(before).user / swings.length;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
const makeNew = () => new FibonacciClusterAI();
const makeRef = () => new ReferenceFibonacciClusterAI();

console.log(
  `${swings.length} swings from ${ticks} ticks (${(ticks / swings.length).toFixed(1)} ticks per swing)`,
);
if (currentOnly) {
  const t = Array.from({ length: rounds }, () => cpuPerSwing(makeNew));
  console.log(
    `current µs user CPU per onSwing: min ${Math.min(...t).toFixed(2)}, median ${median(t).toFixed(2)}`,
  );
  process.exit(0);
}
const digestNew = digestOf(makeNew);
const digestRef = digestOf(makeRef);
console.log(`digest reference ${digestRef}`);
console.log(`digest current   ${digestNew}  ${digestNew === digestRef ? 'IDENTICAL' : 'DIFFERENT'}`);
const tNew: number[] = [];
const tRef: number[] = [];
for (let r = 0; r < rounds; r++) {
  tRef.push(cpuPerSwing(makeRef));
  tNew.push(cpuPerSwing(makeNew));
}
const line = (name: string, t: number[]) =>
  `${name} µs user CPU per onSwing: min ${Math.min(...t).toFixed(2)}, median ${median(t).toFixed(2)}, max ${Math.max(...t).toFixed(2)}`;
console.log(line('reference (75e7080)', tRef));
console.log(line('current            ', tNew));
console.log(`speed-up (median): ${(median(tRef) / median(tNew)).toFixed(2)}×`);
