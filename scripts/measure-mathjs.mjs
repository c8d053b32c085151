#!/usr/bin/env node
// Measures whether mathjs would serve the trainer's linear algebra or PerformanceRecorder's statistics
// better than the hand-written loops (issue 12 item 8; numbers in docs/dependencies.md).
// mathjs is not a dependency of the project, so install it in a scratch directory first:
//   mkdir /tmp/mathjs && (cd /tmp/mathjs && npm init -y && npm install mathjs)
//   node --conditions=omni-source --import tsx scripts/measure-mathjs.mjs /tmp/mathjs
// Timings are medians of several runs; the inputs are seeded, so the accuracy figures are exact.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Rng } from '../packages/core/src/rng.ts';
import { Adam } from '../packages/learning/src/adam.ts';
import { initSequenceMlp, trainSequenceMlp } from '../packages/learning/src/sequence-mlp.ts';
import { sharpeRatio, sortinoRatio } from '../packages/runtime/src/performance-recorder.ts';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: measure-mathjs.mjs <directory where `npm install mathjs` was run>');
  process.exit(2);
}
const require = createRequire(join(dir, 'package.json'));
const math = require('mathjs');
const mathVersion = require('mathjs/package.json').version;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function time(fn, runs) {
  const out = [];
  let result;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    result = fn();
    out.push(performance.now() - t0);
  }
  return { ms: median(out), result };
}

// --- 1. PerformanceRecorder statistics: Sharpe and Sortino of 6 594 daily returns (the EURUSD series) ---
const rng = new Rng('measure-mathjs');
const returns = Array.from({ length: 6594 }, () => rng.normal(0.0002, 0.006));
const handStats = () => [sharpeRatio(returns, 252), sortinoRatio(returns, 252)];
const mathStats = () => {
  const mean = math.mean(returns);
  const sharpe = (mean / math.std(returns)) * Math.sqrt(252); // std: unbiased (n − 1), as sharpeRatio
  const downside = math.sqrt(math.mean(returns.map((r) => Math.min(0, r) ** 2)));
  return [sharpe, (mean / downside) * Math.sqrt(252)];
};
for (let i = 0; i < 50; i++) {
  handStats();
  mathStats();
}
const hs = time(handStats, 200);
const ms = time(mathStats, 200);
const statsDiff = Math.max(...hs.result.map((v, i) => Math.abs(v - ms.result[i])));

// --- 2. Trainer: one epoch of mini-batch Adam on the 32 → 8 → 1 MLP, 20 000 windows, batch 64 ---
const N = 32;
const H = 8;
const ROWS = 20_000;
const BATCH = 64;
const features = new Float32Array(ROWS * N);
const labels = new Uint8Array(ROWS);
for (let i = 0; i < features.length; i++) features[i] = rng.normal(0, 1);
for (let i = 0; i < ROWS; i++) labels[i] = rng.bernoulli(0.5) ? 1 : 0;
const rows = Uint32Array.from({ length: ROWS }, (_, i) => i);

const handEpoch = () =>
  trainSequenceMlp(features, labels, rows, N, {
    hidden: H,
    epochs: 1,
    batchSize: BATCH,
    l2: 0,
    rng: new Rng('e'),
  });

/** Mean gradient of one batch with the loops of trainSequenceMlp (reference for the mathjs version). */
function loopGradient(p, start, m) {
  const g = new Float64Array(p.length);
  const act = new Float64Array(H);
  const b1 = N * H;
  const w2 = b1 + H;
  for (let k = start; k < start + m; k++) {
    const off = k * N;
    let z = p[w2 + H];
    for (let j = 0; j < H; j++) {
      let a = p[b1 + j];
      for (let i = 0; i < N; i++) a += p[i * H + j] * features[off + i];
      act[j] = Math.tanh(a);
      z += p[w2 + j] * act[j];
    }
    const d = 1 / (1 + Math.exp(-z)) - labels[k];
    g[w2 + H] += d;
    for (let j = 0; j < H; j++) {
      g[w2 + j] += d * act[j];
      const da = d * p[w2 + j] * (1 - act[j] * act[j]);
      g[b1 + j] += da;
      for (let i = 0; i < N; i++) g[i * H + j] += da * features[off + i];
    }
  }
  return g.map((v) => v / m);
}

