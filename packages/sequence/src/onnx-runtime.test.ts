import { type Alert, ManualClock, ModelError, Rng } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { defaultModelPath } from './default-model-path.js';
import { FallbackSequenceModel } from './fallback-sequence-model.js';
import { MomentumSequenceModel } from './momentum-sequence-model.js';
import { importOnnxRuntimeNode, loadOnnxRuntime, type OnnxRuntimeModule } from './onnx-runtime.js';
import { ONNXSequenceAdapter } from './onnx-sequence-adapter.js';

/**
 * An importer that fails as `import('onnxruntime-node')` does on a machine without the package (Node's
 * ESM loader: code ERR_MODULE_NOT_FOUND, this message). Injected because vitest resolves packages from the
 * workspace's hoisted store, where the devDependency is always found; scripts/check-packed-install.mjs
 * checks the real thing in a project that lacks the package.
 */
function importFromEmptyProject(): Promise<OnnxRuntimeModule> {
  const err = Object.assign(
    new Error(
      "Cannot find package 'onnxruntime-node' imported from /app/node_modules/@omni/sequence/dist/index.js",
    ),
    { code: 'ERR_MODULE_NOT_FOUND' },
  );
  return Promise.reject(err);
}

function randomWalk(seed: string, length: number): Float64Array {
  const rng = new Rng(seed);
  const out = new Float64Array(length);
  let p = 1.1;
  for (let i = 0; i < length; i++) out[i] = p *= Math.exp(rng.normal(0, 0.005));
  return out;
}

describe('loadOnnxRuntime', () => {
  it('names the package and how to install it when onnxruntime-node is not installed', async () => {
    const err = await loadOnnxRuntime(importFromEmptyProject).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelError);
    const modelError = err as ModelError;
    expect(modelError.code).toBe('MODEL_RUNTIME_UNAVAILABLE');
    expect(modelError.shortMessage).toContain('onnxruntime-node is not installed');
    expect(modelError.shortMessage).toContain('`npm install onnxruntime-node`');
    expect(modelError.context).toEqual({ package: 'onnxruntime-node' });
    expect((modelError.cause as { code?: string }).code).toBe('ERR_MODULE_NOT_FOUND');
  });

  it('says the installed package cannot load when the import fails for another reason', async () => {
    const broken = () => Promise.reject(new Error('libonnxruntime.so.1: cannot open shared object file'));
    await expect(loadOnnxRuntime(broken)).rejects.toMatchObject({
      code: 'MODEL_RUNTIME_UNAVAILABLE',
      shortMessage: expect.stringContaining('onnxruntime-node is installed but cannot be loaded'),
    });
  });

  it('imports the real onnxruntime-node by default (a devDependency of this workspace)', async () => {
    const runtime = await loadOnnxRuntime();
    expect(typeof runtime.InferenceSession.create).toBe('function');
    expect(new runtime.Tensor('float32', new Float32Array([1, 2, 3]), [1, 3]).dims).toEqual([1, 3]);
    expect(await importOnnxRuntimeNode()).toBe(runtime);
  });
});

describe('a missing onnxruntime-node', () => {
  it('makes ONNXSequenceAdapter.load throw MODEL_RUNTIME_UNAVAILABLE for an existing model file', async () => {
    await expect(
      ONNXSequenceAdapter.load(defaultModelPath(), { loadOnnxRuntime: importFromEmptyProject }),
    ).rejects.toMatchObject({ code: 'MODEL_RUNTIME_UNAVAILABLE', context: { package: 'onnxruntime-node' } });
  });

  it('leaves FallbackSequenceModel serving momentum with one MODEL_RUNTIME_UNAVAILABLE alert', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const alerts: Alert[] = [];
    const model = await FallbackSequenceModel.create({
      modelPath: defaultModelPath(),
      clock,
      alertSink: (a) => alerts.push(a),
      loadOnnxRuntime: importFromEmptyProject,
    });
    expect(model.usingOnnx).toBe(false);
    expect(model.name).toBe('momentum');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      level: 'warn',
      code: 'MODEL_RUNTIME_UNAVAILABLE',
      tsMs: clock.nowMs(),
    });
    expect(alerts[0]?.message).toContain('npm install onnxruntime-node');
    const window = randomWalk('no-ort', 40);
    const momentum = new MomentumSequenceModel();
    expect(await model.prepare(window)).toBe(momentum.predictDirection(window));
    expect(model.predictDirection(window)).toBe(momentum.predictDirection(window));
    expect(model.predictVolatility(window)).toBe(momentum.predictVolatility(window));
  });

  it('refuses a hot swap with MODEL_RUNTIME_UNAVAILABLE and keeps the fallback serving', async () => {
    const model = await FallbackSequenceModel.create({
      clock: new ManualClock(0),
      loadOnnxRuntime: importFromEmptyProject,
    });
    const result = await model.swapModel(defaultModelPath());
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.error.code).toBe('MODEL_RUNTIME_UNAVAILABLE');
    expect(model.name).toBe('momentum');
  });
});
