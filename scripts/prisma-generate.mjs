/* global process */
// Generates the Prisma client (src/generated/prisma) offline.
// The Prisma CLI looks for a schema-engine binary on every command and would try to download one; `generate`
// never runs it, so any existing file satisfies the check. Migrations run through the WebAssembly engine instead.
import { spawnSync } from 'node:child_process';

const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
  CHECKPOINT_DISABLE: '1',
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
};
const r = spawnSync(process.execPath, ['node_modules/prisma/build/index.js', 'generate'], { stdio: 'inherit', env });
process.exit(r.status ?? 1);
