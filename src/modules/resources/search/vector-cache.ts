import type { ResourcesDatabase } from '../resources.deps.js';
import { buildVectorIndex, type VectorIndex } from './vector-index.js';

export interface VectorCacheOptions {
  readonly db: ResourcesDatabase;
  /** Memory budget for all cached indexes, in bytes; least recently used owners are dropped first. */
  readonly maxBytes: number;
}

interface Entry {
  readonly fingerprint: string;
  readonly index: VectorIndex;
}

/**
 * In-memory chunk-vector indexes per owner and model, so semantic search scans packed Float32 rows
 * instead of reading every vector from the database on each query.
 *
 * Freshness: before each use the owner's resources are fingerprinted (`COUNT(*)` and `MAX(updated_at)`,
 * an index-only read on (owner_id, updated_at, id)); any insert, update or delete of a resource — in
 * this process or another API or worker process — changes it and the index is rebuilt. Writers of
 * chunk vectors therefore update the resource row in the same job (the EMBEDDING stage sets
 * `embedding_model`/`vector`, which moves `updated_at`). `invalidate` drops an owner at once.
 */
export class VectorCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<VectorIndex>>();
  private bytes = 0;

  constructor(private readonly options: VectorCacheOptions) {
    if (!(options.maxBytes >= 0)) throw new TypeError('VectorCache maxBytes must be ≥ 0');
  }

  /** Cached bytes right now (for metrics and tests). */
  get size(): { owners: number; bytes: number } {
    return { owners: this.entries.size, bytes: this.bytes };
  }

  /** The owner's (null: everyone's) index of `model` vectors with `dimensions`, rebuilt when stale. */
  async get(ownerId: string | null, model: string, dimensions: number): Promise<VectorIndex> {
    const key = `${ownerId ?? '*'}\u0000${model}\u0000${dimensions}`;
    const fingerprint = await this.fingerprint(ownerId);
    const cached = this.entries.get(key);
    if (cached && cached.fingerprint === fingerprint) {
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached.index;
    }
    const pending = this.loading.get(`${key}\u0000${fingerprint}`);
    if (pending) return pending;
    const load = this.load(ownerId, model, dimensions).then((index) => {
      this.store(key, { fingerprint, index });
      return index;
    });
    this.loading.set(`${key}\u0000${fingerprint}`, load);
    try {
      return await load;
    } finally {
      this.loading.delete(`${key}\u0000${fingerprint}`);
    }
  }

  /** Drops every cached index of an owner (and the ADMIN-wide ones, which include that owner). */
  invalidate(ownerId: string): void {
    for (const key of [...this.entries.keys()]) {
      if (key.startsWith(`${ownerId}\u0000`) || key.startsWith('*\u0000')) this.drop(key);
    }
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  private async fingerprint(ownerId: string | null): Promise<string> {
    const agg = await this.options.db.prisma.resource.aggregate({
      where: ownerId === null ? {} : { ownerId },
      _count: { _all: true },
      _max: { updatedAt: true },
    });
    return `${agg._count._all}:${agg._max.updatedAt?.getTime() ?? 0}`;
  }

  private async load(ownerId: string | null, model: string, dimensions: number): Promise<VectorIndex> {
    const rows = await this.options.db.prisma.resourceChunk.findMany({
      where: { model, ...(ownerId === null ? {} : { resource: { ownerId } }) },
      select: { resourceId: true, index: true, vector: true },
    });
    return buildVectorIndex(model, dimensions, rows);
  }

  private store(key: string, entry: Entry): void {
    this.drop(key);
    if (entry.index.bytes > this.options.maxBytes) return;
    this.entries.set(key, entry);
    this.bytes += entry.index.bytes;
    for (const oldest of this.entries.keys()) {
      if (this.bytes <= this.options.maxBytes) break;
      this.drop(oldest);
    }
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.index.bytes;
  }
}
