import { openDatabase, type Database } from '../../src/db/index.js';
import { createScratchDatabase } from './scratch-db.js';

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
  const scratch = await createScratchDatabase(POSTGRES_URL!, 'bot_test');
  return {
    url: scratch.url,
    dataDir,
    open: () => openDatabase({ url: scratch.url, dataDir }),
    dispose: scratch.drop,
  };
}
