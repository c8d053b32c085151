// Generates the body of docs/fib-core-example.md: runs analyzeSeries on a bundled real FX series and prints the
// swings' Elliott counts and harmonic patterns with dates and prices. Usage (from packages/fib-core):
//   pnpm exec tsx scripts/fx-example.ts EURUSD 2021-01-01 > /tmp/example.md
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeSeries, type PricePoint } from '../src/index.js';

const pair = process.argv[2] ?? 'EURUSD';
const from = process.argv[3] ?? '2021-01-01';
const path = join(import.meta.dirname, '..', '..', 'feeds', 'data', 'fx', `${pair}.csv`);
const lines = readFileSync(path, 'utf8').trim().split('\n');
const points: PricePoint[] = [];
for (const line of lines.slice(1)) {
  const [date, price] = line.split(',');
  if (!date || !price || date < from) continue;
  points.push({ tsMs: Date.parse(`${date}T00:00:00Z`), price: Number(price) });
}

const swing = { mode: 'atr', multiple: 4, atrPeriod: 14 } as const;
const a = analyzeSeries(points, { swing, harmonic: { tolerance: 0.05 } });
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const px = (x: number) => x.toFixed(pair.endsWith('JPY') ? 3 : 5);

const out: string[] = [];
out.push(
  `Input: \`packages/feeds/data/fx/${pair}.csv\`, ${points.length} daily closes from ${day(points[0]?.tsMs ?? 0)} to ${day(points[points.length - 1]?.tsMs ?? 0)}.`,
);
out.push(
  `Swing detector: ATR mode, ${swing.multiple} × ATR(${swing.atrPeriod}) of daily closes; harmonic tolerance 5 %.`,
);
out.push('');
out.push(`### Confirmed swings (${a.swings.length})`);
out.push('');
out.push('| # | kind | date of extreme | price | confirmed on |');
out.push('|---|---|---|---|---|');
a.swings.forEach((s, i) => {
  out.push(`| ${i} | ${s.kind} | ${day(s.tsMs)} | ${px(s.price)} | ${day(s.confirmedTsMs)} |`);
});
out.push('');
out.push(`### Complete Elliott structures (${a.waveCounts.length})`);
out.push('');
out.push('| completed at swing | structure | direction | score | points (label date price) |');
out.push('|---|---|---|---|---|');
for (const w of a.waveCounts) {
  const pts = w.count.swings.map((s, i) => `${w.count.labels[i]} ${day(s.tsMs)} ${px(s.price)}`).join('; ');
  out.push(
    `| ${w.atSwing} | ${w.count.structure} | ${w.count.direction} | ${w.count.score.toFixed(2)} | ${pts} |`,
  );
}
out.push('');
out.push(`### Harmonic patterns completed at a swing (${a.harmonics.length})`);
out.push('');
out.push('| pattern | direction | score | X | A | B | C | D | PRZ |');
out.push('|---|---|---|---|---|---|---|---|---|');
for (const h of a.harmonics) {
  const p = h.points;
  const cell = (s: { tsMs: number; price: number }) => `${day(s.tsMs)} ${px(s.price)}`;
  out.push(
    `| ${h.pattern} | ${h.direction} | ${h.score.toFixed(2)} | ${cell(p.X)} | ${cell(p.A)} | ${cell(p.B)} | ${cell(p.C)} | ${cell(p.D)} | ${px(h.prz[0])}–${px(h.prz[1])} |`,
  );
}
out.push('');
out.push('### Reading at the last swing');
out.push('');
if (a.wave.kind === 'count') {
  const w = a.wave;
  out.push(
    `Primary count: ${w.count.structure} ${w.count.complete ? '(complete)' : `waves 1–${w.count.swings.length - 1}`} ${w.count.direction}, score ${w.count.score.toFixed(2)}; now in **${w.position}** (next move ${w.nextDirection}); invalidation ${px(w.invalidation)}.`,
  );
  out.push('');
  for (const t of w.targets) out.push(`- target: ${t.label} → ${px(t.price)}`);
  for (const n of w.count.notes) out.push(`- ${n}`);
  if (w.alternatives.length > 0)
    out.push(`- alternatives: ${w.alternatives.map((c) => c.structure).join(', ')}`);
} else {
  out.push(`No count: ${a.wave.reason}.`);
}
out.push('');
out.push(`Forming harmonic patterns after the last swing: ${a.forming.length === 0 ? 'none' : ''}`);
for (const f of a.forming) out.push(`- ${f.direction} ${f.pattern}: PRZ ${px(f.prz[0])}–${px(f.prz[1])}`);
out.push('');
out.push(
  `k-means zones (k = ${a.zones.k}, silhouette ${a.zones.silhouette.toFixed(3)}): ${a.zones.zones.map((z) => `${px(z.low)}–${px(z.high)} (${z.touches} touches, strength ${z.strength.toFixed(2)})`).join('; ')}.`,
);
if (a.levels) {
  out.push('');
  out.push(
    `Fib levels of the last leg ${px(a.levels.start)} → ${px(a.levels.end)}: retracements ${a.levels.retracements.map((l) => `${l.ratio} = ${px(l.price)}`).join(', ')}; extensions ${a.levels.extensions.map((l) => `${l.ratio} = ${px(l.price)}`).join(', ')}.`,
  );
}
process.stdout.write(`${out.join('\n')}\n`);
