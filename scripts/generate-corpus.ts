// Builds a synthetic corpus directly in the database (no pipeline): resources with title, description,
// content, quality scores, two categories each, SIMILAR edges and chunk vectors from the real embedding
// model. Used by bench/search.bench.ts; also runnable on its own:
//
//   npx tsx scripts/generate-corpus.ts --url file:./data/corpus.db --count 10000 [--owner <userId>]
//
// With --owner, the owner's corpus grows by --count (numbering continues after their existing resources).
//
// The database must be migrated (npm run db:migrate). Text is drawn from 32 topic vocabularies, so a
// topic word matches about 1 resource in 32 and queries behave like searches over real notes.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createDatabase, findProjectRoot, type Database } from '../src/shared/database/index.js';
import {
  DEFAULT_EMBEDDING_MODEL,
  loadEmbeddingService,
  vectorToBytes,
  type EmbeddingService,
} from '../src/shared/embeddings/index.js';

export const TOPICS: ReadonlyArray<{ name: string; words: string[] }> = [
  ['botany', 'plants leaves chlorophyll photosynthesis sunlight roots seeds flowers soil water growth garden'],
  ['astronomy', 'stars galaxy telescope planets orbit gravity comet nebula cosmos universe light black hole'],
  ['medicine', 'vaccine immune antibodies infection virus doctor hospital patients treatment disease symptoms'],
  ['baking', 'bread dough yeast flour oven crust sourdough knead loaf butter sugar pastry'],
  ['finance', 'stock market shares investors crash bank interest inflation bonds trading prices economy'],
  ['machine-learning', 'neural network training gradient model data weights backpropagation layers accuracy learning'],
  ['oceans', 'coral reef ocean fish sea warming tide marine whales algae waves coast'],
  ['history', 'pyramids pharaoh egypt empire roman ancient tombs war kingdom archaeology ruins'],
  ['health', 'sleep exercise diet nutrition insomnia stress heart fitness running muscles rest'],
  ['vehicles', 'electric car battery lithium engine charging range motor fuel road speed'],
  ['geology', 'volcano lava magma earthquake plates fault rocks minerals crust eruption ash'],
  ['games', 'chess opening pieces board strategy knight bishop rook checkmate tournament players'],
  ['music', 'guitar chords melody rhythm piano song band concert notes scales practice'],
  ['insects', 'bees pollen honey flowers hive colony nectar ants butterflies wings insects'],
  ['coffee', 'coffee beans roast espresso brewing grinder milk cup caffeine aroma barista'],
  ['recycling', 'plastic recycling waste bottles landfill compost packaging glass paper reuse'],
  ['security', 'password encryption hackers account phishing security authentication keys privacy online'],
  ['dinosaurs', 'dinosaurs fossils extinction asteroid jurassic bones paleontology reptiles impact'],
  ['weather', 'rain clouds storm wind forecast temperature snow hurricane climate humidity'],
  ['architecture', 'buildings bridges concrete steel design arches towers construction walls roof'],
  ['cooking', 'pasta sauce tomatoes garlic olive oil recipe kitchen boil pan spices'],
  ['software', 'database index query server code bugs deploy tests api functions compiler'],
  ['travel', 'flights airport hotel passport luggage beach mountains tourists journey map'],
  ['education', 'school students teachers exams lessons university homework reading classroom library'],
  ['energy', 'solar panels wind turbines electricity grid power coal nuclear renewable'],
  ['farming', 'cattle crops wheat harvest tractor farmers fields irrigation barn fertilizer'],
  ['film', 'movie actors director camera scenes cinema script festival screen audience'],
  ['sports', 'football goals team match league coach stadium fans training season'],
  ['art', 'painting canvas colors brush museum gallery sculpture portrait artist exhibition'],
  ['law', 'court judge lawyers trial contract rights evidence verdict justice appeal'],
  ['chemistry', 'molecules atoms reactions acids bonds elements laboratory compounds electrons'],
  ['language', 'words grammar vocabulary sentences translation dialect speakers alphabet verbs'],
].map(([name, words]) => ({ name: name!, words: words!.split(' ') }));

const COMMON =
  'the a of and to in is that it for on with as was by this are be from or an which at have not can these their more also one about'.split(
    ' ',
  );

/** Deterministic pseudo-random numbers (mulberry32), so two runs build the same corpus. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GenerateCorpusOptions {
  readonly prisma: Database;
  readonly ownerId: string;
  readonly count: number;
  readonly embeddings: Pick<EmbeddingService, 'modelId' | 'embed'>;
  /** Numbering and random seed offset (to extend a corpus: pass the current size). Default 0. */
  readonly start?: number;
  /** Chunks per resource (each about 80 words). Default 2. */
  readonly chunksPerResource?: number;
  readonly log?: (msg: string) => void;
}

