import type { ResourcesDatabase } from '../resources.deps.js';

/** `count` positional placeholders starting at parameter number `start` (1-based), in the provider's syntax. */
export function placeholders(db: Pick<ResourcesDatabase, 'provider'>, count: number, start = 1): string {
  return Array.from({ length: count }, (_, i) => (db.provider === 'postgresql' ? `$${start + i}` : '?')).join(', ');
}

/** One positional placeholder (parameter number `n`, 1-based). */
export function param(db: Pick<ResourcesDatabase, 'provider'>, n: number): string {
  return db.provider === 'postgresql' ? `$${n}` : '?';
}
