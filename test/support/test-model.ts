/**
 * The small offline embedding model for tests: the default model built with 5 000 words (2 MB,
 * ~0.5 s to build, semantically weaker than the 50 000-word default) into one folder per test run
 * (TEST_TMP_DIR, swept by scripts/test.mjs), shared by every test file and worker process.
 */
import os from 'node:os';
import path from 'node:path';
import { loadEmbeddingService, type EmbeddingService } from '../../src/shared/embeddings/index.js';
import { registerCleanup } from './services.js';

export const TEST_VOCABULARY_SIZE = 5_000;

export function testModelsDir(): string {
  return path.join(process.env.TEST_TMP_DIR ?? os.tmpdir(), 'pharos-test-models');
}

/** Environment variables that point a worker or API at the test model. */
export function testEmbeddingEnv(): Record<string, string> {
  return { EMBEDDING_MODEL_PATH: testModelsDir(), EMBEDDING_VOCABULARY_SIZE: String(TEST_VOCABULARY_SIZE) };
}

/** Loads the test model (building it on first use); closed in afterAll. */
export async function loadTestEmbeddings(): Promise<EmbeddingService> {
  const service = await loadEmbeddingService({
    model: 'pharos/glove-sif-100d',
    modelPath: testModelsDir(),
    allowRemote: false,
    vocabularySize: TEST_VOCABULARY_SIZE,
    retryDelaysMs: [],
  });
  registerCleanup(() => service.close());
  return service;
}
