import { resolve } from 'node:path';
import { z } from 'zod';
import { isTimeOfDay, type WindowPolicy } from './domain/calendar.js';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== '' ? v.trim() : undefined));
const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);

const schema = z.object({
  PORT: int(3000),
  HOST: z.string().default('0.0.0.0'),
  HTTP_LINGER_MAX_BYTES: int(16 * 1024 * 1024),
  HTTP_LINGER_MAX_MS: int(5000),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: optionalString,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
  FEISHU_APP_ID: optionalString,
  FEISHU_APP_SECRET: optionalString,
  FEISHU_VERIFICATION_TOKEN: optionalString,
  FEISHU_ENCRYPT_KEY: optionalString,
  FEISHU_LONG_CONNECTION: z
    .enum(['on', 'off', 'true', 'false', '1', '0'])
    .default('off')
    .transform((v) => v === 'on' || v === 'true' || v === '1'),
  FEISHU_DOMAIN: z
    .string()
    .default('https://open.feishu.cn')
    .transform((v) => v.replace(/\/+$/, '')),
  ADMIN_OPEN_IDS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  FEISHU_SEND_RATE_PER_SECOND: int(50, 1),
  FEISHU_SEND_RATE_PER_MINUTE: int(1000, 0),
  FEISHU_RECIPIENT_RATE_PER_SECOND: int(5, 1),
  OUTBOX_MAX_ATTEMPTS: int(12, 1),
  OUTBOX_RETRY_BASE_MS: int(2000, 1),
  OUTBOX_RETRY_MAX_MS: int(15 * 60_000, 1),
  INBOX_MAX_ATTEMPTS: int(8, 1),
  WORKER_POLL_MS: int(1000, 10),
  DEFAULT_TIME_ZONE: z
    .string()
    .default('Asia/Shanghai')
    .refine(isTimeZone, 'must be an IANA time zone such as Asia/Shanghai'),
  IDENTITY_RETRY_MINUTES: int(30, 1),
  SEND_WINDOW_START: z.string().default('09:00').refine(isTimeOfDay, 'must be a time of day such as 09:00'),
  SEND_WINDOW_END: z.string().default('18:00').refine(isTimeOfDay, 'must be a time of day such as 18:00'),
  WORKING_WEEKDAYS: z
    .string()
    .default('1,2,3,4,5')
    .transform((v) => [...new Set(v.split(',').map((s) => Number(s.trim())))])
    .refine((days) => days.length > 0 && days.every((d) => Number.isInteger(d) && d >= 1 && d <= 7), {
      message: 'must list ISO weekdays 1 (Monday) to 7 (Sunday), e.g. 1,2,3,4,5',
    }),
  HOLIDAYS: z.enum(['cn', 'none']).default('cn'),
  REMINDER_DAILY_CAP: int(2, 0),
  SCHEDULER_POLL_MS: int(5000, 10),
  HELPDESK_REMIND_AFTER_MINUTES: int(15, 0),
  HELPDESK_LEAD_AFTER_MINUTES: int(60, 0),
  HELPDESK_SUMMARY_AT: z.string().default('09:40').refine(isTimeOfDay, 'must be a time of day such as 09:40'),
  ALM_WEBHOOK_USER: optionalString,
  ALM_WEBHOOK_PASSWORD: optionalString,
  ALM_CLIENT_ID: optionalString,
  ALM_CLIENT_SECRET: optionalString,
  ALM_REFRESH_TOKEN: optionalString,
  ALM_API_BASE: z
    .string()
    .default('https://learningmanager.adobe.com')
    .transform((v) => v.replace(/\/+$/, '')),
  ALM_API_MAX_PER_HOUR: int(500, 1),
  QINGSUYUN_SECRET_KEY: optionalString,
  QINGSUYUN_USER_MATCH: z.enum(['user_id', 'email', 'mobile', 'none']).default('user_id'),
  FEISHU_HELPDESK_ID: optionalString,
  FEISHU_HELPDESK_TOKEN: optionalString,
  METRICS_TOKEN: optionalString,
});

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** True when the ALM API can be used to find learners' emails and course names. */
export function almApiConfigured(config: Config): boolean {
  return Boolean(config.ALM_CLIENT_ID && config.ALM_CLIENT_SECRET && config.ALM_REFRESH_TOKEN);
}

