import { existsSync } from 'node:fs';
import { loadConfig } from './config.js';
import { createLogger, prettyDestination } from './logger.js';
import { startBot } from './bot.js';

// Settings may also come from a .env file in the working directory (see .env.example); the environment wins.
if (existsSync('.env')) process.loadEnvFile('.env');

const config = (() => {
  try {
    return loadConfig();
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
})();
// JSON lines by default (for log collectors); LOG_FORMAT=pretty for reading at a terminal.
const log = createLogger(config.LOG_LEVEL, config.LOG_FORMAT === 'pretty' ? prettyDestination() : undefined);

const bot = await startBot({ config, log }).catch((err: unknown) => {
  log.fatal({ err }, 'the bot could not start');
  process.exit(1);
});
log.info(
  {
    port: bot.port,
    database: bot.database.kind,
    location: bot.database.location,
    feishuDomain: config.FEISHU_DOMAIN,
    sending: Boolean(bot.dispatcher),
  },
  `bot listening on port ${bot.port}: ` +
    'POST /webhook/event, /webhook/card, /webhook/alm, /webhook/qingsuyun; GET /healthz',
);

// Ctrl-C under `npm start` delivers SIGINT twice (the terminal signals the whole process group, and npm forwards it
// to its child): a repeat within 2 s is that one request. A signal after that forces the exit.
let firstSignalAt = 0;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (firstSignalAt && Date.now() - firstSignalAt < 2000) return;
    if (firstSignalAt) {
      log.warn('second signal: exiting now');
      process.exit(1);
    }
    firstSignalAt = Date.now();
    log.info({ signal }, 'stopping: no new requests, finishing the work in hand');
    bot.stop().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  });
}
