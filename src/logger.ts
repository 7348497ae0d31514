import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

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

/**
 * `LOG_FORMAT=pretty`: one readable, coloured line per entry on stdout, for a person at a terminal. Written
 * synchronously like the JSON logs, so nothing is lost when the process exits; redaction happens before, in pino.
 */
export function prettyDestination(destination: NodeJS.WritableStream = process.stdout): pino.DestinationStream {
  const colorize = destination === process.stdout && process.stdout.isTTY;
  return pretty({
    colorize,
    translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
    ignore: 'pid,hostname',
    sync: true,
    destination,
  });
}
