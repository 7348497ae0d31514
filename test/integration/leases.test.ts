import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import type { Database } from '../../src/db/index.js';
import { HandlerRegistry } from '../../src/handlers/registry.js';
import { InboxWorker } from '../../src/inbox/worker.js';
import { claimEvents, markEventProcessed } from '../../src/inbox/store.js';
import { claimNotifications, markSent } from '../../src/outbox/store.js';
import { OutboxDispatcher } from '../../src/outbox/dispatcher.js';
import { SendRateLimiter } from '../../src/outbox/rate-limiter.js';
import { createServices } from '../../src/services/index.js';
import { LEASE_SECONDS, RENEW_EVERY_MS } from '../../src/domain/status.js';
import { z } from 'zod';
import { LANES, createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { eventually, testConfig } from '../helpers/harness.js';

describe.each(LANES)('leases: taken over after a crash, kept while the work is in hand (%s)', (lane) => {
  let testDb: TestDatabase;
  let db: Database;
  const log = createLogger('silent');
  const config = testConfig({});

  beforeAll(async () => {
    testDb = await createTestDatabase(lane);
    db = await testDb.open();
  });
  afterAll(async () => {
    await db.close();
    await testDb.dispose();
  });

  it('a crashed instance is taken over within 15 s: the lease is short and renewed well before it ends', () => {
    expect(LEASE_SECONDS).toBeLessThanOrEqual(10);
    expect(RENEW_EVERY_MS * 3).toBeLessThanOrEqual(LEASE_SECONDS * 1000);
  });

  it("a dead worker's event is claimed again after its lease; the dead claimer can no longer settle it", async () => {
    await db.prisma.inboundEvent.create({
      data: { source: 'feishu', externalId: 'lease-1', eventType: 'test.lease', payload: {} },
    });
    const [dead] = await claimEvents(db.prisma, 'inbox-dead', 10, 1);
    expect(dead).toMatchObject({ externalId: 'lease-1', attempts: 1 });
    expect(await claimEvents(db.prisma, 'inbox-alive', 10, 1)).toHaveLength(0); // still leased
    const taken = await eventually(
      async () => (await claimEvents(db.prisma, 'inbox-alive', 10, 1))[0],
      5_000,
      'takeover',
    );
    expect(taken).toMatchObject({ id: dead!.id, attempts: 2 });
    expect(await markEventProcessed(db.prisma, dead!.id, 'inbox-dead')).toBe(false);
    expect(await markEventProcessed(db.prisma, dead!.id, 'inbox-alive')).toBe(true);
    expect(await db.prisma.inboundEvent.findUnique({ where: { id: dead!.id } })).toMatchObject({
      status: 'processed',
      lockedBy: null,
    });
  });

  it('a notification claimed by a dispatcher that died is sent by another once its lease ends, once', async () => {
    const row = await db.prisma.notification.create({
      data: {
        dedupeKey: 'lease:n1',
        kind: 'test',
        receiveIdType: 'open_id',
        receiveId: 'ou_lease',
        content: '{"text":"x"}',
        msgType: 'text',
        uuid: 'lease-n1',
      },
    });
    expect(await claimNotifications(db.prisma, 'outbox-dead', 10, 1)).toHaveLength(1);
    const sent: string[] = [];
    const dispatcher = new OutboxDispatcher({
      db: db.prisma,
      sender: { send: async (m) => (sent.push(m.uuid), { ok: true, messageId: `om_${m.uuid}` }) },
      limiter: new SendRateLimiter({ perSecond: 50, perMinute: 0, perRecipientPerSecond: 5 }),
      log,
      maxAttempts: 5,
      pollMs: 50,
    });
    dispatcher.start();
    try {
      await eventually(
        async () => (await db.prisma.notification.findUnique({ where: { id: row.id } }))?.status === 'sent',
        5_000,
        'sent',
      );
    } finally {
      await dispatcher.stop();
    }
    expect(sent).toEqual(['lease-n1']);
    expect(await markSent(db.prisma, row.id, 'outbox-dead', 'om_other')).toBe(false);
  });

  it('a handler that outlasts the lease keeps its event: the worker renews the lease while it runs', async () => {
    let runs = 0;
    const handlers = new HandlerRegistry().add([
      {
        source: 'feishu',
        eventType: 'test.slow',
        schema: z.object({}).passthrough(),
        handle: async () => {
          runs++;
          await new Promise((r) => setTimeout(r, 3_000));
          return {};
        },
      },
    ]);
    const services = createServices({ db: db.prisma, config, log, feishu: undefined });
    const worker = (id: number) =>
      new InboxWorker({
        db: db.prisma,
        handlers,
        log,
        config,
        services,
        leaseSeconds: 1,
        renewEveryMs: 250,
        batchSize: 1 + id,
      });
    const [a, b] = [worker(0), worker(1)];
    const event = await db.prisma.inboundEvent.create({
      data: { source: 'feishu', externalId: 'lease-slow', eventType: 'test.slow', payload: {} },
    });
    a.start();
    await eventually(() => runs === 1, 5_000, 'the first worker to start the handler');
    b.start(); // polls every WORKER_POLL_MS while the first holds the event for three lease lengths
    try {
      await eventually(
        async () => (await db.prisma.inboundEvent.findUnique({ where: { id: event.id } }))?.status === 'processed',
        10_000,
        'processed',
      );
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    expect(runs).toBe(1);
    expect(await db.prisma.inboundEvent.findUnique({ where: { id: event.id } })).toMatchObject({
      status: 'processed',
      attempts: 1,
    });
  }, 20_000);
});
