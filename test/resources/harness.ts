/**
 * Test harness of the resources slice (issue 7): a migrated database (PostgreSQL or SQLite) whose Prisma
 * client counts every SQL statement, an in-process StatusTracker, the slice's resolvers in an executable
 * schema, and factories that write users, resources, categories, edges and chunk vectors directly.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { graphql, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { applyMigrations, findProjectRoot, sqliteFilePath, type Database } from '../../src/shared/database/index.js';
import { PrismaClient as PostgresClient } from '../../src/shared/database/generated/postgres/client.js';
import { PrismaClient as SqliteClient } from '../../src/shared/database/generated/sqlite/client.js';
import { createRequestContext, type RequestContext, type Viewer } from '../../src/shared/context.js';
import {
  DEFAULT_EMBEDDING_MODEL,
  loadEmbeddingService,
  vectorToBytes,
  type EmbeddingService,
} from '../../src/shared/embeddings/index.js';
import { createLogger } from '../../src/shared/logger.js';
import { createInProcessJobQueue } from '../../src/shared/queue/index.js';
import { createInProcessStatusTracking, type StatusTracking } from '../../src/shared/status-tracker/index.js';
import { createResourcesModule, type ResourcesModule } from '../../src/modules/resources/index.js';
import { buildAppSchema } from '../../src/server/build-schema.js';
import { createTestPostgresDatabase, createTestSqliteUrl, registerCleanup } from '../support/services.js';

export type Provider = 'postgresql' | 'sqlite';
export const PROVIDERS: Provider[] = ['sqlite', 'postgresql'];

export interface SeedResource {
  title?: string | null;
  description?: string | null;
  content?: string;
  language?: string | null;
  overallStatus?: string;
  quality?: number | null;
  createdAt?: Date;
  /** [categoryId, confidence] pairs. */
  categories?: Array<[string, number]>;
}

export interface Harness {
  readonly provider: Provider;
  readonly prisma: Database;
  /** SQL statements sent since the last reset. */
  readonly queries: { count: number; sql: string[] };
  readonly tracking: StatusTracking;
  readonly module: ResourcesModule;
  readonly schema: GraphQLSchema;
  readonly embeddings: EmbeddingService | null;
  exec<T = Record<string, unknown>>(
    viewer: Viewer | null,
    source: string,
    variables?: Record<string, unknown>,
  ): Promise<ExecutionResult<T>>;
  createUser(tier?: Viewer['tier']): Promise<Viewer>;
  /** Inserts resources for `owner` (with chunk vectors when embeddings are loaded); returns their ids in order. */
  seed(owner: Viewer, docs: readonly SeedResource[]): Promise<string[]>;
  ensureCategory(id: string, pathName: string, parentId?: string | null): Promise<void>;
}

const logger = createLogger({ level: 'silent' });
let sharedEmbeddings: Promise<EmbeddingService> | null = null;

/** The offline default model (built once into data/models, then reused by every run). */
export function testEmbeddings(): Promise<EmbeddingService> {
  sharedEmbeddings ??= loadEmbeddingService({
    model: DEFAULT_EMBEDDING_MODEL,
    modelPath: path.join(findProjectRoot(), 'data', 'models'),
    allowRemote: false,
    retryDelaysMs: [],
  });
  return sharedEmbeddings;
}

