import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../logger.js';
import { buildWordVectorModel, DEFAULT_EMBEDDING_MODEL, DEFAULT_VOCABULARY_SIZE } from './build-word-vector-model.js';
import { normalizeVector } from './vector.js';

/** A loaded sentence-embedding model, shared by every job of a process. */
export interface EmbeddingService {
  /** The model id stored beside every vector it makes (e.g. "pharos/glove-sif-100d"). */
  readonly modelId: string;
  readonly dimensions: number;
  /** Unit-length vectors, one per text, computed in batches. Empty or unknown-word texts give all-zero vectors. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  /** Releases the ONNX session. Safe to call twice; `embed` fails afterwards. */
  close(): Promise<void>;
}

/** The model could not be loaded after every retry. `message` says what to check. */
export class EmbeddingModelLoadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EmbeddingModelLoadError';
  }
}

export interface LoadEmbeddingServiceOptions {
  /** EMBEDDING_MODEL: the default offline model id, a folder name under modelPath, or a hub id. */
  readonly model: string;
  /** EMBEDDING_MODEL_PATH: local models folder (also the download cache for hub models). */
  readonly modelPath: string;
  /** EMBEDDING_ALLOW_REMOTE: let transformers.js download from the Hugging Face hub. */
  readonly allowRemote: boolean;
  /** Words in the default model's build (EMBEDDING_VOCABULARY_SIZE). */
  readonly vocabularySize?: number;
  readonly logger?: Logger;
  /** Waits between load attempts, in ms. Default 1, 2, 4, 8, 16 s. */
  readonly retryDelaysMs?: readonly number[];
  /** Texts per model call. Default 64. */
  readonly batchSize?: number;
}

type Extractor = ((
  texts: string[],
  options: { pooling: 'mean'; normalize: boolean },
) => Promise<{ data: ArrayLike<number>; dims: number[] }>) & {
  dispose(): Promise<void>;
};

/**
 * Loads the embedding model once (building the offline default model first when it is missing),
 * retrying at 1, 2, 4, 8 and 16 s. Uses `@huggingface/transformers` with `env.localModelPath`
 * = modelPath and `env.allowRemoteModels` = allowRemote (process-wide settings of that library).
 * @throws EmbeddingModelLoadError when every attempt failed.
 */
export async function loadEmbeddingService(options: LoadEmbeddingServiceOptions): Promise<EmbeddingService> {
  const delays = options.retryDelaysMs ?? [1_000, 2_000, 4_000, 8_000, 16_000];
  let lastError: unknown;
  for (let attempt = 0; attempt <= delays.length; attempt++) {
    try {
      return await loadOnce(options);
    } catch (err) {
      lastError = err;
      const delayMs = delays[attempt];
      if (delayMs === undefined) break;
      options.logger?.warn(
        { attempt: attempt + 1, delayMs, model: options.model, err: describe(err) },
        'embedding model failed to load, retrying',
      );
      await sleep(delayMs);
    }
  }
  const hint = options.allowRemote
    ? 'check the model id and that the Hugging Face hub is reachable'
    : `check that ${options.modelPath}/${options.model} holds a transformers.js model (or set EMBEDDING_ALLOW_REMOTE=true to download it)`;
  throw new EmbeddingModelLoadError(
    `Could not load embedding model "${options.model}" after ${delays.length + 1} attempts: ${describe(lastError)}; ${hint}`,
    { cause: lastError },
  );
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function loadOnce(options: LoadEmbeddingServiceOptions): Promise<EmbeddingService> {
  if (options.model === DEFAULT_EMBEDDING_MODEL) {
    const started = Date.now();
    const built = await buildWordVectorModel({
      modelsDir: options.modelPath,
      modelId: options.model,
      vocabularySize: options.vocabularySize ?? DEFAULT_VOCABULARY_SIZE,
    });
    if (built.built)
      options.logger?.info(
        { dir: built.dir, words: built.vocabularySize, ms: Date.now() - started },
        'built the default embedding model',
      );
  }
  const transformers = await import('@huggingface/transformers');
  const { env, pipeline } = transformers;
  env.localModelPath = options.modelPath;
  env.allowLocalModels = true;
  env.allowRemoteModels = options.allowRemote;
  env.cacheDir = options.modelPath;
  const extractor = (await pipeline('feature-extraction', options.model, { dtype: 'fp32' })) as unknown as Extractor;
  const batchSize = options.batchSize ?? 64;
  let closed = false;

  const run = async (texts: string[]): Promise<Float32Array[]> => {
    const output = await extractor(texts, { pooling: 'mean', normalize: true });
    const dims = output.dims[output.dims.length - 1] ?? 0;
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i++)
      out.push(normalizeVector(Array.prototype.slice.call(output.data, i * dims, (i + 1) * dims) as number[]));
    return out;
  };
  const probe = await run(['pharos']);
  const dimensions = probe[0]?.length ?? 0;
  if (dimensions === 0) throw new Error(`model "${options.model}" produced empty vectors`);

  return {
    modelId: options.model,
    dimensions,
    async embed(texts) {
      if (closed) throw new Error('embedding service is closed');
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += batchSize) {
        // An empty string tokenizes to nothing: embed a placeholder and zero it.
        const batch = texts.slice(i, i + batchSize);
        const vectors = await run(batch.map((t) => (t.trim() === '' ? '[UNK]' : t)));
        vectors.forEach((v, k) => out.push(batch[k]!.trim() === '' ? new Float32Array(dimensions) : v));
      }
      return out;
    },
    async close() {
      if (closed) return;
      closed = true;
      await extractor.dispose();
    },
  };
}
