/**
 * Fault scenario 1 (issue 10, defect 1): start, stop, start again on the same database, and
 * `db:migrate` while a server runs. Embedded mode (no REDIS_URL), on SQLite and on PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import { gql, mustCreateResource, register, waitUntilFinished, type Session } from './support/client.js';
import { report, seconds } from './support/load.js';
import { runScript, spawnApi, terminate } from './support/processes.js';
import { deploymentEnv } from './support/stack.js';

const RESOURCE = 'query($id: ID!) { resource(id: $id) { id progress { overallStatus } } }';

describe.each(['sqlite', 'postgresql'] as const)('embedded restart on %s', (database) => {
  it('starts, stops with exit 0, starts again on the same database with the data intact', async () => {
    const notes: string[] = [];
    try {
      const env = await deploymentEnv({ database });
      const t0 = Date.now();
      const first = await spawnApi(env, { name: `api-1(${database})` });
      notes.push(`first start ${seconds(Date.now() - t0)}`);
      const user: Session = await register(first);
      const id = await mustCreateResource(first, user.accessToken);
      expect(Object.fromEntries(await waitUntilFinished(first, user.accessToken, [id], 30_000))).toEqual({
        [id]: 'COMPLETED',
      });

      const stop1 = await terminate(first);
      notes.push(`SIGTERM: exit ${stop1.code ?? stop1.signal} after ${seconds(stop1.afterSignalMs)}`);
      expect(stop1, first.tail()).toMatchObject({ code: 0, signal: null });

      const t1 = Date.now();
      const second = await spawnApi(env, { name: `api-2(${database})` }).catch((err: unknown) => {
        notes.push(`second start FAILED: ${firstLine(err)}`);
        throw err;
      });
      notes.push(`restart ready in ${seconds(Date.now() - t1)}`);
      const again = await gql<{ resource: { id: string; progress: { overallStatus: string } } | null }>(
        second,
        RESOURCE,
        { id },
        user.accessToken,
      );
      expect(again.data?.resource).toEqual({ id, progress: { overallStatus: 'COMPLETED' } });
      notes.push('resource intact');

      // The migration command while this server holds the database: fine, or one plain line when locked.
      const migrate = await runScript('scripts/db-migrate.ts', {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: env.DATABASE_URL!,
      });
      notes.push(
        `db:migrate while running: ${migrate.code === 0 ? 'exit 0' : `exit ${migrate.code}: ${migrate.stderr.trim().split('\n')[0]?.slice(0, 200) ?? ''}`}`,
      );
      if (migrate.code !== 0) {
        expect(migrate.stderr.trim().split('\n'), migrate.stderr).toHaveLength(1);
        expect(migrate.stderr).toContain('database file is in use by another process: ');
      }
      // The server is unharmed by the migration run.
      const after = await gql<{ me: { id: string } }>(second, '{ me { id } }', {}, user.accessToken);
      expect(after.data?.me.id).toBe(user.userId);

      const stop2 = await terminate(second);
      notes.push(`second SIGTERM: exit ${stop2.code ?? stop2.signal} after ${seconds(stop2.afterSignalMs)}`);
      expect(stop2, second.tail()).toMatchObject({ code: 0, signal: null });
    } finally {
      report(`embedded-restart(${database})`, notes.join(', '));
    }
  }, 90_000);
});

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const fatal = message.split('\n').find((l) => /fatal|error/i.test(l) && !l.startsWith('---'));
  return (fatal ?? message.split('\n')[0] ?? '').slice(0, 300);
}
