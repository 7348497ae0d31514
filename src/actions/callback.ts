/**
 * Card callbacks as Feishu sends them: the new `card.action.trigger` (schema 2.0) and the older flat callback
 * brought to one shape, and the answer Feishu expects within 3 s. Pure.
 */
import type { Toast } from '../../cards/reply.js';
import { storableString, storableValue } from '../util/jsonb-safe.js';

export interface CardAction {
  style: 'v2' | 'v1';
  /** Identifies this delivery of the click: the event id (v2) or the callback token (v1). */
  id: string;
  operatorOpenId: string;
  value: Record<string, unknown>;
  /**
   * What a form's submit sent (`action.form_value`): each component's `name` to its value, `{}` for a plain click.
   * Untrusted like `value`: every string in it is made storable, nothing else is checked here.
   */
  formValue: Record<string, unknown>;
  /** The clicked component's `name` (a form's submit button), when it has one. */
  name: string | undefined;
  /** The clicker's time zone as Feishu reports it (`action.timezone`), when it does. */
  timeZone: string | undefined;
  messageId: string | undefined;
  chatId: string | undefined;
}

export interface CardActionResult {
  toast: Toast;
  /** The clicked card as it should now look, when it changed. */
  card?: Record<string, unknown>;
  /**
   * Work to start once the answer has gone back to Feishu: while a click is being handled, Feishu refuses every
   * update of the clicked card, so a patch of it (the older callback's only way to change it) is queued only then.
   */
  afterAnswer?: () => Promise<void>;
}

/**
 * How long a click may spend on lookups in other systems (the directory, the identity resolver) before it is
 * answered without them: Feishu waits 3 s for the answer. Work that takes longer finishes after the answer, and its
 * result reaches the card by a patch through the outbox.
 */
export const CLICK_LOOKUP_BUDGET_MS = 1500;

export interface CardActionHandler {
  handle(action: CardAction): Promise<CardActionResult>;
}

const obj = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
/** Strings the database can hold: a NUL or a lone surrogate (valid JSON, refused by PostgreSQL) becomes U+FFFD. */
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? storableString(v) : undefined);
/**
 * The button's value (or a form's values) with every string in it, nested ones included, made storable (actions
 * read and record them).
 * Walked without recursion: the value comes from the sender, whatever its depth.
 */
const buttonValue = (v: unknown): Record<string, unknown> => storableValue(obj(v)) as Record<string, unknown>;

/**
 * `{schema:'2.0', header, event:{operator, token, action:{value, form_value?, name?, timezone?},
 * context:{open_message_id, open_chat_id}}}`.
 */
export function cardActionFromV2(eventId: string, body: Record<string, unknown>): CardAction {
  const event = obj(body.event);
  const context = obj(event.context);
  const action = obj(event.action);
  return {
    style: 'v2',
    id: storableString(eventId),
    operatorOpenId: str(obj(event.operator).open_id) ?? '',
    value: buttonValue(action.value),
    formValue: buttonValue(action.form_value),
    name: str(action.name),
    timeZone: str(action.timezone),
    messageId: str(context.open_message_id),
    chatId: str(context.open_chat_id),
  };
}

/** `{open_id, user_id, open_message_id, open_chat_id?, token, action:{value}}`. */
export function cardActionFromV1(body: Record<string, unknown>): CardAction {
  return {
    style: 'v1',
    id: str(body.token) ?? '',
    operatorOpenId: str(body.open_id) ?? '',
    value: buttonValue(obj(body.action).value),
    formValue: buttonValue(obj(body.action).form_value),
    name: str(obj(body.action).name),
    timeZone: str(obj(body.action).timezone),
    messageId: str(body.open_message_id),
    chatId: str(body.open_chat_id),
  };
}

/**
 * The response body. A new-style callback gets the toast and the new card (`{type:'raw', data}`); the older
 * callback only takes a 1.0 card in its answer, so it gets the toast and its card is updated by a patch.
 */
export function respondToCardAction(result: CardActionResult, action: CardAction): Record<string, unknown> {
  if (action.style === 'v2' && result.card) return { toast: result.toast, card: { type: 'raw', data: result.card } };
  return { toast: result.toast };
}
