import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/index.js';

/**
 * The storage lanes the integration tests run in: the embedded database always, and a PostgreSQL server when
 * TEST_DATABASE_URL is set. CI sets it and REQUIRE_POSTGRES_LANE=1, so there the lane cannot be skipped quietly.
 */
export const POSTGRES_URL = process.env.TEST_DATABASE_URL;

if (!POSTGRES_URL) {
  if (process.env.REQUIRE_POSTGRES_LANE === '1') {
    throw new Error('REQUIRE_POSTGRES_LANE=1 but TEST_DATABASE_URL is not set: the PostgreSQL lane must run here.');
  }
  console.warn(
    '[tests] PostgreSQL lane SKIPPED: TEST_DATABASE_URL is not set (CI sets it). Only the embedded database is tested.',
  );
}

export type Lane = 'pglite' | 'postgres';
export const LANES: Lane[] = POSTGRES_URL ? ['pglite', 'postgres'] : ['pglite'];

export interface TestDatabase {
  url: string | undefined;
  dataDir: string;
  open(): Promise<Database>;
  /** Drops the scratch database (postgres lane). */
  dispose(): Promise<void>;
}

/** A fresh, empty database for one test file: an in-memory PGlite, or a new database on the server. */
export async function createTestDatabase(lane: Lane, dataDir = 'memory://'): Promise<TestDatabase> {
  if (lane === 'pglite') {
    return { url: undefined, dataDir, open: () => openDatabase({ dataDir }), dispose: async () => {} };
  }
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  const name = `bot_test_${randomBytes(6).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_URL!);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    dataDir,
    open: () => openDatabase({ url: url.toString(), dataDir }),
    async dispose() {
      const c = new pg.Client({ connectionString: POSTGRES_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
