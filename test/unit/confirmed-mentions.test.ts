import { describe, expect, it } from 'vitest';
import { MentionCheckingSender, mentionedIds, withConfirmedMentions } from '../../src/feishu/confirmed-mentions.js';
import type { MessageSender, OutgoingMessage } from '../../src/feishu/sender.js';
import { note, t } from '../../cards/kit.js';

describe('mentions of confirmed users only', () => {
  const card = JSON.stringify({
    body: { elements: [{ content: '<at id=ou_a></at> · <at id="ou_b"></at> · <at id=all></at> · <at id=ou_a></at>' }] },
  });

  it('finds the mentioned ids once each, never `all`', () => {
    expect(mentionedIds(card)).toEqual(['ou_a', 'ou_b']);
  });

  it('writes an unconfirmed mention as the plain (escaped) id and keeps the others', () => {
    const out = withConfirmedMentions(card, new Set(['ou_a']));
    expect(out).toContain('<at id=ou_a></at> · ou&#95;b · <at id=all></at> · <at id=ou_a></at>');
    expect(JSON.parse(out)).toBeTruthy();
  });

  it('checks each card as it is sent or patched; a failed lookup counts as unknown; text messages pass', async () => {
    const sent: string[] = [];
    const inner: MessageSender = {
      send: async (m) => (sent.push(m.content), { ok: true, messageId: 'om_1' }),
      patch: async (_id, content) => (sent.push(content), { ok: true }),
    };
    const sender = new MentionCheckingSender(inner, async (id) => {
      if (id === 'ou_b') throw new Error('directory down');
      return id === 'ou_a';
    });
    const message: OutgoingMessage = {
      receiveIdType: 'open_id',
      receiveId: 'ou_a',
      msgType: 'interactive',
      content: card,
      uuid: 'u',
    };
    await sender.send(message);
    await sender.patch!('om_1', card);
    await sender.send({ ...message, msgType: 'text', content: '{"text":"<at id=ou_b></at>"}' });
    expect(sent[0]).toContain('ou&#95;b');
    expect(sent[0]).not.toContain('<at id="ou_b">');
    expect(sent[1]).toBe(sent[0]);
    expect(sent[2]).toBe('{"text":"<at id=ou_b></at>"}');
  });
});

describe('note()', () => {
  it('is grey', () => {
    const n = note(t('脚注', 'footnote')) as { content: string; i18n_content: { en_us: string } };
    expect(n.content).toBe("<font color='grey'>脚注</font>");
    expect(n.i18n_content.en_us).toBe("<font color='grey'>footnote</font>");
  });
});
