import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildWordVectorModel,
  bytesToVector,
  cosineSimilarity,
  EmbeddingModelLoadError,
  loadEmbeddingService,
  meanVector,
  normalizeVector,
  vectorToBytes,
} from './index.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'pharos-emb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('vector helpers', () => {
  it('round-trips Float32 little-endian bytes', () => {
    const v = Float32Array.from([1.5, -2.25, 0, 3.1415927]);
    const bytes = vectorToBytes(v);
    expect(bytes.byteLength).toBe(16);
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0, 0, 0xc0, 0x3f]);
    expect(bytesToVector(bytes)).toEqual(v);
    expect(bytesToVector(Buffer.from(bytes))).toEqual(v);
    expect(() => bytesToVector(new Uint8Array(3))).toThrow(TypeError);
  });

  it('computes cosine, normalisation and weighted means', () => {
    expect(cosineSimilarity([1, 0], [0, 1])).toBe(0);
    expect(cosineSimilarity([1, 1], [2, 2])).toBeCloseTo(1);
    expect(cosineSimilarity([0, 0], [1, 1])).toBe(0);
    expect(cosineSimilarity([1], [1, 2])).toBe(0);
    expect(Array.from(normalizeVector([3, 4]))).toEqual([0.6000000238418579, 0.800000011920929]);
    expect(Array.from(normalizeVector([NaN, 0]))).toEqual([0, 0]);
    const m = meanVector([Float32Array.from([1, 0]), Float32Array.from([0, 1])], [3, 1]);
    expect(m[0]! / m[1]!).toBeCloseTo(3);
  });
});

describe('offline word-vector model', () => {
  it('builds a transformers.js folder once, embeds sentences meaningfully and caches the build', async () => {
    const built = await buildWordVectorModel({ modelsDir: dir, vocabularySize: 2_000 });
    expect(built).toMatchObject({ built: true, vocabularySize: 2_000, dimensions: 100 });
    const tokenizer = JSON.parse(readFileSync(path.join(built.dir, 'tokenizer.json'), 'utf8')) as {
      model: { type: string; vocab: Record<string, number> };
    };
    expect(tokenizer.model.type).toBe('WordLevel');
    expect(Object.keys(tokenizer.model.vocab)).toHaveLength(2_002);
    expect(statSync(path.join(built.dir, 'onnx', 'model.onnx')).size).toBeGreaterThan(2_002 * 100 * 4);
    expect((await buildWordVectorModel({ modelsDir: dir, vocabularySize: 2_000 })).built).toBe(false);

    const service = await loadEmbeddingService({
      model: 'pharos/glove-sif-100d',
      modelPath: dir,
      allowRemote: false,
      vocabularySize: 2_000,
      retryDelaysMs: [],
    });
    try {
      expect(service.modelId).toBe('pharos/glove-sif-100d');
      expect(service.dimensions).toBe(100);
      const [cat, kitten, market, empty] = await service.embed([
        'The cat sat on the small bed at home.',
        'A little cat was sleeping on the bed in the house.',
        'The stock market fell after the bank raised interest rates.',
        '',
      ]);
      expect(Math.hypot(...cat!)).toBeCloseTo(1, 4);
      expect(cosineSimilarity(cat!, kitten!)).toBeGreaterThan(cosineSimilarity(cat!, market!) + 0.2);
      expect(empty!.every((x) => x === 0)).toBe(true);
      const many = await service.embed(Array.from({ length: 150 }, (_, i) => `sentence ${i} about the weather`));
      expect(many).toHaveLength(150);
    } finally {
      await service.close();
    }
    await expect(service.embed(['x'])).rejects.toThrow(/closed/);
  });

  it('gives up with a clear error after its retries', async () => {
    const started = Date.now();
    const err = await loadEmbeddingService({
      model: 'nobody/missing-model',
      modelPath: dir,
      allowRemote: false,
      retryDelaysMs: [10, 20],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmbeddingModelLoadError);
    expect((err as Error).message).toMatch(/Could not load embedding model "nobody\/missing-model" after 3 attempts/);
    expect((err as Error).message).toMatch(/EMBEDDING_ALLOW_REMOTE/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(30);
  });
});
