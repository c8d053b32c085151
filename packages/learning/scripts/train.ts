// `pnpm --filter @omni/learning run train`: trains the default sequence model on the bundled real FX
// data (packages/feeds/data/fx/*.csv) and writes packages/sequence/models/omni-seq-default.onnx plus
// its metrics JSON. Options: --data-dir DIR, --out-dir DIR, --until YYYY-MM-DD (default 2014-12-31),
// --seed S, --window N, --horizon H, --hidden H, --epochs E. `omni train` trains through the same
// trainDefaultSequenceModel, so both give byte-identical models for the same data and options.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MODEL_CONTRACT } from '@omni/sequence';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { priceFilesIn, trainDefaultSequenceModel, writeTrainedModel } from '../src/default-model-training.js';
import { sequenceMlpForward } from '../src/sequence-mlp.js';
import type { TrainingReport } from '../src/sequence-trainer.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const num = (name: string): number | undefined => (arg(name) === undefined ? undefined : Number(arg(name)));

const dataDir = arg('data-dir') ?? join(here, '../../feeds/data/fx');
const outDir = arg('out-dir') ?? join(here, '../../sequence/models');
const trained = trainDefaultSequenceModel(priceFilesIn(dataDir), {
  ...(arg('until') !== undefined ? { until: arg('until') } : {}),
  ...(arg('seed') !== undefined ? { seed: arg('seed') } : {}),
  windowLength: num('window'),
  horizon: num('horizon'),
  hidden: num('hidden'),
  epochs: num('epochs'),
});

// Parity check: the exported file, run by onnxruntime-node, against the TypeScript forward pass.
const { dataset, model } = trained;
const session = await InferenceSession.create(trained.onnx);
const n = dataset.windowLength;
const rows = Math.min(dataset.size, 4096);
const start = dataset.size - rows;
const input = dataset.features.subarray(start * n, dataset.size * n);
const result = await session.run({ [MODEL_CONTRACT.inputName]: new Tensor('float32', input, [rows, n]) });
const onnxProbs = result[MODEL_CONTRACT.outputName]?.data as Float32Array;
let maxDiff = 0;
for (let i = 0; i < rows; i++) {
  maxDiff = Math.max(
    maxDiff,
    Math.abs((onnxProbs[i] as number) - sequenceMlpForward(model, dataset.features, (start + i) * n)),
  );
}
await session.release();
if (!(maxDiff < 1e-5)) throw new Error(`ONNX and TypeScript forward passes differ by ${maxDiff}`);

const { modelPath: modelFile } = await writeTrainedModel(join(outDir, 'omni-seq-default.onnx'), trained, {
  metrics: { onnxParity: { rows, maxAbsDiff: maxDiff } },
});
printSummary(trained.report, maxDiff, modelFile, trained.onnx.byteLength);

function printSummary(report: TrainingReport, diff: number, file: string, bytes: number): void {
  const f = (x: number): string => x.toFixed(4);
  const o = report.outOfSample;
  console.log(
    `wrote ${file} (${bytes} bytes); ONNX vs TS max |diff| ${diff.toExponential(2)} over ${rows} rows`,
  );
  console.log(
    `data: ${report.data.symbols.join(', ')}; ${report.data.rows} samples; up share ${f(report.data.upShare)}`,
  );
  console.log('| forecast | accuracy | log loss | Brier |');
  console.log('| --- | --- | --- | --- |');
  for (const [name, s] of [
    ['model', o.model],
    ['always-up', o.alwaysUp],
    ['momentum', o.momentum],
  ] as const) {
    console.log(`| ${name} | ${f(s.accuracy)} | ${f(s.logLoss)} | ${f(s.brier)} |`);
  }
  console.log(report.verdict);
}
