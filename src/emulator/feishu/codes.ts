/**
 * Error codes and HTTP statuses the emulator answers with. Codes marked "chosen" are
 * where Feishu does not document the answer; the comment says why.
 */

/** Every error is a JSON body {code, msg} with this HTTP status. */
export interface ErrorSpec {
  readonly status: number;
  readonly code: number;
  readonly msg: string;
}

const e = (status: number, code: number, msg: string): ErrorSpec => ({ status, code, msg });

export const ERR = {
  // --- tenant_access_token ---
  /** Chosen: missing app_id/app_secret; Feishu's generic "invalid param" for this endpoint. */
  tokenInvalidParam: e(200, 10003, 'invalid param'),
  /**
   * Chosen: wrong secret or unknown app_id. Observed on the real endpoint as HTTP 200 with
   * code 10014, so the SDK throws "failed to get tenant_access_token, code: 10014, ...".
   */
  appSecretInvalid: e(200, 10014, 'app secret invalid'),
  appIdNotExists: e(200, 10014, 'app id not exists'),
  // --- Authorization header ---
  tokenMissing: e(400, 99991661, 'Missing access token for authorization. Please make a request with token attached.'),
  tokenInvalid: e(400, 99991663, 'Invalid access token for authorization. Please make a request with token attached.'),
  // --- Gateway ---
  rateLimited: e(429, 99991400, 'request trigger frequency limit'),
  /** Chosen: a body that is not JSON. Feishu's gateway answers malformed JSON with 9499. */
  badJson: e(400, 9499, 'Bad Request: request body is not valid JSON'),
  /** Chosen: generic field-validation error for contact APIs (e.g. > 50 emails). */
  fieldValidation: e(400, 99992402, 'field validation failed'),
  notFound: e(404, 404, 'not found'),
  // --- im/v1/messages ---
  invalidParam: e(400, 230001, 'Your request contains an invalid request parameter.'),
  botNotInChat: e(400, 230002, 'Bot/User can NOT be out of the chat.'),
  /** im/v1/chats/:chat_id/members: the bot (the operator) is not in the group. */
  operatorNotInChat: e(400, 232011, 'Operator can NOT be out of the chat.'),
  noAvailability: e(400, 230013, 'Bot has NO availability to this user.'),
  tooFrequent: e(400, 230020, 'This operation triggers the frequency limit.'),
  contentTooLong: e(400, 230025, 'The length of the message content reaches its limit.'),
  /** Chosen: a receive_id that names no emulated user. */
  invalidReceiveId: e(400, 230034, 'The receive_id is invalid.'),
  /**
   * Chosen: content is JSON but not a card Feishu accepts (2.0 without body.elements, more
   * than 200 components, 1.0-only constructs in a 2.0 card, bad element_id, a form Feishu refuses: not at the
   * card's root, holding a form or table, an unnamed or twice-named component, no submit button). Feishu's form
   * docs give no code of their own for these.
   */
  cardContent: e(400, 230099, 'Failed to create card content'),
  /** A card that was JSON 2.0 patched to a non-2.0 card. */
  cardSchemaChanged: e(400, 200830, 'card schema 2.0 can not be updated to another schema'),
  /** The app lacks a scope the call needs (Feishu's generic permission error). */
  noScope: e(400, 99991672, 'Access denied. One of the following scopes is required'),
  /** Chosen: a person with 200 unread urgent messages gets no more. */
  tooManyUrgent: e(400, 230026, 'The number of unread urgent messages of the user exceeds the limit.'),
  // --- contact/v3 ---
  /**
   * Chosen: an id that names no emulated user. Feishu answers ids outside the app's contact
   * scope with 41050; for an app, "unknown" and "not visible" look the same.
   */
  noUserAuthority: e(400, 41050, 'no user authority error'),
  // --- helpdesk/v1 (codes from Feishu's helpdesk API docs) ---
  /**
   * A request body the helpdesk API cannot use: events missing or empty, an event without
   * type/subtype, or (chosen) a type/subtype pair that is not one of Feishu's helpdesk events.
   */
  helpdeskBadRequest: e(400, 154000, 'Bad request, please check your request body'),
  /**
   * Chosen: X-Lark-Helpdesk-Authorization missing, malformed, naming an unknown helpdesk or
   * carrying the wrong token. Feishu documents 401/154001 for exactly this on ticket.get
   * ("check Authorization and X-Lark-Helpdesk-Authorization"); the subscribe/unsubscribe
   * docs list only 154000/154003/155000, so the same answer is used there too.
   */
  helpdeskUnauthorized: e(401, 154001, 'Unauthorized, please check you have the correct access'),
  /** ticket.get on an id the authenticated helpdesk does not have (tickets of other helpdesks included). */
  helpdeskNotFound: e(404, 154004, 'Resource not found'),
} as const;

/**
 * The helpdesk events that events/subscribe accepts, as "type/subtype" (Feishu's helpdesk
 * event docs: ticket created/updated, ticket message created, notification approved).
 */
export const HELPDESK_EVENTS = new Set([
  'helpdesk.ticket/ticket.created_v1',
  'helpdesk.ticket/ticket.updated_v1',
  'helpdesk.ticket_message/ticket_message.created_v1',
  'helpdesk.notification/notification.approve_v1',
]);

/** Message types message.create accepts. */
export const MSG_TYPES = new Set([
  'text',
  'post',
  'image',
  'file',
  'audio',
  'media',
  'sticker',
  'interactive',
  'share_chat',
  'share_user',
  'system',
]);

export const RECEIVE_ID_TYPES = new Set(['open_id', 'user_id', 'union_id', 'email', 'chat_id']);
export const USER_ID_TYPES = new Set(['open_id', 'user_id', 'union_id']);

/** Content size limits in bytes: cards and posts 30 KB, text 150 KB. */
export const CARD_MAX_BYTES = 30 * 1024;
export const TEXT_MAX_BYTES = 150 * 1024;
export const CARD_MAX_COMPONENTS = 200;
export const UUID_MAX_LENGTH = 50;
export const UUID_TTL_MS = 60 * 60 * 1000;
export const PATCH_WINDOW_MS = 14 * 24 * 60 * 60 * 1000;
/** The token endpoint hands out a new token once less than this remains. */
export const TOKEN_REFRESH_BELOW_MS = 30 * 60 * 1000;
