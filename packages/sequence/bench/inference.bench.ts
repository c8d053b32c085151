// `pnpm bench`: latency of the bundled ONNX model through ONNXSequenceAdapter (p50/p99, batch 1)
// and throughput at batch 1024, plus the momentum default for comparison. Timing is allowed here only.
import { Rng } from '@omni/core';
import { defaultModelPath } from '../src/default-model-path.js';
import { MomentumSequenceModel } from '../src/momentum-sequence-model.js';
import { ONNXSequenceAdapter } from '../src/onnx-sequence-adapter.js';

const rng = new Rng('bench');
const windows = Array.from({ length: 1024 }, () => {
  const w = new Float64Array(64);
  let p = 1.1;
  for (let i = 0; i < w.length; i++) w[i] = p *= Math.exp(rng.normal(0, 0.005));
  return w;
});
const quantile = (sorted: number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;

const adapter = await ONNXSequenceAdapter.load(defaultModelPath());
for (let i = 0; i < 500; i++) await adapter.predictDirectionAsync(windows[i % 1024] as Float64Array);
const single: number[] = [];
for (let i = 0; i < 5000; i++) {
  const t0 = performance.now();
  await adapter.predictDirectionAsync(windows[i % 1024] as Float64Array);
  single.push((performance.now() - t0) * 1000);
}
single.sort((a, b) => a - b);
const batchTimes: number[] = [];
for (let i = 0; i < 5; i++) await adapter.predictDirectionBatchAsync(windows);
for (let i = 0; i < 50; i++) {
  const t0 = performance.now();
  await adapter.predictDirectionBatchAsync(windows);
  batchTimes.push(performance.now() - t0);
}
batchTimes.sort((a, b) => a - b);
await adapter.close();

const momentum = new MomentumSequenceModel();
const mom: number[] = [];
for (let i = 0; i < 20000; i++) {
  const t0 = performance.now();
  momentum.predictDirection(windows[i % 1024] as Float64Array);
  mom.push((performance.now() - t0) * 1000);
}
mom.sort((a, b) => a - b);

const f = (x: number): string => x.toFixed(1);
console.log(`model ${adapter.name}, window ${adapter.windowLength}, intra-op threads 1`);
console.log(
  `onnx batch 1   : p50 ${f(quantile(single, 0.5))} µs, p99 ${f(quantile(single, 0.99))} µs (n = ${single.length}, includes normalisation and the async hop)`,
);
const p50Batch = quantile(batchTimes, 0.5);
console.log(
  `onnx batch 1024: p50 ${p50Batch.toFixed(3)} ms per batch -> ${Math.round(1024 / (p50Batch / 1000)).toLocaleString('en-US')} windows/s`,
);
console.log(`momentum (64-price window): p50 ${f(quantile(mom, 0.5))} µs, p99 ${f(quantile(mom, 0.99))} µs`);
