import type { Viewer } from '../../../shared/context.js';

/**
 * The `where` fragment that scopes resource queries to what the viewer may see: their own resources,
 * or every resource for ADMIN. Authorization lives in the query itself, so a foreign id is simply
 * not found (DESIGN.md §2).
 */
export function ownerScope(viewer: Viewer): { ownerId?: string } {
  return viewer.tier === 'ADMIN' ? {} : { ownerId: viewer.userId };
}

/** The owner id to scope raw SQL with, or null for ADMIN (no owner restriction). */
export function scopedOwnerId(viewer: Viewer): string | null {
  return viewer.tier === 'ADMIN' ? null : viewer.userId;
}
