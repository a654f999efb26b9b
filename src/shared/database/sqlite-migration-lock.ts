import Sqlite from 'better-sqlite3';

/**
 * Serialises migrations on one SQLite file across processes (PostgreSQL has the engine's advisory lock;
 * SQLite has none, and two processes racing would both try to apply the same migration and leave a
 * failed row in `_prisma_migrations`). Holds an EXCLUSIVE transaction on `<database>.migrate-lock`,
 * which the OS releases if the process dies, so the lock can never go stale.
 * Polls without blocking the event loop, so concurrent callers in one process also work.
 * @returns a release function (safe to call twice).
 * @throws Error when the lock is still held after `timeoutMs`.
 */
export async function acquireSqliteMigrationLock(databaseFile: string, timeoutMs: number): Promise<() => void> {
  const lockFile = `${databaseFile}.migrate-lock`;
  const db = new Sqlite(lockFile, { timeout: 0 });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      db.exec('BEGIN EXCLUSIVE');
      break;
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) {
        db.close();
        throw (err as { code?: unknown }).code === 'SQLITE_BUSY'
          ? new Error(`another process kept the migration lock ${lockFile} for ${timeoutMs} ms`, { cause: err })
          : err;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    db.exec('ROLLBACK');
    db.close();
  };
}
