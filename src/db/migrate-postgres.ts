import { createHash } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { applyMigrations } from './migrate.js';
import { readMigrations } from './migrations.js';

/**
 * The lock that lets one instance at a time migrate a PostgreSQL database. It is not Prisma's own
 * (pg_advisory_lock(72707369), taken by the schema engine with a 10 s timeout): this one is taken first, by a client
 * of its own, and `pg_advisory_lock` waits without a timeout, so an instance waits as long as another's migration
 * takes. A session lock ends with its session, so an instance that dies while migrating releases it too.
 */
export const MIGRATION_LOCK_KEY = 7_270_736_901;

/**
 * `prisma migrate deploy` for a PostgreSQL server shared by several instances, started at the same instant or not.
 *
 * Under the lock: if every migration in prisma/migrations is already applied with the same checksum, nothing else
 * happens (an up-to-date database costs two statements). Otherwise the schema engine runs on a pool of its own,
 * which is closed as soon as it is done: the engine leaves its advisory lock on an idle pooled connection, and
 * closing the pool ends that session, so the next instance's engine never waits on it. Then the lock is released.
 */
export async function migratePostgres(url: string): Promise<string[]> {
  const lock = new pg.Client({ connectionString: url });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    if (!(await migrationsNeeded(lock))) return [];
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    try {
      return await applyMigrations(wholeScripts(new PrismaPg(pool), pool));
    } finally {
      await pool.end();
    }
  } finally {
    // Ending the session releases the lock even if the unlock statement could not be sent.
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
    await lock.end().catch(() => {});
  }
}

/** True unless every migration folder is recorded as finished in `_prisma_migrations` with the same checksum. */
async function migrationsNeeded(client: pg.Client): Promise<boolean> {
  const { migrationDirectories } = await readMigrations();
  let rows: { migration_name: string; checksum: string }[];
  try {
    ({ rows } = await client.query<{ migration_name: string; checksum: string }>(
      'SELECT migration_name, checksum FROM _prisma_migrations ' +
        'WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    ));
  } catch (err) {
    if ((err as { code?: string }).code === '42P01') return true; // no _prisma_migrations table: a fresh database
    throw err;
  }
  const applied = new Map(rows.map((r) => [r.migration_name, r.checksum]));
  return migrationDirectories.some((d) => {
    const file = d.migrationFile.content;
    if (file.tag !== 'ok') return true;
    return applied.get(d.path) !== createHash('sha256').update(file.value).digest('hex');
  });
}

/**
 * `@prisma/adapter-pg` runs a migration script by splitting it at every `;`, which breaks a function body
 * (`$$ ... ; ... $$`). Here the script goes to the server in one simple query instead, as `psql` and Prisma's
 * native engine send it: the server parses it, and runs it as one implicit transaction.
 */
function wholeScripts(factory: PrismaPg, pool: pg.Pool): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    async connect(): Promise<SqlDriverAdapter> {
      const adapter = await factory.connect();
      // The adapter's own error mapping, so the engine reports a failed script as it would any other statement.
      const mapError = (adapter as unknown as { onError?: (e: unknown) => never }).onError?.bind(adapter);
      adapter.executeScript = async (script: string) => {
        try {
          await pool.query(script);
        } catch (err) {
          mapError?.(err);
          throw err;
        }
      };
      return adapter;
    },
    connectToShadowDb: () => factory.connectToShadowDb(),
  };
}
