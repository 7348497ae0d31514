/** im/v1/messages: create, reply, patch and urgent (in-app) notifications. */
import { createHash, randomBytes } from 'node:crypto';
import { cardKind, checkMentions, isSharedCard, validateCard } from './cards.js';
import {
  CARD_MAX_BYTES,
  ERR,
  MSG_TYPES,
  PATCH_WINDOW_MS,
  RECEIVE_ID_TYPES,
  TEXT_MAX_BYTES,
  UUID_MAX_LENGTH,
  UUID_TTL_MS,
} from './codes.js';
import type { Directory } from './contact.js';
import { ApiError, isRecord, ok, type ApiReply, type ApiRequest } from './http.js';
import { acquireAll, type SlidingWindowLimiter } from './rate-limit.js';
import type { EmulatedChat, PatchRecord, SentMessage, UrgentRecord } from './types.js';

interface MessageLimits {
  /**
   * The app's tier of each message API (per second, per minute), keyed by app id and API: create, reply and patch
   * are each counted on their own, as Feishu counts every API separately.
   */
  app: SlidingWindowLimiter[];
  /** Per recipient, keyed by chat id (a user's p2p chat or a group). */
  recipient: SlidingWindowLimiter;
  /** Per message, for patch. */
  patch: SlidingWindowLimiter;
  /** ephemeral/v1/send: its own app-wide limiters (per second, per minute) and a per-group limiter. */
  ephemeral?: { app: SlidingWindowLimiter[]; chat: SlidingWindowLimiter };
}

interface MessageServiceDeps {
  appId: string;
  tenantKey: string;
  directory: Directory;
  limits: MessageLimits;
  /** Whether the tenant granted the app a scope (calls that need one are refused without it). */
  granted: (scope: string) => boolean;
  /** Called after a message is recorded. */
  onMessage: (m: SentMessage) => void;
  /**
   * The time stamped on messages (`create_time`, `update_time`), in ms; by default the request's. A sandbox with a
   * moved clock stamps its own time; rate limits, uuid dedupe and the patch window keep real time.
   */
  stamp?: () => number;
  /** Called after a message's content changed (patch or callback answer). */
  onChange?: (m: SentMessage) => void;
}

interface Recipient {
  chatId: string;
  openId?: string;
}

export class MessageService {
  readonly messages: SentMessage[] = [];
  readonly patches: PatchRecord[] = [];
  /** Urgent notifications sent (none is ever read here, so each counts against the person's unread ones). */
  readonly urgents: UrgentRecord[] = [];
  private readonly byId = new Map<string, SentMessage>();
  /** uuid -> the message it created and when. */
  private readonly byUuid = new Map<string, { message: SentMessage; at: number }>();
  private readonly chats = new Map<string, EmulatedChat>();
  /** message_id -> when it was really created (the patch window counts from then). */
  private readonly createdAt = new Map<string, number>();

  constructor(private readonly deps: MessageServiceDeps) {}

  addChat(chat: EmulatedChat): void {
    this.chats.set(chat.chat_id, { ...chat });
  }

  /** The stable p2p chat id between the bot and a user (derived from app id + open_id). */
  p2pChatId(openId: string): string {
    return `oc_${createHash('sha256').update(`${this.deps.appId}:${openId}`).digest('hex').slice(0, 32)}`;
  }

  private stampOf(at: number): number {
    return this.deps.stamp ? this.deps.stamp() : at;
  }

  /**
   * The gateway's limit of one API for this app (each API has its own count): HTTP 429, code 99991400, and the
   * x-ogw-ratelimit-* headers (the window's limit; whole seconds until a request would be admitted). Only admitted
   * requests are counted.
   */
  private gatewayLimit(limiters: readonly SlidingWindowLimiter[], api: string, at: number): void {
    const refusal = acquireAll(limiters, `${this.deps.appId} ${api}`, at);
    if (!refusal) return;
    throw new ApiError(ERR.rateLimited, undefined, {
      'x-ogw-ratelimit-limit': String(refusal.limiter.limit),
      'x-ogw-ratelimit-reset': String(Math.max(1, Math.ceil(refusal.retryAfterMs / 1000))),
    });
  }

  /** Forget every message, patch and uuid (chats are kept). */
  clear(): void {
    this.createdAt.clear();
    this.messages.length = 0;
    this.patches.length = 0;
    this.urgents.length = 0;
    this.byId.clear();
    this.byUuid.clear();
  }

