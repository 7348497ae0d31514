/**
 * Doctor outside the bot: opens the database named by the settings (without migrating it) and the Feishu client,
 * runs the checks, and closes both. The embedded database can be opened by one process at a time: while the bot
 * runs on it, this reports the database as unavailable (use the `doctor` chat command instead).
 */
import type { Config } from '../config.js';
import { createLogger } from '../logger.js';
import { openDatabase, type Database } from '../db/index.js';
import { createFeishuClient } from '../feishu/client.js';
import { createServices } from '../services/index.js';
import { checkDatabase } from './checks.js';
import { feishuProbe } from './probe.js';
import { runDoctor, type DoctorReport } from './run.js';

export async function doctorFromConfig(config: Config): Promise<DoctorReport> {
  const log = createLogger('silent');
  let database: Database;
  try {
    database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.dataDir, migrate: false });
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0]!.slice(0, 300) : String(err);
    return { ok: false, results: [checkDatabase({ ok: false, reason })] };
  }
  try {
    const feishu = createFeishuClient(config, log);
    const services = createServices({ db: database.prisma, config, log, feishu });
    const alm = services.alm;
    return await runDoctor({
      config,
      db: database.prisma,
      feishu: feishu && feishuProbe(feishu, config),
      ...(alm && { almCredentials: () => alm.checkCredentials() }),
      databaseKind:
        database.kind === 'postgres' ? `PostgreSQL (${database.location})` : `embedded database (${database.location})`,
    });
  } finally {
    await database.close();
  }
}
