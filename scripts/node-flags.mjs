// Prints the node flags the bot starts with, for the database it will use: `npm start`, the container image and
// the systemd unit run `exec node $(node scripts/node-flags.mjs) dist/src/main.js`, so the bot is still the process
// that receives SIGTERM. The young generation's size can only be set on node's command line (V8 sizes it when the
// heap is created), and the lane is only known from the configuration, `.env` included, hence this step.
//
// Both lanes: WebAssembly (PGlite, Prisma's query compiler) compiled once by Liftoff and never tiered up, and one
// V8 helper thread, both for idle memory. The embedded database has room under its memory target for 16 MB
// semi-spaces, which spare the main thread most of its scavenges under an intake flood; on PostgreSQL every MB of
// semi-space shows in idle memory, which is at its target, so it keeps 2 MB.
import { existsSync } from 'node:fs';
import process from 'node:process';

// The bot reads `.env` the same way (values already in the environment win), and takes an empty DATABASE_URL for
// none.
if (existsSync('.env')) process.loadEnvFile('.env');
const postgres = (process.env.DATABASE_URL ?? '').trim() !== '';
const semiSpace = postgres ? '--max-semi-space-size=2' : '--max-semi-space-size=16';
process.stdout.write(`${semiSpace} --liftoff-only --v8-pool-size=1\n`);
