import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  modelMetricsPath,
  type PriceFile,
  priceFilesIn,
  trainDefaultSequenceModel,
  writeTrainedModel,
} from './default-model-training.js';
import { syntheticSeries } from './test-series.js';

/** Three small synthetic CSVs (400 days from 2020-01-01) in a temp folder. */
function writeCsvs(): { dir: string; files: PriceFile[] } {
  const dir = mkdtempSync(join(tmpdir(), 'omni-default-train-'));
  const files = ['USDJPY', 'AUDUSD', 'EURUSD'].map((symbol, k) => {
    const s = syntheticSeries(symbol, 400, `default-train-${k}`);
    const rows = Array.from(s.prices, (p, i) => `${new Date(s.tsMs[i] as number).toISOString()},${p}`);
    const path = join(dir, `${symbol}.csv`);
    writeFileSync(path, `timestamp,price\n${rows.join('\n')}\n`);
    return { symbol, path };
  });
  return { dir, files };
}

const small = { windowLength: 8, horizon: 2, hidden: 2, epochs: 2, folds: 2, until: '2020-12-31' } as const;

describe('trainDefaultSequenceModel', () => {
  const { dir, files } = writeCsvs();

  it('gives byte-identical models whatever order the files are listed in', () => {
    const listed = trainDefaultSequenceModel(files, small); // USDJPY, AUDUSD, EURUSD
    const reversed = trainDefaultSequenceModel([...files].reverse(), small);
    const fromDir = trainDefaultSequenceModel(priceFilesIn(dir), small);
    expect(listed.report.data.symbols).toEqual(['AUDUSD', 'EURUSD', 'USDJPY']);
    expect(Buffer.from(reversed.onnx).equals(Buffer.from(listed.onnx))).toBe(true);
    expect(Buffer.from(fromDir.onnx).equals(Buffer.from(listed.onnx))).toBe(true);
  });

  it('trains only on rows up to the end of the until day', () => {
    const trained = trainDefaultSequenceModel(files, { ...small, until: '2020-06-30' });
    expect(trained.report.data.lastTsMs).toBe(Date.parse('2020-06-30T00:00:00Z'));
  });

  it('refuses two files of the same symbol', () => {
    const [first] = files as [PriceFile];
    expect(() => trainDefaultSequenceModel([first, { ...first }], small)).toThrow(/same symbol/);
  });
});

describe('writeTrainedModel', () => {
  const { files } = writeCsvs();
  const trained = trainDefaultSequenceModel(files, small);

  it('writes the model and its metrics beside it', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'omni-write-model-')), 'm', 'seq.onnx');
    const written = await writeTrainedModel(out, trained, { metrics: { note: 'test' } });
    expect(written).toEqual({ modelPath: out, metricsPath: modelMetricsPath(out) });
    expect(modelMetricsPath(out).endsWith('/m/seq.metrics.json')).toBe(true);
    expect(readFileSync(out).equals(Buffer.from(trained.onnx))).toBe(true);
    const metrics = JSON.parse(readFileSync(written.metricsPath, 'utf8'));
    expect(metrics).toMatchObject({
      note: 'test',
      modelBytes: trained.onnx.byteLength,
      contract: 'omni-seq-v1',
    });
  });

  it('keeps the previous model when the check of the new one fails', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'omni-write-model-')), 'seq.onnx');
    writeFileSync(out, 'previous');
    const failing = writeTrainedModel(out, trained, {
      validate: () => {
        throw new Error('contract mismatch');
      },
    });
    await expect(failing).rejects.toThrow('contract mismatch');
    expect(readFileSync(out, 'utf8')).toBe('previous');
    expect(existsSync(`${out}.tmp`)).toBe(false);
    expect(existsSync(modelMetricsPath(out))).toBe(false);
  });
});
