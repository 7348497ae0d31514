/** Signed Feishu v2 event requests, built the way Feishu sends them (shared by the generator and the checks). */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';

export const EVENT_TYPE = 'im.chat.access_event.bot_p2p_chat_entered_v1';

export interface SigningKeys {
  encryptKey: string;
  verificationToken: string;
}

/** 32 hex characters, unique per (run tag, index): the event id. */
export function eventId(tag: string, i: number): string {
  return `${tag}${i.toString(16).padStart(32 - tag.length, '0')}`;
}

/** A distinct user per event, so every event is a real onboarding (a row in onboarded_user and in notification). */
export function openId(tag: string, i: number): string {
  return `ou_${tag}${i.toString(16).padStart(32 - tag.length, '0')}`;
}

export function eventBody(tag: string, i: number, keys: SigningKeys): Record<string, unknown> {
  const now = Date.now();
  return {
    schema: '2.0',
    header: {
      event_id: eventId(tag, i),
      event_type: EVENT_TYPE,
      create_time: String(now),
      token: keys.verificationToken,
      app_id: 'cli_9f5343c580712544',
      tenant_key: '2ca1d211f64f6438',
    },
    event: {
      chat_id: `oc_${tag}${i.toString(16).padStart(32 - tag.length, '0')}`,
      operator_id: {
        union_id: `on_${tag}${i.toString(16)}`,
        user_id: `u${tag}${i.toString(16)}`,
        open_id: openId(tag, i),
      },
      last_message_id: '',
      last_message_create_time: '',
    },
  };
}

/** Feishu's `{"encrypt": ...}`: AES-256-CBC, key sha256(encryptKey), random IV prepended, base64. */
export function encryptFeishu(plain: string, encryptKey: string): string {
  const key = createHash('sha256').update(encryptKey).digest();
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final()]).toString('base64');
}

export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

/** The compact JSON body (optionally encrypted) and the x-lark-* signature headers over its exact bytes. */
export function signedRequest(
  event: unknown,
  keys: SigningKeys,
  opts: { encrypt?: boolean; badSignature?: boolean } = {},
): SignedRequest {
  const plain = JSON.stringify(event);
  const body = opts.encrypt ? JSON.stringify({ encrypt: encryptFeishu(plain, keys.encryptKey) }) : plain;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(8).toString('hex');
  let signature = createHash('sha256')
    .update(timestamp + nonce + keys.encryptKey)
    .update(body)
    .digest('hex');
  if (opts.badSignature) signature = signature.replace(/^./, (c) => (c === '0' ? '1' : '0'));
  return {
    body,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-lark-request-timestamp': timestamp,
      'x-lark-request-nonce': nonce,
      'x-lark-signature': signature,
    },
  };
}

/** A whole HTTP/1.1 keep-alive request as one buffer, ready to write to a socket. */
export function rawHttpRequest(host: string, path: string, req: SignedRequest): Buffer {
  const body = Buffer.from(req.body, 'utf8');
  const lines = [`POST ${path} HTTP/1.1`, `host: ${host}`, 'connection: keep-alive', `content-length: ${body.length}`];
  for (const [k, v] of Object.entries(req.headers)) lines.push(`${k}: ${v}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}
