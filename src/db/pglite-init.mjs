/* global process, console */
// Creates a new embedded data directory (PGlite's initdb), then exits: `node pglite-init.mjs <dataDir>`.
//
// It runs as a process of its own, once in the life of a data directory, because initdb leaves several hundred MB
// behind in the process that ran it (its WebAssembly memory and the database files it builds in memory), which
// PGlite does not give back after initdb and which the allocator keeps even once a worker thread that ran it has
// ended. A process that exits returns all of it.
import { PGlite } from '@electric-sql/pglite';
import { PGLITE_OPTIONS } from './pglite-settings.mjs';

const dataDir = process.argv[2];
if (!dataDir) {
  console.error('usage: node pglite-init.mjs <dataDir>');
  process.exit(2);
}
try {
  const pg = await PGlite.create(dataDir, PGLITE_OPTIONS);
  await pg.close();
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
}
