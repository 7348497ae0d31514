// How the embedded database (PGlite) is started: shared by its thread (pglite-thread.mjs) and by the one-off process
// that creates a new data directory (pglite-init.mjs).
//
// PGlite's own defaults size PostgreSQL for a desktop: shared_buffers 128 MB, maintenance_work_mem 64 MB. Its
// WebAssembly memory only grows (pages once touched stay resident until the process ends), so every buffer the
// settings allow ends up in the bot's resident set. A bot's tables are small and its statements short: 16 MB of
// buffers keep its working set cached, and the operating system's page cache holds the rest of the files.
// PGlite's default parameters are repeated here because `startParams` replaces them rather than adding to them.
export const PGLITE_START_PARAMS = [
  '--single',
  '-F',
  '-O',
  '-j',
  '-c',
  'search_path=public',
  '-c',
  'exit_on_error=false',
  '-c',
  'log_checkpoints=false',
  '-c',
  'max_worker_processes=0',
  '-c',
  'max_parallel_workers=0',
  '-c',
  'max_parallel_workers_per_gather=0',
  '-c',
  'shared_buffers=16MB',
  '-c',
  'maintenance_work_mem=16MB',
];

/** Options for `PGlite.create(dataDir, options)`. */
export const PGLITE_OPTIONS = { startParams: PGLITE_START_PARAMS };
