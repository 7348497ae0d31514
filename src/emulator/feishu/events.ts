/**
 * Build, encrypt and sign Feishu event and callback requests the way Feishu does: events and `card.action.trigger`
 * are signed with SHA-256 over timestamp + nonce + Encrypt Key + body and optionally AES-encrypted; the older card
 * callback is signed with SHA-1 over the Verification Token.
 */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { DEFAULT_APP_ID, DEFAULT_TENANT_KEY } from './emulator.js';

export const DEFAULT_VERIFICATION_TOKEN = 'emulator-verification-token';

export interface FeishuSignatureHeaders {
  'x-lark-request-timestamp': string;
  'x-lark-request-nonce': string;
  'x-lark-signature': string;
}

interface V2EventBody<E = Record<string, unknown>> {
  schema: '2.0';
  header: {
    event_id: string;
    event_type: string;
    create_time: string;
    token: string;
    app_id: string;
    tenant_key: string;
  };
  event: E;
}

interface V1EventBody<E = Record<string, unknown>> {
  uuid: string;
  token: string;
  ts: string;
  type: 'event_callback';
  event: E & { type: string };
}

interface UrlVerificationBody {
  challenge: string;
  token: string;
  type: 'url_verification';
}

/**
 * `{"encrypt": ...}` payload value: AES-256-CBC (PKCS7) of JSON.stringify(obj), key =
 * SHA-256(encryptKey), a random 16-byte IV prepended, base64.
 */
export function encryptFeishu(obj: unknown, encryptKey: string, iv: Buffer = randomBytes(16)): string {
  return encryptFeishuText(JSON.stringify(obj), encryptKey, iv);
}

/** The same over JSON text as it is (say, nested deeper than JSON.stringify can write). */
export function encryptFeishuText(plain: string, encryptKey: string, iv: Buffer = randomBytes(16)): string {
  const key = createHash('sha256').update(encryptKey).digest();
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final()]).toString('base64');
}

/** Event and card.action.trigger signature: hex SHA-256(timestamp + nonce + encryptKey + body). */
export function signFeishu(
  rawBody: string,
  encryptKey: string,
  timestamp: string = nowSeconds(),
  nonce: string = randomNonce(),
): FeishuSignatureHeaders {
  return signatureHeaders('sha256', timestamp, nonce, encryptKey, rawBody);
}

/** Old-style (card.action.trigger_v1) card callback: hex SHA-1(timestamp + nonce + token + body). */
export function signOldCardCallback(
  rawBody: string,
  verificationToken: string,
  timestamp: string = nowSeconds(),
  nonce: string = randomNonce(),
): FeishuSignatureHeaders {
  return signatureHeaders('sha1', timestamp, nonce, verificationToken, rawBody);
}

/** A schema 2.0 event body `{schema, header, event}`. */
export function v2Event<E>(
  eventType: string,
  event: E,
  opts: { eventId?: string; token?: string; appId?: string; tenantKey?: string; createTime?: string } = {},
): V2EventBody<E> {
  return {
    schema: '2.0',
    header: {
      event_id: opts.eventId ?? randomBytes(16).toString('hex'),
      event_type: eventType,
      create_time: opts.createTime ?? String(Date.now()),
      token: opts.token ?? DEFAULT_VERIFICATION_TOKEN,
      app_id: opts.appId ?? DEFAULT_APP_ID,
      tenant_key: opts.tenantKey ?? DEFAULT_TENANT_KEY,
    },
    event,
  };
}

interface TextMessageInput {
  /** The sender's ids, as Feishu gives them (without user_id when the app may not read it). */
  from: { open_id: string; user_id?: string; union_id: string };
  chatId: string;
  chatType: 'p2p' | 'group';
  text: string;
  /** Users mentioned in the text, in order; `key` (how the text names them) defaults to `@_user_N`. */
  mentions?: { key?: string; open_id: string; user_id?: string; union_id?: string; name: string }[];
  senderType?: 'user' | 'app';
  /** The tenant key in the sender and the mentions (the header's comes with `opts`). */
  tenantKey?: string;
}

