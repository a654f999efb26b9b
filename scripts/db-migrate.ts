// npm run db:migrate: applies pending migrations to the configured database (DATABASE_URL or
// POSTGRES_*, read from the environment and .env), like `prisma migrate deploy`, offline.
import { describeDatabaseUrl, getDatabaseUrl, loadConfig } from '../src/config/index.js';
import { applyMigrations } from '../src/shared/database/migrate.js';

async function main(): Promise<void> {
  const config = loadConfig(process.env, { envFile: '.env' });
  const url = getDatabaseUrl(config);
  const target = describeDatabaseUrl(url);
  console.log(
    target.provider === 'postgresql'
      ? `db:migrate: PostgreSQL database "${target.database}" at ${target.host}:${target.port}`
      : `db:migrate: SQLite database ${target.database}`,
  );
  const { applied } = await applyMigrations({ url, log: (msg) => console.log(`db:migrate: ${msg}`) });
  console.log(`db:migrate: done, ${applied.length} migration${applied.length === 1 ? '' : 's'} applied`);
}

main().catch((err: unknown) => {
  const code = (err as { code?: unknown }).code;
  console.error(
    `db:migrate failed${typeof code === 'string' ? ` (${code})` : ''}: ${err instanceof Error ? err.message : String(err)}`,
  );
  process.exit(1);
});
