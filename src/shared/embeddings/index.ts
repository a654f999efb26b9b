export { loadEmbeddingService, EmbeddingModelLoadError } from './embedding-service.js';
export type { EmbeddingService, LoadEmbeddingServiceOptions } from './embedding-service.js';
export {
  buildWordVectorModel,
  DEFAULT_EMBEDDING_MODEL,
  DEFAULT_VOCABULARY_SIZE,
  normalizeWord,
} from './build-word-vector-model.js';
export type { BuildWordVectorModelOptions, BuiltModel } from './build-word-vector-model.js';
export { vectorToBytes, bytesToVector, cosineSimilarity, normalizeVector, meanVector } from './vector.js';
