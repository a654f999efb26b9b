import type { ProgressChange } from './apply-change.js';
import type { ProgressFields } from './progress-record.js';

/** Where live progress records are kept (Redis hash or in-process map); used by createStatusTracker. */
export interface ProgressStore {
  /**
   * Applies the change atomically, refreshes the TTL, publishes the new fields on `channel(resourceId)` and
   * returns them; null when an 'interrupt' change had nothing to do (then nothing was written or published).
   */
  apply(resourceId: string, change: ProgressChange): Promise<ProgressFields | null>;
  /** The stored fields per id, in order (null: no record). Rejects when the store is unreachable. */
  read(resourceIds: readonly string[]): Promise<Array<ProgressFields | null>>;
  /** Deletes the record. */
  remove(resourceId: string): Promise<void>;
  /** The pub/sub channel the store publishes a resource's changes on. */
  channel(resourceId: string): string;
  /** Releases timers (the store never owns a connection). */
  close(): Promise<void>;
}