  /** POST /open-apis/im/v1/messages?receive_id_type= */
  handleCreate(req: ApiRequest): ApiReply {
    // The gateway limit applies before anything else is looked at.
    this.gatewayLimit(this.deps.limits.app, 'im.v1.message.create', req.at);
    const receiveIdType = req.query.get('receive_id_type') ?? '';
    if (!RECEIVE_ID_TYPES.has(receiveIdType)) throw invalid(`receive_id_type "${receiveIdType}"`);
    const body = isRecord(req.body) ? req.body : {};
    const { receive_id: receiveId } = body;
    if (typeof receiveId !== 'string' || !receiveId) throw invalid('receive_id is required');
    const to = () => ({ ...this.resolveRecipient(receiveIdType, receiveId), receiveIdType, receiveId });
    return this.create(req, body, to);
  }

  /**
   * POST /open-apis/im/v1/messages/:message_id/reply: a message in the chat of the message replied to, with
   * `parent_id` that message and `root_id` the first message of its reply chain.
   */
  handleReply(req: ApiRequest, parentId: string): ApiReply {
    this.gatewayLimit(this.deps.limits.app, 'im.v1.message.reply', req.at);
    const parent = this.byId.get(parentId);
    // Chosen: 230001 for an unknown message id, as for patch.
    if (!parent) throw invalid(`message_id ${parentId} not found`);
    const body = isRecord(req.body) ? req.body : {};
    if (body.reply_in_thread !== undefined && typeof body.reply_in_thread !== 'boolean')
      throw invalid('reply_in_thread must be a boolean');
    return this.create(req, body, () => ({
      chatId: parent.chat_id,
      ...(parent.recipient_open_id !== undefined && { openId: parent.recipient_open_id }),
      receiveIdType: 'chat_id',
      receiveId: parent.chat_id,
      parent,
      ...(body.reply_in_thread === true && { thread: true }),
    }));
  }

  /**
   * PATCH /open-apis/im/v1/messages/:message_id/urgent_app?user_id_type=open_id: an in-app urgent notification on
   * a message the app sent, for people who received it. Needs the scope im:message.urgent; at most 200 unread
   * urgent messages per person.
   */
  handleUrgentApp(req: ApiRequest, messageId: string): ApiReply {
    if (!this.deps.granted('im:message.urgent')) throw new ApiError(ERR.noScope, '(im:message.urgent)');
    const message = this.byId.get(messageId);
    if (!message) throw invalid(`message_id ${messageId} not found`);
    const idType = req.query.get('user_id_type') ?? '';
    if (!['open_id', 'user_id', 'union_id'].includes(idType)) throw invalid(`user_id_type "${idType}"`);
    const body = isRecord(req.body) ? req.body : {};
    const list = body.user_id_list;
    if (!Array.isArray(list) || list.length === 0 || !list.every((u) => typeof u === 'string'))
      throw invalid('user_id_list must be a non-empty list of ids');
    const invalidIds: string[] = [];
    for (const id of list as string[]) {
      const user = this.deps.directory.find(idType as 'open_id', id);
      // A person can be buzzed only on a message they received: their own p2p chat with the bot, or a group.
      const received = user && (message.recipient_open_id === undefined || message.recipient_open_id === user.open_id);
      if (!user || !received) {
        invalidIds.push(id);
        continue;
      }
      const unread = this.urgents.filter((u) => u.open_id === user.open_id).length;
      if (unread >= URGENT_UNREAD_MAX) throw new ApiError(ERR.tooManyUrgent);
      this.urgents.push({ message_id: messageId, open_id: user.open_id, kind: 'app', at: req.at });
    }
    return ok({ invalid_user_id_list: invalidIds });
  }

