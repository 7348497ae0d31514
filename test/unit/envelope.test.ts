import { describe, expect, it } from 'vitest';
import { parseFeishuEnvelope } from '../../src/feishu/envelope.js';

describe('parseFeishuEnvelope', () => {
  it('recognises the URL challenge', () => {
    expect(parseFeishuEnvelope({ type: 'url_verification', challenge: 'ajls', token: 'vt' })).toEqual({
      ok: true,
      envelope: { kind: 'challenge', challenge: 'ajls', token: 'vt' },
    });
  });

  it('reads a v2 event: id, type, token and create time from the header', () => {
    const body = {
      schema: '2.0',
      header: { event_id: 'ev1', event_type: 'helpdesk.ticket.created_v1', token: 'vt', create_time: '1608725989000' },
      event: {},
    };
    const r = parseFeishuEnvelope(body);
    expect(r.ok && r.envelope).toMatchObject({
      kind: 'event',
      schema: 'v2',
      eventId: 'ev1',
      eventType: 'helpdesk.ticket.created_v1',
      token: 'vt',
    });
    expect(r.ok && r.envelope.kind === 'event' && r.envelope.createdAt?.toISOString()).toBe('2020-12-23T12:19:49.000Z');
  });

  it('reads a v1 event: uuid is the id, event.type is the type', () => {
    const body = {
      uuid: 'u1',
      token: 'vt',
      ts: '1502199207.7171419',
      type: 'event_callback',
      event: { type: 'p2p_chat_create', chat_id: 'oc_1' },
    };
    const r = parseFeishuEnvelope(body);
    expect(r.ok && r.envelope).toMatchObject({
      kind: 'event',
      schema: 'v1',
      eventId: 'u1',
      eventType: 'p2p_chat_create',
      token: 'vt',
    });
  });

  it.each([
    ['an array', []],
    ['a string', 'x'],
    ['a v2 body without event_id', { schema: '2.0', header: { event_type: 'x' } }],
    ['a v1 body without uuid', { type: 'event_callback', event: { type: 'x' } }],
    ['an unknown shape', { hello: 'world' }],
    ['a challenge without challenge', { type: 'url_verification' }],
  ])('refuses %s', (_name, body) => {
    expect(parseFeishuEnvelope(body).ok).toBe(false);
  });
});