/** The same forward/backward written as mathjs matrix algebra (no shuffling; L2 0). */
function mathEpoch(check = false) {
  const model = initSequenceMlp(N, H, new Rng('e').fork('init'));
  const p = model.params;
  const adam = new Adam(p.length, { learningRate: 3e-3 });
  const grad = new Float64Array(p.length);
  for (let start = 0; start < ROWS; start += BATCH) {
    const m = Math.min(BATCH, ROWS - start);
    const X = math.matrix(
      Array.from({ length: m }, (_, r) =>
        Array.from(features.subarray((start + r) * N, (start + r + 1) * N)),
      ),
    );
    const y = math.matrix(Array.from({ length: m }, (_, r) => [labels[start + r]]));
    const W1 = math.reshape(math.matrix(Array.from(p.subarray(0, N * H))), [N, H]);
    const b1 = Array.from(p.subarray(N * H, N * H + H));
    const w2 = math.reshape(math.matrix(Array.from(p.subarray(N * H + H, N * H + 2 * H))), [H, 1]);
    const b2 = p[N * H + 2 * H];
    const A = math.add(math.multiply(X, W1), math.matrix(Array.from({ length: m }, () => b1)));
    const Hm = math.map(A, Math.tanh);
    const Z = math.add(math.multiply(Hm, w2), b2);
    const P = math.map(Z, (z) => 1 / (1 + Math.exp(-z)));
    const D = math.subtract(P, y);
    const gW2 = math.divide(math.multiply(math.transpose(Hm), D), m);
    const dA = math.dotMultiply(
      math.multiply(D, math.transpose(w2)),
      math.map(Hm, (h) => 1 - h * h),
    );
    const gW1 = math.divide(math.multiply(math.transpose(X), dA), m);
    const gb1 = math.divide(math.sum(dA, 0), m);
    const gb2 = math.sum(D) / m;
    grad.set(math.flatten(gW1).toArray(), 0);
    grad.set(gb1.toArray(), N * H);
    grad.set(math.flatten(gW2).toArray(), N * H + H);
    grad[N * H + 2 * H] = gb2;
    if (check) {
      const ref = loopGradient(p, start, m);
      gradientDiff = Math.max(gradientDiff, ...ref.map((v, i) => Math.abs(v - grad[i])));
    }
    adam.step(p, grad);
  }
  return model;
}
let gradientDiff = 0;
handEpoch();
mathEpoch(true);
const he = time(handEpoch, 5);
const me = time(mathEpoch, 5);

// --- 3. Cost of the dependency: cold import time and installed size ---
const importMs = (expr) =>
  median(
    Array.from({ length: 5 }, () => {
      const t0 = performance.now();
      execFileSync(process.execPath, ['-e', expr], { cwd: dir });
      return performance.now() - t0;
    }),
  );
const bareNode = importMs('0');
const withMath = importMs("require('mathjs')");
const du = execFileSync('du', ['-sk', join(dir, 'node_modules')])
  .toString()
  .split('\t')[0];
const packages =
  execFileSync('npm', ['ls', '--all', '--parseable'], { cwd: dir }).toString().trim().split('\n').length - 1;

console.log(`mathjs ${mathVersion}, node ${process.version}`);
console.log(
  `statistics (Sharpe + Sortino, 6 594 returns): hand ${(hs.ms * 1000).toFixed(0)} µs, mathjs ${(ms.ms * 1000).toFixed(0)} µs (${(ms.ms / hs.ms).toFixed(1)}×), max |Δ| ${statsDiff.toExponential(1)}`,
);
console.log(
  `trainer (1 epoch, 20 000 × 32 → 8 → 1, batch 64): hand ${he.ms.toFixed(0)} ms, mathjs ${me.ms.toFixed(0)} ms (${(me.ms / he.ms).toFixed(1)}×), mathjs gradient vs loops max |Δ| ${gradientDiff.toExponential(1)}`,
);
console.log(
  `dependency: ${packages} packages, ${(Number(du) / 1024).toFixed(1)} MB installed; cold start node ${bareNode.toFixed(0)} ms, + require('mathjs') ${(withMath - bareNode).toFixed(0)} ms`,
);
