import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger, prettyDestination } from '../../src/logger.js';

function sink() {
  const out: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      out.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => out.join('') };
}

describe('log format', () => {
  it('is JSON by default, and LOG_FORMAT=pretty is accepted; anything else is refused', () => {
    expect(loadConfig({}).LOG_FORMAT).toBe('json');
    expect(loadConfig({ LOG_FORMAT: 'pretty' }).LOG_FORMAT).toBe('pretty');
    expect(() => loadConfig({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT/);
  });

  it('pretty: one readable line per entry with its level and fields, secrets still redacted', () => {
    const s = sink();
    const log = createLogger('info', prettyDestination(s.stream));
    log.info({ port: 3000, config: { FEISHU_APP_SECRET: 's3cret-value' } }, 'bot listening');
    const text = s.text();
    expect(text).toMatch(/INFO.*bot listening/);
    expect(text).toContain('port: 3000');
    expect(text).not.toContain('s3cret-value');
    expect(text).toContain('[redacted]');
    expect(() => JSON.parse(text.split('\n')[0]!)).toThrow();
  });
});
