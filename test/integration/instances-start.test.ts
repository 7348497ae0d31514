import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { readMigrations } from '../../src/db/migrations.js';
import { POSTGRES_URL, createTestDatabase } from '../helpers/databases.js';
import { spawnInstances, stopInstance, waitHealthy } from '../helpers/instances.js';

/** Each migration's rows in `_prisma_migrations`, finished or not. */
async function migrationRows(url: string): Promise<Map<string, number>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ migration_name: string; finished: boolean }>(
      'SELECT migration_name, finished_at IS NOT NULL AND rolled_back_at IS NULL AS finished FROM _prisma_migrations',
    );
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(r.migration_name, (counts.get(r.migration_name) ?? 0) + (r.finished ? 1 : 100));
    return counts;
  } finally {
    await c.end();
  }
}

/** Starts `n` instances at the same instant; all must become healthy; then stops them cleanly. */
async function startTogether(n: number, url: string): Promise<void> {
  const instances = await spawnInstances(n, { DATABASE_URL: url, DATA_DIR: 'memory://' });
  try {
    await Promise.all(instances.map((inst) => waitHealthy(inst)));
  } finally {
    await Promise.all(instances.map((inst) => stopInstance(inst)));
  }
  for (const inst of instances) expect(inst.output()).not.toContain('advisory lock');
}

describe.skipIf(!POSTGRES_URL)('several instances started at the same instant (postgres)', () => {
  it.each([3, 5])(
    '%i instances: all healthy on a fresh database, then again on the up-to-date one',
    async (n) => {
      const testDb = await createTestDatabase('postgres');
      try {
        const expected = (await readMigrations()).migrationDirectories.map((d) => d.path);
        await startTogether(n, testDb.url!);
        const fresh = await migrationRows(testDb.url!);
        expect([...fresh.keys()].sort()).toEqual(expected);
        for (const name of expected) expect(fresh.get(name), name).toBe(1);

        await startTogether(n, testDb.url!);
        expect(await migrationRows(testDb.url!)).toEqual(fresh);
      } finally {
        await testDb.dispose();
      }
    },
    240_000,
  );
});
