import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger } from '../../src/logger.js';
import type { Database } from '../../src/db/index.js';
import { HandlerRegistry } from '../../src/handlers/registry.js';
import { InboxWorker } from '../../src/inbox/worker.js';
import { createServices } from '../../src/services/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { testConfig } from '../helpers/harness.js';

describe('inbox worker', () => {
  let testDb: TestDatabase;
  let db: Database;
  const log = createLogger('silent');
  const config = testConfig({ INBOX_MAX_ATTEMPTS: '8' });

  beforeAll(async () => {
    testDb = await createTestDatabase('pglite');
    db = await testDb.open();
  });
  afterAll(async () => {
    await db.close();
    await testDb.dispose();
  });

  it('fails a payload that does not fit its schema at once, with the validation message; no handler runs', async () => {
    let runs = 0;
    const handlers = new HandlerRegistry().add([
      {
        source: 'feishu',
        eventType: 'test.typed',
        schema: z.object({ event: z.object({ ticket_id: z.string() }) }),
        handle: async () => (runs++, {}),
      },
    ]);
    const services = createServices({ db: db.prisma, config, log, feishu: undefined });
    let processed = 0;
    const worker = new InboxWorker({ db: db.prisma, handlers, log, config, services, onProcessed: () => processed++ });
    const bad = await db.prisma.inboundEvent.create({
      data: {
        source: 'feishu',
        externalId: 'typed-bad',
        eventType: 'test.typed',
        payload: { event: { ticket_id: 42 } },
      },
    });
    const good = await db.prisma.inboundEvent.create({
      data: {
        source: 'feishu',
        externalId: 'typed-good',
        eventType: 'test.typed',
        payload: { event: { ticket_id: 'T-1' } },
      },
    });
    expect(await worker.processBatch()).toBe(2);
    expect(processed).toBe(1);
    expect(runs).toBe(1);
    const failed = await db.prisma.inboundEvent.findUniqueOrThrow({ where: { id: bad.id } });
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, lockedBy: null });
    expect(failed.lastError).toContain('ticket_id');
    expect(await db.prisma.inboundEvent.findUniqueOrThrow({ where: { id: good.id } })).toMatchObject({
      status: 'processed',
      lastError: null,
    });
    expect(await worker.processBatch()).toBe(0); // nothing comes back for a retry
  });
});
