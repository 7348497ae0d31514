import { z } from 'zod';

/** What a (decrypted) Feishu request body is. Pure: no I/O, no configuration. */
export type FeishuEnvelope =
  | { kind: 'challenge'; challenge: string; token: string | undefined }
  | {
      kind: 'event';
      schema: 'v1' | 'v2';
      eventId: string;
      eventType: string;
      token: string | undefined;
      createdAt: Date | undefined;
      body: Record<string, unknown>;
    };

const challengeSchema = z.object({
  type: z.literal('url_verification'),
  challenge: z.string().min(1),
  token: z.string().optional(),
});

const v2Schema = z.object({
  schema: z.literal('2.0'),
  header: z.object({
    event_id: z.string().min(1).max(200),
    event_type: z.string().min(1).max(200),
    token: z.string().optional(),
    create_time: z.union([z.string(), z.number()]).optional(),
  }),
  event: z.record(z.string(), z.unknown()).optional(),
});

const v1Schema = z.object({
  type: z.literal('event_callback'),
  uuid: z.string().min(1).max(200),
  token: z.string().optional(),
  ts: z.union([z.string(), z.number()]).optional(),
  event: z.object({ type: z.string().min(1).max(200) }).passthrough(),
});

type EnvelopeResult = { ok: true; envelope: FeishuEnvelope } | { ok: false; reason: string };

export function parseFeishuEnvelope(body: unknown): EnvelopeResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, reason: 'Body must be a JSON object.' };
  }
  const record = body as Record<string, unknown>;
  if (record.type === 'url_verification') {
    const c = challengeSchema.safeParse(body);
    if (!c.success) return { ok: false, reason: 'url_verification without a challenge.' };
    return { ok: true, envelope: { kind: 'challenge', challenge: c.data.challenge, token: c.data.token } };
  }
  if ('schema' in record) {
    const v2 = v2Schema.safeParse(body);
    if (!v2.success) return { ok: false, reason: `Not a valid v2 event: ${describe(v2.error)}` };
    const h = v2.data.header;
    return {
      ok: true,
      envelope: {
        kind: 'event',
        schema: 'v2',
        eventId: h.event_id,
        eventType: h.event_type,
        token: h.token,
        createdAt: millis(h.create_time),
        body: record,
      },
    };
  }
  if (record.type === 'event_callback') {
    const v1 = v1Schema.safeParse(body);
    if (!v1.success) return { ok: false, reason: `Not a valid v1 event: ${describe(v1.error)}` };
    const seconds = v1.data.ts === undefined ? undefined : Number(v1.data.ts);
    return {
      ok: true,
      envelope: {
        kind: 'event',
        schema: 'v1',
        eventId: v1.data.uuid,
        eventType: v1.data.event.type,
        token: v1.data.token,
        createdAt: seconds !== undefined && Number.isFinite(seconds) ? new Date(seconds * 1000) : undefined,
        body: record,
      },
    };
  }
  return {
    ok: false,
    reason:
      'Not a Feishu event: expected a v2 body with "schema" and "header", or a v1 body with "type":"event_callback".',
  };
}

function millis(v: string | number | undefined): Date | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) return undefined;
  // create_time is milliseconds for events and microseconds for card.action.trigger.
  return new Date(n > 1e14 ? n / 1000 : n);
}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ');
}
