/** im/v1/messages: create and patch. */
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
import type { EmulatedChat, PatchRecord, SentMessage } from './types.js';

export interface MessageLimits {
  /** App-wide message-create limiters (per second, per minute), keyed by app id. */
  app: SlidingWindowLimiter[];
  /** Per recipient, keyed by chat id (a user's p2p chat or a group). */
  recipient: SlidingWindowLimiter;
  /** Per message, for patch. */
  patch: SlidingWindowLimiter;
}

export interface MessageServiceDeps {
  appId: string;
  tenantKey: string;
  directory: Directory;
  limits: MessageLimits;
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

  /** Forget every message, patch and uuid (chats are kept). */
  clear(): void {
    this.createdAt.clear();
    this.messages.length = 0;
    this.patches.length = 0;
    this.byId.clear();
    this.byUuid.clear();
  }

  /** POST /open-apis/im/v1/messages?receive_id_type= */
  handleCreate(req: ApiRequest): ApiReply {
    // The gateway limit applies before anything else is looked at.
    const refusal = acquireAll(this.deps.limits.app, this.deps.appId, req.at);
    if (refusal) {
      throw new ApiError(ERR.rateLimited, undefined, {
        'x-ogw-ratelimit-limit': String(refusal.limiter.limit),
        'x-ogw-ratelimit-reset': String(Math.max(1, Math.ceil(refusal.retryAfterMs / 1000))),
      });
    }
    const receiveIdType = req.query.get('receive_id_type') ?? '';
    if (!RECEIVE_ID_TYPES.has(receiveIdType)) throw invalid(`receive_id_type "${receiveIdType}"`);
    const body = isRecord(req.body) ? req.body : {};
    const { receive_id: receiveId, msg_type: msgType, content, uuid } = body;
    if (typeof receiveId !== 'string' || !receiveId) throw invalid('receive_id is required');
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

    const recipient = this.resolveRecipient(receiveIdType, receiveId);
    if (this.deps.limits.recipient.tryAcquire(recipient.chatId, req.at) > 0) {
      throw new ApiError(ERR.tooFrequent, `(more than ${this.deps.limits.recipient.limit}/s to ${receiveId})`);
    }

    const message: SentMessage = {
      message_id: `om_${randomBytes(16).toString('hex')}`,
      receive_id_type: receiveIdType,
      receive_id: receiveId,
      chat_id: recipient.chatId,
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

  /** PATCH /open-apis/im/v1/messages/:message_id */
  handlePatch(req: ApiRequest, messageId: string): ApiReply {
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
      root_id: '',
      parent_id: '',
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