  private create(
    req: ApiRequest,
    body: Record<string, unknown>,
    to: () => Recipient & { receiveIdType: string; receiveId: string; parent?: SentMessage; thread?: boolean },
  ): ApiReply {
    const { msg_type: msgType, content, uuid } = body;
    if (typeof msgType !== 'string' || !MSG_TYPES.has(msgType)) throw invalid(`msg_type "${String(msgType)}"`);
    if (typeof content !== 'string') throw invalid('content must be a string');
    if (uuid !== undefined && (typeof uuid !== 'string' || uuid.length > UUID_MAX_LENGTH)) {
      throw invalid(`uuid must be a string of at most ${UUID_MAX_LENGTH} characters`);
    }
    const maxBytes = msgType === 'text' ? TEXT_MAX_BYTES : CARD_MAX_BYTES;
    if (
      (msgType === 'text' || msgType === 'post' || msgType === 'interactive') &&
      Buffer.byteLength(content) > maxBytes
    ) {
      throw new ApiError(ERR.contentTooLong, `(${Buffer.byteLength(content)} bytes > ${maxBytes})`);
    }
    const parsed = parseContent(content);
    if (msgType === 'interactive') {
      validateCard(parsed);
      checkMentions(parsed, (id) => this.deps.directory.find('open_id', id) !== undefined);
    }

    // A uuid seen within the hour: the original message again, nothing new is sent.
    if (uuid !== undefined) {
      const seen = this.byUuid.get(uuid);
      if (seen && req.at - seen.at < UUID_TTL_MS) return ok(this.present(seen.message));
    }

    const recipient = to();
    if (this.deps.limits.recipient.tryAcquire(recipient.chatId, req.at) > 0) {
      throw new ApiError(
        ERR.tooFrequent,
        `(more than ${this.deps.limits.recipient.limit}/s to ${recipient.receiveId})`,
      );
    }

    const { parent } = recipient;
    const message: SentMessage = {
      message_id: `om_${randomBytes(16).toString('hex')}`,
      receive_id_type: recipient.receiveIdType,
      receive_id: recipient.receiveId,
      chat_id: recipient.chatId,
      ...(parent && { parent_id: parent.message_id, root_id: parent.root_id ?? parent.message_id }),
      ...(recipient.thread && { thread_id: `omt_${(parent?.root_id ?? parent?.message_id ?? '').slice(3, 19)}` }),
      ...(recipient.openId !== undefined && { recipient_open_id: recipient.openId }),
      msg_type: msgType,
      content,
      sent_content: content,
      ...(msgType === 'interactive' && { card: parsed }),
      ...(uuid !== undefined && { uuid }),
      create_time: String(this.stampOf(req.at)),
      update_time: String(this.stampOf(req.at)),
      updated: false,
    };
    this.messages.push(message);
    this.byId.set(message.message_id, message);
    this.createdAt.set(message.message_id, req.at);
    if (uuid !== undefined) this.byUuid.set(uuid, { message, at: req.at });
    this.deps.onMessage(message);
    return ok(this.present(message));
  }

  /**
   * POST /open-apis/ephemeral/v1/send: a card in a group that only one member sees ("only visible to you"). The
   * person is named by open_id, else user_id, else email; the card is card JSON (1.0 or 2.0) as an object, not a
   * string. Feishu does not take per-element languages (`i18n_content`) in these cards, nor p2p chats; there is
   * no uuid, so every call shows a new card. Chosen: 230001 for an unknown person or a p2p chat.
   */
  handleEphemeral(req: ApiRequest): ApiReply {
    const limits = this.deps.limits.ephemeral;
    if (limits) this.gatewayLimit(limits.app, 'ephemeral.v1.send', req.at);
    const body = isRecord(req.body) ? req.body : {};
    const { chat_id: chatId, msg_type: msgType, card } = body;
    if (typeof chatId !== 'string' || !chatId.startsWith('oc_')) throw invalid('chat_id is required');
    if (msgType !== 'interactive') throw invalid('msg_type must be interactive');
    if (!isRecord(card)) throw invalid('card must be a JSON object');
    const user =
      (typeof body.open_id === 'string' && body.open_id && this.deps.directory.find('open_id', body.open_id)) ||
      (typeof body.user_id === 'string' && body.user_id && this.deps.directory.find('user_id', body.user_id)) ||
      (typeof body.email === 'string' && body.email && this.deps.directory.find('email', body.email)) ||
      undefined;
    if (!user) throw invalid('open_id, user_id or email must name a user');
    if (this.deps.directory.list().some((u) => this.p2pChatId(u.open_id) === chatId)) {
      throw invalid('ephemeral cards are sent in group chats only');
    }
    if (this.chats.get(chatId)?.botIsMember === false) throw new ApiError(ERR.botNotInChat);
    const content = JSON.stringify(card);
    if (Buffer.byteLength(content) > CARD_MAX_BYTES) {
      throw new ApiError(ERR.contentTooLong, `(${Buffer.byteLength(content)} bytes > ${CARD_MAX_BYTES})`);
    }
    validateCard(card);
    if (content.includes('"i18n_content"')) {
      throw new ApiError(ERR.cardContent, '(per-element i18n_content is not supported in ephemeral cards)');
    }
    checkMentions(card, (id) => this.deps.directory.find('open_id', id) !== undefined);
    if (limits && limits.chat.tryAcquire(chatId, req.at) > 0) {
      throw new ApiError(ERR.tooFrequent, `(more than ${limits.chat.limit}/s in ${chatId})`);
    }
    const message: SentMessage = {
      message_id: `om_${randomBytes(16).toString('hex')}`,
      receive_id_type: 'chat_id',
      receive_id: chatId,
      chat_id: chatId,
      visible_to: user.open_id,
      msg_type: 'interactive',
      content,
      sent_content: content,
      card,
      create_time: String(req.at),
      update_time: String(req.at),
      updated: false,
    };
    this.messages.push(message);
    this.byId.set(message.message_id, message);
    this.deps.onMessage(message);
    return ok({ message_id: message.message_id });
  }

