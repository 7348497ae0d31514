import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaClient } from '../generated/prisma/client.js';
import type { Logger } from '../logger.js';
import { lockDataDir } from './data-dir-lock.js';
import { applyMigrations } from './migrate.js';
import { migratePostgres } from './migrate-postgres.js';
import { PGliteThread } from './pglite-remote.js';

export { PrismaClient };
export type Db = PrismaClient;

export interface Database {
  prisma: PrismaClient;
  kind: 'pglite' | 'postgres';
  /** Where the data lives, without credentials. */
  location: string;
  /**
   * A plain statement outside the Prisma client, for the intake's hot path: on the embedded database it runs in the
   * database thread as it is, on PostgreSQL as a named prepared statement on the pool Prisma uses; neither does the
   * client's and the adapter's work on every call. Rows come back as objects (PostgreSQL's types as `pg` reads them).
   */
  query<T>(sql: string, params: unknown[]): Promise<T[]>;
  /**
   * PostgreSQL only: a pool of plain connections of its own to the same database, for statements that must not wait
   * behind the Prisma client's (its owner ends it). Undefined on the embedded database, which one process owns.
   */
  openPool: ((opts: { max: number; idleTimeoutMillis: number }) => pg.Pool) | undefined;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres://… for a PostgreSQL server; otherwise the embedded database. */
  url?: string | undefined;
  /** Directory of the embedded database, or `memory://` for an in-memory one. */
  dataDir: string;
  migrate?: boolean;
  logger?: Logger;
}

/** Opens the database named by the settings and brings its schema up to date. */
export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  const { url, dataDir, migrate = true, logger } = opts;
  let factory: SqlMigrationAwareDriverAdapterFactory;
  let kind: Database['kind'];
  let location: string;
  let closeDriver: () => Promise<void>;
  let query: Database['query'];
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) throw new Error('DATABASE_URL must start with postgres:// or postgresql://');
    // One pool for Prisma and for the intake's plain statement, which runs as a named prepared statement (parsed
    // and planned once per connection, then only bound and executed): no client work on the hot path.
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    pool.on('error', (err) => logger?.warn({ err }, 'an idle database connection failed'));
    factory = new PrismaPg(pool);
    kind = 'postgres';
    location = redactUrl(url);
    closeDriver = () => pool.end();
    query = async <T>(sql: string, params: unknown[]) =>
      (await pool.query({ name: statementName(sql), text: sql, values: params })).rows as T[];
  } else {
    const onDisk = !dataDir.startsWith('memory://');
    if (onDisk) await mkdir(dataDir, { recursive: true });
    const unlock = onDisk ? lockDataDir(dataDir) : () => {};
    const thread = await PGliteThread.start(dataDir, (err) =>
      logger?.fatal({ err }, 'the embedded database stopped'),
    ).catch((err: unknown) => {
      unlock();
      throw err;
    });
    factory = thread;
    kind = 'pglite';
    location = dataDir;
    closeDriver = async () => {
      await thread.close();
      unlock();
    };
    query = (sql, params) => thread.query(sql, params);
  }
  if (migrate) {
    // On PostgreSQL several instances may start at once: one migrates under a lock, the others wait for it.
    const applied = url ? await migratePostgres(url) : await applyMigrations(factory);
    logger?.info({ kind, location, applied }, applied.length ? 'database migrated' : 'database schema up to date');
  }
  const prisma = new PrismaClient({ adapter: factory });
  return {
    prisma,
    kind,
    location,
    query,
    openPool: url
      ? (o) =>
          new pg.Pool({
            connectionString: url,
            max: o.max,
            idleTimeoutMillis: o.idleTimeoutMillis,
            allowExitOnIdle: true,
          })
      : undefined,
    async close() {
      await prisma.$disconnect();
      await closeDriver();
    },
  };
}

const statementNames = new Map<string, string>();

/** A prepared statement's name, the same for the same text (a name is bound to its text on each connection). */
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (name === undefined) {
    name = `q_${createHash('sha256').update(sql).digest('hex').slice(0, 32)}`;
    statementNames.set(sql, name);
  }
  return name;
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparseable)';
  }
}
