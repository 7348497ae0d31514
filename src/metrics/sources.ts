/** What the scrape-time gauges read, built from the bot's settings. */
import { almApiConfigured, type Config } from '../config.js';
import type { Db } from '../db/index.js';
import { ALM_BUDGET, budgetLeft } from '../alm/budget.js';

/** Reads the ALM API budget left, when the ALM API is configured. */
export function almBudgetReader(db: Db, config: Config): (() => Promise<number>) | undefined {
  if (!almApiConfigured(config)) return undefined;
  return () => budgetLeft(db, { ...ALM_BUDGET, limit: config.ALM_API_MAX_PER_HOUR });
}