  /**
   * GET /open-apis/im/v1/chats/:chat_id: a group's name and mode (a bot outside the group still gets its name).
   * A user's direct chat with the bot is `p2p`, without a name. Chosen: 230001 for a chat the emulator does not know.
   */
  handleGetChat(_req: ApiRequest, chatId: string): ApiReply {
    const chat = this.chats.get(chatId);
    if (chat) {
      return ok({
        ...(chat.name !== undefined && { name: chat.name }),
        description: '',
        chat_mode: 'group',
        chat_type: 'private',
        group_message_type: 'chat',
        external: false,
        tenant_key: this.deps.tenantKey,
      });
    }
    if (this.deps.directory.list().some((u) => this.p2pChatId(u.open_id) === chatId)) {
      return ok({ chat_mode: 'p2p', external: false, tenant_key: this.deps.tenantKey });
    }
    throw invalid(`chat_id ${chatId} not found`);
  }

  /**
   * GET /open-apis/im/v1/chats/:chat_id/members: the people in a group the bot is in (bots are never listed), as
   * `member_id_type` asks (open_id by default), `page_size` at a time (default 20, at most 100) from `page_token`.
   * Chosen: 230001 for a chat the emulator does not know.
   */
  handleChatMembers(req: ApiRequest, chatId: string): ApiReply {
    const chat = this.chats.get(chatId);
    if (!chat) throw invalid(`chat_id ${chatId} not found`);
    if (!chat.botIsMember) throw new ApiError(ERR.operatorNotInChat);
    const idType = req.query.get('member_id_type') ?? 'open_id';
    if (idType !== 'open_id' && idType !== 'user_id' && idType !== 'union_id') throw invalid('member_id_type');
    const size = Number(req.query.get('page_size') ?? 20);
    if (!Number.isInteger(size) || size < 1 || size > 100) throw invalid('page_size must be 1 to 100');
    const from = Number(req.query.get('page_token') || 0);
    if (!Number.isInteger(from) || from < 0) throw invalid('page_token');
    const people = (chat.members ?? []).flatMap((openId) => {
      const user = this.deps.directory.find('open_id', openId);
      return user ? [user] : [];
    });
    const page = people.slice(from, from + size);
    const more = from + size < people.length;
    return ok({
      items: page.map((u) => ({
        member_id_type: idType,
        member_id: (idType === 'open_id' ? u.open_id : idType === 'user_id' ? u.user_id : u.union_id) ?? '',
        name: u.name,
        tenant_key: this.deps.tenantKey,
      })),
      page_token: more ? String(from + size) : '',
      has_more: more,
      member_total: people.length,
    });
  }

