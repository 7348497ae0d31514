/**
 * `npm run sandbox`: the whole product on one machine, offline. Reads only the process environment (not .env, which
 * may hold a production DATA_DIR or credentials); PORT and DATA_DIR are honoured, nothing else is needed.
 */
import { createLogger } from '../logger.js';
import { startSandbox } from './start.js';

const log = createLogger(process.env.LOG_LEVEL || 'info');
const sandbox = await startSandbox({ log }).catch((err: unknown) => {
  log.fatal({ err }, 'the sandbox could not start');
  process.exit(1);
});
const shown = sandbox.consoleUrl.replace('http://127.0.0.1', `http://localhost`);
log.info(
  { data: sandbox.bot.database.location, feishuEmulator: sandbox.feishu.url, alm: sandbox.alm.url },
  `sandbox console: ${shown}`,
);
process.stdout.write(`\n  Sandbox console: ${shown}\n  Card gallery:    ${shown}/cards\n\n`);

let signals = 0;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (++signals > 1) process.exit(1);
    sandbox.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'error while stopping the sandbox');
        process.exit(1);
      },
    );
  });
}