/** An im.message.receive_v1 for a text someone typed, as Feishu sends it. */
export function textMessageEvent(input: TextMessageInput, opts: Parameters<typeof v2Event>[2] = {}) {
  const tenantKey = input.tenantKey ?? 't';
  return v2Event(
    'im.message.receive_v1',
    {
      sender: { sender_id: input.from, sender_type: input.senderType ?? 'user', tenant_key: tenantKey },
      message: {
        message_id: `om_${randomBytes(16).toString('hex')}`,
        create_time: opts.createTime ?? String(Date.now()),
        chat_id: input.chatId,
        chat_type: input.chatType,
        message_type: 'text',
        content: JSON.stringify({ text: input.text }),
        mentions: (input.mentions ?? []).map(({ key, name, ...id }, i) => ({
          key: key ?? `@_user_${i + 1}`,
          id,
          name,
          tenant_key: tenantKey,
        })),
      },
    },
    opts,
  );
}

/** A v1 event body `{uuid, token, ts, type: 'event_callback', event: {...event, type}}`. */
export function v1Event<E extends object>(
  type: string,
  event: E,
  opts: { uuid?: string; token?: string; ts?: string } = {},
): V1EventBody<E> {
  return {
    uuid: opts.uuid ?? randomBytes(16).toString('hex'),
    token: opts.token ?? DEFAULT_VERIFICATION_TOKEN,
    ts: opts.ts ?? (Date.now() / 1000).toFixed(7),
    type: 'event_callback',
    event: { ...event, type },
  };
}

/** The challenge Feishu sends when the request URL is configured (unsigned). */
export function urlVerification(challenge: string, token: string = DEFAULT_VERIFICATION_TOKEN): UrlVerificationBody {
  return { challenge, token, type: 'url_verification' };
}

interface PostEventOptions {
  /** Signs the request (SHA-256) unless `sign` is false; needed for `encrypt`. */
  encryptKey?: string;
  /** Send `{"encrypt": encryptFeishu(body)}` instead of the body. */
  encrypt?: boolean;
  /** Default true when an encryptKey is given. */
  sign?: boolean;
  /** Extra headers; they override the computed ones. */
  headers?: Record<string, string>;
  /** Default 3000, Feishu's delivery timeout. */
  timeoutMs?: number;
}

/**
 * POST an event the way Feishu's pusher does: compact JSON.stringify body (optionally
 * encrypted), signature over the exact bytes sent, JSON content type, 3 s timeout.
 */
export async function postEvent(url: string, body: object, opts: PostEventOptions = {}): Promise<Response> {
  const { encryptKey } = opts;
  if (opts.encrypt && !encryptKey) throw new Error('postEvent: encrypt needs an encryptKey');
  const raw = JSON.stringify(opts.encrypt && encryptKey ? { encrypt: encryptFeishu(body, encryptKey) } : body);
  const signature = encryptKey && opts.sign !== false ? signFeishu(raw, encryptKey) : {};
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', ...signature, ...opts.headers },
    body: raw,
    signal: AbortSignal.timeout(opts.timeoutMs ?? 3000),
  });
}

function signatureHeaders(
  algorithm: 'sha256' | 'sha1',
  timestamp: string,
  nonce: string,
  secret: string,
  rawBody: string,
): FeishuSignatureHeaders {
  return {
    'x-lark-request-timestamp': timestamp,
    'x-lark-request-nonce': nonce,
    'x-lark-signature': createHash(algorithm)
      .update(timestamp + nonce + secret + rawBody)
      .digest('hex'),
  };
}

function nowSeconds(): string {
  return String(Math.floor(Date.now() / 1000));
}

function randomNonce(): string {
  return randomBytes(8).toString('hex');
}