export type Config = z.infer<typeof schema> & { dataDir: string };

/** Reads the settings from the environment (see .env.example). Throws a readable error on a bad value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // TIMEZONE is the tenant's zone under its common name; DEFAULT_TIME_ZONE wins when both are set.
  const parsed = schema.safeParse(
    env.TIMEZONE && !env.DEFAULT_TIME_ZONE ? { ...env, DEFAULT_TIME_ZONE: env.TIMEZONE } : env,
  );
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const dir = parsed.data.DATA_DIR;
  return { ...parsed.data, dataDir: dir.startsWith('memory://') ? dir : resolve(dir) };
}

/** The send window of messages the bot sends on its own (reminders, digests, escalations). */
export function windowPolicy(config: Config): WindowPolicy {
  return {
    zone: config.DEFAULT_TIME_ZONE,
    start: config.SEND_WINDOW_START,
    end: config.SEND_WINDOW_END,
    weekdays: config.WORKING_WEEKDAYS,
    holidays: config.HOLIDAYS,
  };
}

/** What is missing, in words an operator can act on. Empty when the bot is fully configured. */
export function configWarnings(config: Config): string[] {
  const warnings: string[] = [];
  if (!config.FEISHU_APP_ID || !config.FEISHU_APP_SECRET) {
    warnings.push(
      'FEISHU_APP_ID / FEISHU_APP_SECRET are not set: events are still received and stored, ' +
        'but no card can be sent until they are set ' +
        '(pending notifications are kept and sent after a restart with credentials).',
    );
  }
  if (!config.FEISHU_ENCRYPT_KEY) {
    warnings.push(
      'FEISHU_ENCRYPT_KEY is not set: request signatures on /webhook/event cannot be checked ' +
        'and encrypted events are refused. Set it to the Encrypt Key of the app.',
    );
  }
  if (!config.FEISHU_VERIFICATION_TOKEN) {
    warnings.push('FEISHU_VERIFICATION_TOKEN is not set: the event token is not checked.');
  }
  if (!config.FEISHU_ENCRYPT_KEY && !config.FEISHU_VERIFICATION_TOKEN) {
    warnings.push(
      'Neither FEISHU_ENCRYPT_KEY nor FEISHU_VERIFICATION_TOKEN is set: ' +
        'anyone who can reach /webhook/event can submit events.',
    );
  }
  if (!config.ALM_WEBHOOK_USER || !config.ALM_WEBHOOK_PASSWORD) {
    warnings.push(
      'ALM_WEBHOOK_USER / ALM_WEBHOOK_PASSWORD are not set: /webhook/alm refuses every request (401) until they are.',
    );
  }
  if (!almApiConfigured(config)) {
    warnings.push(
      'ALM_CLIENT_ID / ALM_CLIENT_SECRET / ALM_REFRESH_TOKEN are not set: ' +
        'ALM learners can only be found through `bind`, and ALM cards show ids instead of course names.',
    );
  }
  if (!config.QINGSUYUN_SECRET_KEY) {
    warnings.push('QINGSUYUN_SECRET_KEY is not set: /webhook/qingsuyun refuses every request (401) until it is.');
  }
  if (!config.FEISHU_HELPDESK_ID || !config.FEISHU_HELPDESK_TOKEN) {
    warnings.push(
      'FEISHU_HELPDESK_ID / FEISHU_HELPDESK_TOKEN are not set: ' +
        'helpdesk ticket events must be subscribed by hand (helpdesk API event/subscribe).',
    );
  }
  if (config.ADMIN_OPEN_IDS.length === 0) {
    warnings.push('ADMIN_OPEN_IDS is empty: nobody can use admin commands until it is set.');
  }
  return warnings;
}
