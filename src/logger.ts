import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured logs. Secrets and personal data never reach them: request bodies are not logged, and the
 * paths below are censored should any of them be passed by mistake.
 */
export function createLogger(level = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: [
          'config.FEISHU_APP_SECRET',
          'config.FEISHU_ENCRYPT_KEY',
          'config.FEISHU_VERIFICATION_TOKEN',
          'config.DATABASE_URL',
          '*.app_secret',
          '*.appSecret',
          '*.token',
          '*.encrypt',
          '*.secretKey',
          '*.email',
          '*.mobile',
          '*.phone',
          'headers.authorization',
          'headers["x-lark-signature"]',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
