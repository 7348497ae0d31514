/**
 * Requests to the bot's real endpoints, made the way each source makes them: Feishu events and card callbacks
 * signed with the Encrypt Key (and encrypted when one is set), ALM batches with Basic credentials, Qingsuyun
 * callbacks carrying the secret key.
 */
import { randomBytes } from 'node:crypto';
import type { Config } from '../config.js';
import { postEvent, textMessageEvent } from '../emulator/feishu/events.js';
import type { SeedTarget } from './seeds.js';

export interface BotAnswer {
  status: number;
  body: unknown;
}

type Credentials = Pick<
  Config,
  | 'FEISHU_ENCRYPT_KEY'
  | 'FEISHU_VERIFICATION_TOKEN'
  | 'ALM_WEBHOOK_USER'
  | 'ALM_WEBHOOK_PASSWORD'
  | 'QINGSUYUN_SECRET_KEY'
>;

async function answer(res: Response): Promise<BotAnswer> {
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) as unknown };
  } catch {
    return { status: res.status, body: text };
  }
}

/** A Feishu event or card callback, to /webhook/event or /webhook/card. */
export async function postFeishu(
  botUrl: string,
  path: '/webhook/event' | '/webhook/card',
  body: object,
  config: Credentials,
) {
  const key = config.FEISHU_ENCRYPT_KEY;
  return answer(await postEvent(`${botUrl}${path}`, body, { ...(key && { encryptKey: key, encrypt: true }) }));
}

export async function fire(
  botUrl: string,
  target: SeedTarget,
  body: Record<string, unknown>,
  config: Credentials,
): Promise<BotAnswer> {
  if (target === 'event') return postFeishu(botUrl, '/webhook/event', body, config);
  if (target === 'alm') {
    const basic = Buffer.from(`${config.ALM_WEBHOOK_USER ?? ''}:${config.ALM_WEBHOOK_PASSWORD ?? ''}`).toString(
      'base64',
    );
    const res = await fetch(`${botUrl}/webhook/alm`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${basic}` },
      body: JSON.stringify(body),
    });
    return answer(res);
  }
  const res = await fetch(`${botUrl}/webhook/qingsuyun`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ secretKey: config.QINGSUYUN_SECRET_KEY, ...body }),
  });
  return answer(res);
}

export interface Identity {
  appId: string;
  tenantKey: string;
  verificationToken: string | undefined;
  /** The time events are stamped with (`create_time`, ms): the sandbox's clock; default the real time. */
  now?: () => number;
}

function header(id: Identity, eventType: string) {
  return {
    event_id: randomBytes(16).toString('hex'),
    event_type: eventType,
    create_time: String((id.now ?? Date.now)()),
    token: id.verificationToken ?? '',
    app_id: id.appId,
    tenant_key: id.tenantKey,
  };
}

interface Typed {
  from: { open_id: string; user_id: string };
  chatId: string;
  chatType: 'p2p' | 'group';
  text: string;
  /** Users mentioned as `@_user_N` in the text, in order. */
  mentions: { open_id: string; user_id?: string; name: string }[];
}

/** An im.message.receive_v1 for a text someone typed. */
export function messageEvent(id: Identity, typed: Typed) {
  return textMessageEvent(
    {
      from: { open_id: typed.from.open_id, user_id: typed.from.user_id, union_id: `on_${typed.from.user_id}` },
      chatId: typed.chatId,
      chatType: typed.chatType,
      text: typed.text,
      mentions: typed.mentions.map((m) => ({
        open_id: m.open_id,
        user_id: m.user_id ?? '',
        union_id: '',
        name: m.name,
      })),
      tenantKey: id.tenantKey,
    },
    {
      token: id.verificationToken ?? '',
      appId: id.appId,
      tenantKey: id.tenantKey,
      createTime: String((id.now ?? Date.now)()),
    },
  );
}

/** The im.chat.access_event.bot_p2p_chat_entered_v1 Feishu sends when a person opens their chat with the bot. */
export function chatEnteredEvent(id: Identity, user: { open_id: string; user_id: string }, chatId: string) {
  return {
    schema: '2.0',
    header: header(id, 'im.chat.access_event.bot_p2p_chat_entered_v1'),
    event: {
      chat_id: chatId,
      operator_id: { open_id: user.open_id, user_id: user.user_id, union_id: `on_${user.user_id}` },
      last_message_id: '',
      last_message_create_time: '',
    },
  };
}

/** The time zone of the demo organisation's people: their Feishu clients stamp it on clicks and form values. */
export const CLIENT_TIME_ZONE = 'Asia/Shanghai';

/**
 * A card.action.trigger for a click on a callback button. A form's submit button adds its `name` and the form's
 * values (`form_value`, by component name).
 */
export function cardActionEvent(
  id: Identity,
  click: {
    operator: { open_id: string; user_id: string };
    messageId: string;
    chatId: string;
    value: unknown;
    tag?: string;
    name?: string;
    formValue?: Record<string, unknown>;
  },
) {
  return {
    schema: '2.0',
    header: header(id, 'card.action.trigger'),
    event: {
      operator: {
        tenant_key: id.tenantKey,
        open_id: click.operator.open_id,
        user_id: click.operator.user_id,
        union_id: `on_${click.operator.user_id}`,
      },
      token: `c-${randomBytes(12).toString('hex')}`,
      action: {
        value: click.value,
        tag: click.tag ?? 'button',
        timezone: CLIENT_TIME_ZONE,
        ...(click.formValue && { form_value: click.formValue }),
        ...(click.name !== undefined && { name: click.name }),
      },
      host: 'im_message',
      context: { open_message_id: click.messageId, open_chat_id: click.chatId },
    },
  };
}