/** Inserts `count` resources with categories, edges and chunk vectors; returns their ids. */
export async function generateCorpus(options: GenerateCorpusOptions): Promise<string[]> {
  const { prisma, ownerId, count, embeddings } = options;
  const start = options.start ?? 0;
  const chunksPer = options.chunksPerResource ?? 2;
  const rand = random(0x9e3779b1 + start);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  for (const t of TOPICS) {
    const data = {
      id: `corpus-${t.name}`,
      name: t.name,
      path: `corpus/${t.name}`,
      description: `${t.name} (generated corpus)`,
      keywords: t.words.join(','),
    };
    await prisma.category.upsert({ where: { id: data.id }, create: data, update: {} });
  }
  const ids: string[] = [];
  const byTopic = new Map<number, string[]>();
  const batch = 500;
  const base = Date.UTC(2024, 0, 1) + start * 60_000;
  for (let from = 0; from < count; from += batch) {
    const n = Math.min(batch, count - from);
    const resources = [];
    const chunkTexts: string[] = [];
    const chunkOwners: Array<{ resourceId: string; index: number }> = [];
    const categories = [];
    for (let i = 0; i < n; i++) {
      const number = start + from + i;
      const topic = Math.floor(rand() * TOPICS.length);
      const second = (topic + 1 + Math.floor(rand() * (TOPICS.length - 1))) % TOPICS.length;
      const words = (k: number) =>
        Array.from({ length: k }, () =>
          rand() < 0.55 ? pick(COMMON) : rand() < 0.8 ? pick(TOPICS[topic]!.words) : pick(TOPICS[second]!.words),
        ).join(' ');
      const chunks = Array.from({ length: chunksPer }, () => `${words(80)}.`);
      const id = randomUUID();
      ids.push(id);
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), id]);
      const title = `${pick(TOPICS[topic]!.words)} ${pick(TOPICS[topic]!.words)} notes ${number}`;
      const quality = Math.round(rand() * 1000) / 1000;
      resources.push({
        id,
        ownerId,
        title,
        description: words(20),
        content: chunks.join('\n\n'),
        language: 'en',
        wordCount: chunksPer * 80,
        overallStatus: 'COMPLETED',
        qualityOverall: quality,
        qualityCompleteness: quality,
        qualityReadability: quality,
        qualityDepth: quality,
        qualityCredibility: quality,
        embeddingModel: embeddings.modelId,
        createdAt: new Date(base + (from + i) * 60_000),
      });
      chunks.forEach((text, index) => {
        chunkTexts.push(text);
        chunkOwners.push({ resourceId: id, index });
      });
      categories.push(
        { resourceId: id, categoryId: `corpus-${TOPICS[topic]!.name}`, confidence: 0.8 },
        { resourceId: id, categoryId: `corpus-${TOPICS[second]!.name}`, confidence: 0.3 },
      );
    }
    const vectors = await embeddings.embed(chunkTexts);
    await prisma.resource.createMany({ data: resources });
    await prisma.resourceChunk.createMany({
      data: chunkOwners.map((c, k) => ({
        ...c,
        text: chunkTexts[k]!,
        vector: vectorToBytes(vectors[k]!),
        model: embeddings.modelId,
      })),
    });
    await prisma.resourceCategory.createMany({ data: categories });
    options.log?.(`${from + n}/${count} resources`);
  }
  // Three SIMILAR edges per resource, to others of its main topic.
  const edges = new Map<string, { sourceId: string; targetId: string; kind: string; weight: number }>();
  for (const group of byTopic.values()) {
    for (const sourceId of group) {
      for (let k = 0; k < 3 && group.length > 1; k++) {
        const targetId = pick(group);
        if (targetId !== sourceId)
          edges.set(`${sourceId}:${targetId}`, {
            sourceId,
            targetId,
            kind: 'SIMILAR',
            weight: Math.round((0.5 + rand() / 2) * 1000) / 1000,
          });
      }
    }
  }
  const all = [...edges.values()];
  for (let i = 0; i < all.length; i += 1000) await prisma.resourceEdge.createMany({ data: all.slice(i, i + 1000) });
  return ids;
}

async function main(): Promise<void> {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const url = arg('url');
  if (!url)
    throw new Error('usage: tsx scripts/generate-corpus.ts --url <database url> [--count 10000] [--owner <userId>]');
  const count = Number(arg('count') ?? 10_000);
  const db = createDatabase({ url });
  const embeddings = await loadEmbeddingService({
    model: DEFAULT_EMBEDDING_MODEL,
    modelPath: path.join(findProjectRoot(), 'data', 'models'),
    allowRemote: false,
  });
  try {
    let ownerId = arg('owner');
    if (!ownerId)
      ownerId = (await db.prisma.user.create({ data: { email: `corpus-${randomUUID()}@example.test` } })).id;
    const started = Date.now();
    const start = await db.prisma.resource.count({ where: { ownerId } });
    await generateCorpus({ prisma: db.prisma, ownerId, count, embeddings, start, log: (m) => console.log(m) });
    console.log(`generated ${count} resources for owner ${ownerId} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await embeddings.close();
    await db.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
