/* global process, console, fetch, setTimeout */
// CI check of the production image's steps, without a container engine (`node scripts/check-production.mjs`):
//   1. build stage   the repository's files (as git lists them) in a scratch copy, `npm run build` there
//   2. run stage     package.json, package-lock.json, dist/ and scripts/node-flags.mjs only; `npm ci --omit=dev
//                    --ignore-scripts`
//   3. start         the start script's command through `/bin/sh -c`, as the image runs it, on a fresh data directory,
//                    with no dev dependency (no TypeScript, no test runner) installed
//   4. check         GET /healthz is 200; a signed Feishu event is stored (200, then 200 duplicate on a resend);
//                    SIGTERM stops it with exit 0 and releases the data directory's lock
// The build stage reuses this checkout's node_modules (CI has just installed it with `npm ci`) through a symlink.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'check-production-'));
const step = (msg) => console.log(`== ${msg}`);
const fail = (msg) => {
  console.error(`check-production: FAIL: ${msg}`);
  process.exitCode = 1;
  throw new Error(msg);
};
const run = (cmd, args, cwd) => {
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit' });
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} exited with ${r.status}`);
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(cond, timeoutMs, what) {
  for (const deadline = Date.now() + timeoutMs; !(await cond()); await sleep(200)) {
    if (Date.now() > deadline) fail(`timed out waiting for ${what}`);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * A Feishu v2 event as Feishu posts it: JSON body,
 * X-Lark-Signature = sha256(timestamp + nonce + encryptKey + body).
 */
function signedEvent(keys, id) {
  const body = JSON.stringify({
    schema: '2.0',
    header: {
      event_id: id,
      event_type: 'im.chat.access_event.bot_p2p_chat_entered_v1',
      create_time: String(Date.now()),
      token: keys.token,
      app_id: 'cli_check',
      tenant_key: 'tenant_check',
    },
    event: { chat_id: 'oc_check', operator_id: { open_id: 'ou_check', user_id: 'u_check', union_id: 'on_check' } },
  });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(8).toString('hex');
  const signature = createHash('sha256')
    .update(timestamp + nonce + keys.encryptKey)
    .update(body)
    .digest('hex');
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-lark-request-timestamp': timestamp,
      'x-lark-request-nonce': nonce,
      'x-lark-signature': signature,
    },
  };
}

let bot;
try {
  step('build stage: a copy of the repository, npm run build');
  const build = join(work, 'build');
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((f) => f && existsSync(join(root, f)));
  for (const f of files) {
    mkdirSync(dirname(join(build, f)), { recursive: true });
    cpSync(join(root, f), join(build, f));
  }
  symlinkSync(join(root, 'node_modules'), join(build, 'node_modules'), 'dir');
  run('npm', ['run', 'build'], build);

  step('run stage: package files and dist/ only, npm ci --omit=dev --ignore-scripts');
  const app = join(work, 'app');
  mkdirSync(app);
  for (const f of ['package.json', 'package-lock.json']) cpSync(join(build, f), join(app, f));
  cpSync(join(build, 'dist'), join(app, 'dist'), { recursive: true });
  // The image copies the script that picks the node flags for the database lane (the start command runs it).
  mkdirSync(join(app, 'scripts'));
  cpSync(join(build, 'scripts', 'node-flags.mjs'), join(app, 'scripts', 'node-flags.mjs'));
  run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], app);
  // (typescript and @types/node stay: the lockfile marks them devOptional, optional peers of production packages.)
  for (const dev of ['vitest', 'eslint']) {
    if (existsSync(join(app, 'node_modules', dev))) fail(`the dev dependency ${dev} is installed in the run stage`);
  }

  step('start: node dist/src/main.js as the start script runs it');
  const start = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')).scripts.start;
  if (!/^exec node /.test(start)) fail(`unexpected start script: ${start}`);
  const port = await freePort();
  const dataDir = join(work, 'data');
  const keys = {
    encryptKey: `check-${randomBytes(6).toString('hex')}`,
    token: `tok-${randomBytes(6).toString('hex')}`,
  };
  let output = '';
  // Through the shell as the image's command runs it; `exec` makes node the process that gets SIGTERM.
  bot = spawn('/bin/sh', ['-c', start], {
    cwd: app,
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      FEISHU_ENCRYPT_KEY: keys.encryptKey,
      FEISHU_VERIFICATION_TOKEN: keys.token,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  bot.stdout.on('data', (d) => (output = (output + d).slice(-8000)));
  bot.stderr.on('data', (d) => (output = (output + d).slice(-8000)));
  const exited = new Promise((resolve) => bot.once('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  await until(
    async () => {
      if (bot.exitCode !== null) fail(`the bot exited (${bot.exitCode}) before /healthz answered:\n${output}`);
      return fetch(`${base}/healthz`).then(
        (r) => r.status === 200,
        () => false,
      );
    },
    300_000,
    '/healthz 200',
  );
  console.log(`/healthz: ${await (await fetch(`${base}/healthz`)).text()}`);

  const id = `check${randomBytes(12).toString('hex')}`;
  const post = async () => {
    const req = signedEvent(keys, id);
    const res = await fetch(`${base}/webhook/event`, { method: 'POST', headers: req.headers, body: req.body });
    return { status: res.status, body: await res.json() };
  };
  const first = await post();
  if (first.status !== 200 || first.body.ok !== true || first.body.duplicate)
    fail(`the event was answered ${first.status} ${JSON.stringify(first.body)}`);
  const again = await post();
  if (again.status !== 200 || again.body.duplicate !== true)
    fail(`the resent event was answered ${again.status} ${JSON.stringify(again.body)}`);
  console.log('a signed event: stored (200), its resend answered as a duplicate');

  step('SIGTERM: a graceful stop');
  bot.kill('SIGTERM');
  const code = await Promise.race([exited, sleep(60_000).then(() => 'timeout')]);
  if (code !== 0) fail(`the bot did not stop with exit 0 after SIGTERM (${code}):\n${output}`);
  if (existsSync(join(dataDir, 'bot.lock'))) fail('bot.lock was left behind');
  console.log('check-production: PASS');
} catch (e) {
  if (!process.exitCode) {
    console.error(`check-production: FAIL: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  }
} finally {
  if (bot && bot.exitCode === null) bot.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
}
