/**
 * Helpers for status-tracker tests (issue 5): a logger whose lines are kept in memory, and an in-memory
 * ProgressPersistence recording every call (the Prisma one is covered by the API tests).
 */
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/shared/logger.js';
import type { ProgressPersistence, ResourceProgress } from '../../src/shared/status-tracker/index.js';

export function memoryLogger(level = 'warn'): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ level, destination }), lines };
}

export interface MemoryPersistence extends ProgressPersistence {
  readonly rows: Map<string, ResourceProgress>;
  readonly calls: Array<{ resourceId: string; overallStatus: string; version: number }>;
  /** When set, every call rejects with it (database down). */
  failWith: Error | null;
}

export function memoryPersistence(): MemoryPersistence {
  const rows = new Map<string, ResourceProgress>();
  const calls: MemoryPersistence['calls'] = [];
  const self: MemoryPersistence = {
    rows,
    calls,
    failWith: null,
    async persist(resourceId, snapshot) {
      if (self.failWith) throw self.failWith;
      calls.push({ resourceId, overallStatus: snapshot.overallStatus, version: snapshot.version });
      rows.set(resourceId, snapshot);
    },
    async load(resourceId) {
      if (self.failWith) throw self.failWith;
      return rows.get(resourceId) ?? null;
    },
    async loadMany(ids) {
      if (self.failWith) throw self.failWith;
      return new Map(ids.flatMap((id) => (rows.has(id) ? [[id, rows.get(id)!] as const] : [])));
    },
  };
  return self;
}

/** Reads `count` values from an async iterator, failing after `timeoutMs`. */
export async function take<T>(iterator: AsyncIterator<T>, count: number, timeoutMs = 5_000): Promise<T[]> {
  const out: T[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < count) {
    let timer: NodeJS.Timeout | undefined;
    const result = await Promise.race([
      iterator.next(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`timed out after ${out.length} of ${count} values`)),
          Math.max(1, deadline - Date.now()),
        );
      }),
    ]).finally(() => clearTimeout(timer));
    if (result.done) throw new Error(`iterator ended after ${out.length} of ${count} values`);
    out.push(result.value);
  }
  return out;
}

/** Resolves with whether the iterator produces a value within `ms` (false: it stayed quiet). */
export async function producesWithin<T>(iterator: AsyncIterator<T>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const quiet = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const value = iterator.next().then((r) => !r.done);
  const result = await Promise.race([value, quiet]);
  clearTimeout(timer);
  return result;
}
