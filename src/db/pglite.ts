import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';

/**
 * The embedded database: PostgreSQL compiled to WebAssembly, in this process, with its files under `dataDir`
 * (or in memory for `memory://`).
 */
export async function openPGlite(dataDir: string): Promise<PGlite> {
  if (!dataDir.startsWith('memory://')) await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  return db;
}

/**
 * pglite-prisma-adapter 0.7.2 does not await `executeScript`, so a failing migration script would surface as an
 * unhandled rejection after the engine had already recorded the migration as applied. This factory awaits it.
 */
export class AwaitingPGliteFactory extends PrismaPGlite {
  constructor(private readonly db: PGlite) {
    super(db);
  }

  override async connect(): Promise<SqlDriverAdapter> {
    return this.patch(await super.connect());
  }

  override async connectToShadowDb(): Promise<SqlDriverAdapter> {
    return this.patch(await super.connectToShadowDb());
  }

  private patch(adapter: SqlDriverAdapter): SqlDriverAdapter {
    const client = (adapter as unknown as { client: PGlite }).client ?? this.db;
    adapter.executeScript = async (script: string) => {
      await client.exec(script);
    };
    return adapter;
  }
}
