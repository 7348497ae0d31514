import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { MigrationList } from '@prisma/schema-engine-wasm';

export const MIGRATIONS_DIR = resolve(import.meta.dirname, '../../prisma/migrations');
export const SCHEMA_PATH = resolve(import.meta.dirname, '../../prisma/schema.prisma');

/** Reads prisma/migrations in the standard layout (`<timestamp>_<name>/migration.sql` + `migration_lock.toml`). */
export async function readMigrations(baseDir = MIGRATIONS_DIR): Promise<MigrationList> {
  const entries = await readdir(baseDir, { withFileTypes: true }).catch(() => []);
  const dirs = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const migrationDirectories = await Promise.all(
    dirs.map(async (path) => {
      const content = await readFile(join(baseDir, path, 'migration.sql'), 'utf8').then(
        (value) => ({ tag: 'ok' as const, value }),
        (e: Error) => ({ tag: 'error' as const, value: e.message }),
      );
      return { path, migrationFile: { path: 'migration.sql', content } };
    }),
  );
  const lockContent = await readFile(join(baseDir, 'migration_lock.toml'), 'utf8').catch(() => null);
  return {
    baseDir,
    lockfile: { path: 'migration_lock.toml', content: lockContent },
    shadowDbInitScript: '',
    migrationDirectories,
  };
}