export async function openHarness(provider: Provider, options: { embeddings?: boolean } = {}): Promise<Harness> {
  const url = provider === 'postgresql' ? (await createTestPostgresDatabase()).url : createTestSqliteUrl().url;
  await applyMigrations({ url });
  const queries = { count: 0, sql: [] as string[] };
  const log = [{ emit: 'event', level: 'query' }] as const;
  let prisma: Database;
  if (provider === 'postgresql') {
    prisma = new PostgresClient({
      adapter: new PrismaPg({ connectionString: url, max: 5 }),
      log: [...log],
    }) as unknown as Database;
  } else {
    prisma = new SqliteClient({
      adapter: new PrismaBetterSqlite3({ url: sqliteFilePath(url), timeout: 10_000 }),
      log: [...log],
    }) as unknown as Database;
  }
  (prisma as unknown as { $on(event: 'query', cb: (e: { query: string }) => void): void }).$on('query', (e) => {
    queries.count++;
    queries.sql.push(e.query);
  });
  if (provider === 'sqlite') {
    await prisma.$queryRawUnsafe('PRAGMA journal_mode = WAL');
    await prisma.$executeRawUnsafe('PRAGMA foreign_keys = ON');
  }
  registerCleanup(() => prisma.$disconnect());
  const tracking = createInProcessStatusTracking({ ttlSeconds: 3600, persistence: null, logger });
  registerCleanup(() => tracking.close());
  const embeddings = options.embeddings ? await testEmbeddings() : null;
  const module = createResourcesModule({
    db: { prisma, provider },
    progress: tracking.tracker,
    // No consumer: these tests read and search; createResource only queues.
    queue: createInProcessJobQueue({ logger }),
    embeddings: embeddings ?? unavailableEmbeddings,
    vectorCacheBytes: 64 * 1024 * 1024,
    logger,
  });
  const schema = await buildAppSchema([module]);

  const seed = async (owner: Viewer, docs: readonly SeedResource[]): Promise<string[]> => {
    const ids: string[] = [];
    for (const doc of docs) {
      const id = randomUUID();
      ids.push(id);
      await prisma.resource.create({
        data: {
          id,
          ownerId: owner.userId,
          title: doc.title === undefined ? `Resource ${id.slice(0, 8)}` : doc.title,
          description: doc.description ?? null,
          content: doc.content ?? '',
          language: doc.language === undefined ? 'en' : doc.language,
          wordCount: (doc.content ?? '').split(/\s+/).filter(Boolean).length,
          overallStatus: doc.overallStatus ?? 'COMPLETED',
          qualityOverall: doc.quality ?? null,
          ...(doc.createdAt ? { createdAt: doc.createdAt } : {}),
          embeddingModel: embeddings?.modelId ?? null,
        },
      });
      if (doc.categories?.length) {
        await prisma.resourceCategory.createMany({
          data: doc.categories.map(([categoryId, confidence]) => ({ resourceId: id, categoryId, confidence })),
        });
      }
      if (embeddings && doc.content) {
        const chunks = chunkText([doc.title, doc.description, doc.content].filter(Boolean).join('. '));
        const vectors = await embeddings.embed(chunks);
        await prisma.resourceChunk.createMany({
          data: chunks.map((text, index) => ({
            resourceId: id,
            index,
            text,
            vector: vectorToBytes(vectors[index]!),
            model: embeddings.modelId,
          })),
        });
      }
    }
    return ids;
  };

  return {
    provider,
    prisma,
    queries,
    tracking,
    module,
    schema,
    embeddings,
    exec: (viewer, source, variableValues) =>
      graphql({ schema, source, variableValues, contextValue: context(viewer) }) as never,
    async createUser(tier = 'FREE') {
      const user = await prisma.user.create({ data: { email: `${randomUUID()}@example.test`, tier } });
      return { userId: user.id, tier, tokenId: null, expiresAt: null };
    },
    seed,
    async ensureCategory(id, pathName, parentId = null) {
      await prisma.category.upsert({
        where: { id },
        create: { id, name: pathName.split('/').at(-1)!, path: pathName, parentId, description: pathName },
        update: {},
      });
    },
  };
}

/** ~60-word chunks (the pipeline's own chunking is not under test here). */
export function chunkText(text: string): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const out: string[] = [];
  for (let i = 0; i < words.length; i += 60) out.push(words.slice(i, i + 60).join(' '));
  return out.length ? out : [''];
}

export function context(viewer: Viewer | null): RequestContext {
  return createRequestContext({
    requestId: randomUUID(),
    logger,
    transport: 'http',
    ip: '127.0.0.1',
    userAgent: null,
    viewer,
    authError: null,
  });
}

const unavailableEmbeddings = {
  modelId: 'none',
  dimensions: 0,
  embed: () => Promise.reject(new Error('embeddings not loaded in this harness')),
};

/** The `extensions.code` of the first error, or undefined. */
export function errorCode(result: ExecutionResult): unknown {
  const err = result.errors?.[0];
  return err?.extensions?.code ?? (err?.originalError as { code?: string } | undefined)?.code;
}
