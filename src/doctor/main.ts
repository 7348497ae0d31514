/**
 * `npm run doctor`: the same checks as the `doctor` chat command, from the same settings (environment, then .env),
 * printed one per line with what to do. Exit code 0 when nothing failed, 1 when a check failed, 2 on bad settings.
 */
import { existsSync } from 'node:fs';
import { loadConfig, type Config } from '../config.js';
import { reportText } from './format.js';
import { doctorFromConfig } from './standalone.js';

if (existsSync('.env')) process.loadEnvFile('.env');
let config: Config;
try {
  config = loadConfig();
} catch (e) {
  console.error((e as Error).message);
  process.exit(2);
}
const report = await doctorFromConfig(config);
console.log(reportText(report));
process.exit(report.ok ? 0 : 1);