  /** PATCH /open-apis/im/v1/messages/:message_id */
  handlePatch(req: ApiRequest, messageId: string): ApiReply {
    this.gatewayLimit(this.deps.limits.app, 'im.v1.message.patch', req.at);
    const message = this.byId.get(messageId);
    // Chosen: 230001 for an unknown message id (Feishu treats it as an invalid parameter).
    if (!message) throw invalid(`message_id ${messageId} not found`);
    // Every stored message was sent by this app, so "same identity as the sender" holds.
    if (message.msg_type !== 'interactive') throw invalid('only interactive messages can be patched');
    if (req.at - (this.createdAt.get(messageId) ?? Number(message.create_time)) > PATCH_WINDOW_MS) {
      throw invalid('messages older than 14 days can not be updated');
    }
    if (this.deps.limits.patch.tryAcquire(messageId, req.at) > 0) {
      throw new ApiError(ERR.tooFrequent, `(more than ${this.deps.limits.patch.limit}/s on ${messageId})`);
    }
    const body = isRecord(req.body) ? req.body : {};
    if (typeof body.content !== 'string') throw invalid('content must be a string');
    const content = body.content;
    if (Buffer.byteLength(content) > CARD_MAX_BYTES) {
      throw new ApiError(ERR.contentTooLong, `(${Buffer.byteLength(content)} bytes > ${CARD_MAX_BYTES})`);
    }
    const next = parseContent(content);
    const nextKind = validateCard(next);
    checkMentions(next, (id) => this.deps.directory.find('open_id', id) !== undefined);
    const prev = message.card as Record<string, unknown>;
    if (cardKind(prev) === '2.0' && nextKind !== '2.0') throw new ApiError(ERR.cardSchemaChanged);
    // Chosen: 230001 when either card is not shared (1.0 needs config.update_multi: true on both).
    if (!isSharedCard(prev) || !isSharedCard(next)) {
      throw invalid('only shared cards can be updated: set config.update_multi to true on both cards');
    }
    message.content = content;
    message.card = next;
    message.update_time = String(this.stampOf(req.at));
    message.updated = true;
    this.deps.onChange?.(message);
    this.patches.push({ message_id: messageId, content, card: next, at: req.at });
    return ok({});
  }

  /**
   * A card callback answered with `{card: {type: 'raw', data}}`: Feishu shows that card in place of the clicked one
   * (for the clicking user's copy, which is the message itself here). False when the message is unknown or not a card.
   */
  replaceFromCallback(messageId: string, card: Record<string, unknown>, at: number): boolean {
    const message = this.byId.get(messageId);
    if (!message || message.msg_type !== 'interactive') return false;
    validateCard(card);
    message.content = JSON.stringify(card);
    message.card = card;
    message.update_time = String(this.stampOf(at));
    message.updated = true;
    this.deps.onChange?.(message);
    return true;
  }

  private resolveRecipient(receiveIdType: string, receiveId: string): Recipient {
    if (receiveIdType === 'chat_id') {
      if (!receiveId.startsWith('oc_')) throw invalid(`chat_id ${receiveId}`);
      if (this.chats.get(receiveId)?.botIsMember === false) throw new ApiError(ERR.botNotInChat);
      return { chatId: receiveId };
    }
    const user = this.deps.directory.find(receiveIdType as 'open_id' | 'user_id' | 'union_id' | 'email', receiveId);
    if (!user) throw new ApiError(ERR.invalidReceiveId, `(${receiveIdType} ${receiveId})`);
    if (user.inAppScope === false) throw new ApiError(ERR.noAvailability);
    return { chatId: this.p2pChatId(user.open_id), openId: user.open_id };
  }

  /** The `data` of a create response. */
  private present(m: SentMessage): Record<string, unknown> {
    return {
      message_id: m.message_id,
      root_id: m.root_id ?? '',
      parent_id: m.parent_id ?? '',
      ...(m.thread_id !== undefined && { thread_id: m.thread_id }),
      msg_type: m.msg_type,
      create_time: m.create_time,
      update_time: m.update_time,
      deleted: false,
      updated: m.updated,
      chat_id: m.chat_id,
      sender: { id: this.deps.appId, id_type: 'app_id', sender_type: 'app', tenant_key: this.deps.tenantKey },
      body: { content: m.content },
    };
  }
}

/** Unread urgent messages a person may have at once. */
const URGENT_UNREAD_MAX = 200;

function invalid(detail: string): ApiError {
  return new ApiError(ERR.invalidParam, `(${detail})`);
}

/** Message content is always a JSON object serialised as a string. */
function parseContent(content: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    throw invalid('content is not valid JSON');
  }
  if (!isRecord(parsed)) throw invalid('content must be a JSON object');
  return parsed;
}
