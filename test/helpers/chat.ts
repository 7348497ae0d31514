/** Messages and card clicks as Feishu delivers them to the bot. */
import { randomBytes } from 'node:crypto';
import { postEvent, signOldCardCallback, textMessageEvent, v2Event } from './feishu-events.js';
import { ENCRYPT_KEY, VERIFICATION_TOKEN } from './harness.js';

export interface ChatUser {
  open_id: string;
  name?: string;
}

/** An im.message.receive_v1 text message. `mentions` maps `@_user_N` keys to users. */
export function textMessage(opts: {
  from: string;
  chatId: string;
  chatType: 'p2p' | 'group';
  text: string;
  mentions?: Record<string, ChatUser>;
  senderType?: 'user' | 'app';
}) {
  return textMessageEvent({
    from: { open_id: opts.from, user_id: 'u', union_id: 'on' },
    chatId: opts.chatId,
    chatType: opts.chatType,
    text: opts.text,
    mentions: Object.entries(opts.mentions ?? {}).map(([key, u]) => ({
      key,
      open_id: u.open_id,
      user_id: 'u',
      union_id: 'on',
      name: u.name ?? u.open_id,
    })),
    ...(opts.senderType && { senderType: opts.senderType }),
  });
}

export function say(baseUrl: string, body: object): Promise<Response> {
  return postEvent(`${baseUrl}/webhook/event`, body, { encryptKey: ENCRYPT_KEY });
}

/** A new-style card.action.trigger click, signed like an event. */
export async function click(
  baseUrl: string,
  opts: { openId: string; value: Record<string, unknown>; messageId?: string; chatId?: string; path?: string },
) {
  const body = v2Event('card.action.trigger', {
    operator: { open_id: opts.openId, user_id: 'u', union_id: 'on', tenant_key: 't' },
    token: `c-${randomBytes(8).toString('hex')}`,
    action: { value: opts.value, tag: 'button', timezone: 'Asia/Shanghai' },
    host: 'im_message',
    context: { open_message_id: opts.messageId ?? 'om_x', open_chat_id: opts.chatId ?? 'oc_x' },
  });
  const res = await postEvent(`${baseUrl}${opts.path ?? '/webhook/card'}`, body, { encryptKey: ENCRYPT_KEY });
  return {
    status: res.status,
    body: (await res.json()) as {
      toast?: { type: string; content: string; i18n?: { en_us?: string } };
      card?: { type: string; data: unknown };
    },
  };
}

/** The older flat callback, signed with SHA-1 over the verification token. */
export async function clickOldStyle(
  baseUrl: string,
  opts: { openId: string; value: Record<string, unknown>; messageId?: string },
) {
  const body = JSON.stringify({
    open_id: opts.openId,
    user_id: 'u',
    open_message_id: opts.messageId ?? 'om_x',
    tenant_key: 't',
    token: `c-${randomBytes(8).toString('hex')}`,
    action: { value: opts.value, tag: 'button' },
  });
  const res = await fetch(`${baseUrl}/webhook/card`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signOldCardCallback(body, VERIFICATION_TOKEN) },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
