/* global process */
// `npm run build`: compiles src/ and cards/ to JavaScript in dist/ (tsconfig.build.json) and copies what the
// compiled code reads from disk at run time, so production starts with `node dist/src/main.js` and no compiler:
//   src/**/*.mjs               plain JavaScript already, e.g. the embedded database's worker thread
//   prisma/migrations          applied at start; found relative to the compiled src/db/migrations.js
//   prisma/schema.prisma       beside them, as in the repository
// The generated Prisma client (src/generated/prisma, TypeScript) is compiled with the rest.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const STAMP = 'dist/.built';
const INPUTS = [
  'src',
  'cards',
  'prisma',
  'tsconfig.json',
  'tsconfig.build.json',
  'package-lock.json',
  'scripts/build.mjs',
];

/** The newest modification time among `paths` (directories walked). */
function newest(paths) {
  let t = 0;
  for (const p of paths) {
    if (!existsSync(p)) continue;
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(readdirSync(p).map((e) => join(p, e))) : s.mtimeMs);
  }
  return t;
}

// `--if-stale` (the `prestart` hook): nothing to do when dist/ was built after the last change to its inputs.
if (process.argv.includes('--if-stale') && existsSync(STAMP) && statSync(STAMP).mtimeMs >= newest(INPUTS))
  process.exit(0);
if (!existsSync('src/generated/prisma/client.ts')) {
  const gen = spawnSync(process.execPath, ['scripts/prisma-generate.mjs'], { stdio: 'inherit' });
  if (gen.status !== 0) process.exit(gen.status ?? 1);
}
const tsc = require.resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
// Plain JavaScript modules under src/ (the database thread and its helpers) are not compiled: copied as they are.
const mjs = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? mjs(join(dir, e.name)) : e.name.endsWith('.mjs') ? [join(dir, e.name)] : [],
  );
for (const file of mjs('src')) {
  mkdirSync(join('dist', file, '..'), { recursive: true });
  cpSync(file, join('dist', file));
}
rmSync('dist/prisma', { recursive: true, force: true });
cpSync('prisma/migrations', 'dist/prisma/migrations', { recursive: true });
cpSync('prisma/schema.prisma', 'dist/prisma/schema.prisma');
writeFileSync(STAMP, `${new Date().toISOString()}\n`);
