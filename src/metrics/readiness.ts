/**
 * /readyz: whether this instance should get traffic. Ready when the database answers, every migration in
 * prisma/migrations is applied (an instance started against a database another, newer instance migrated is
 * ready; one whose migrations are missing from the database is not), and the bot is not stopping.
 */
import { readdir } from 'node:fs/promises';
import type { Db } from '../db/index.js';
import { MIGRATIONS_DIR } from '../db/migrations.js';

type Readiness = { ready: true } | { ready: false; reason: 'stopping' | 'database' | 'migrations'; message: string };

export interface ReadinessDeps {
  db: Db;
  accepting: () => boolean;
  /** The migration names the code expects (default: the directories of prisma/migrations). */
  expectedMigrations?: () => Promise<string[]>;
}

export async function migrationNames(dir = MIGRATIONS_DIR): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** The expected migrations the database has not finished applying. Pure. */
export function missingMigrations(expected: readonly string[], applied: readonly string[]): string[] {
  const done = new Set(applied);
  return expected.filter((name) => !done.has(name));
}

export async function checkReadiness(deps: ReadinessDeps): Promise<Readiness> {
  if (!deps.accepting()) return { ready: false, reason: 'stopping', message: 'The bot is shutting down.' };
  let applied: string[];
  try {
    const rows = await deps.db.$queryRaw<{ migration_name: string }[]>`
      SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
    applied = rows.map((r) => r.migration_name);
  } catch {
    return { ready: false, reason: 'database', message: 'The database did not answer (or has no migration table).' };
  }
  const missing = missingMigrations(await (deps.expectedMigrations ?? migrationNames)(), applied);
  if (missing.length > 0) {
    return {
      ready: false,
      reason: 'migrations',
      message: `Migrations not applied: ${missing.join(', ')}. Restart the bot to apply them.`,
    };
  }
  if (!deps.accepting()) return { ready: false, reason: 'stopping', message: 'The bot is shutting down.' };
  return { ready: true };
}
