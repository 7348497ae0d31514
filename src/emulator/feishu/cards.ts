/** Interactive card content checks (content forms, card JSON 2.0). */
import { CARD_MAX_COMPONENTS, ERR } from './codes.js';
import { formProblem } from './forms.js';
import { ApiError, isRecord } from './http.js';

/** 'template' and 'card_entity' are references to cards stored on Feishu's side. */
type CardKind = '1.0' | '2.0' | 'template' | 'card_entity';

const ELEMENT_ID = /^[A-Za-z][A-Za-z0-9_]{0,19}$/;
/** 1.0 constructs that JSON 2.0 rejects. */
const NOT_IN_2_0 = new Set(['action', 'note']);

export function cardKind(card: Record<string, unknown>): CardKind {
  if (card.type === 'template') return 'template';
  if (card.type === 'card') return 'card_entity';
  return card.schema === '2.0' ? '2.0' : '1.0';
}

/** Throws 230099 when `card` (parsed interactive content) is not a card Feishu would accept. */
export function validateCard(card: Record<string, unknown>): CardKind {
  const kind = cardKind(card);
  const fail = (why: string): never => {
    throw new ApiError(ERR.cardContent, `ext=${why}`);
  };
  const config = isRecord(card.config) ? card.config : {};
  switch (kind) {
    case 'template': {
      const data = isRecord(card.data) ? card.data : {};
      if (typeof data.template_id !== 'string' || !data.template_id) fail('template card needs data.template_id');
      break;
    }
    case 'card_entity': {
      const data = isRecord(card.data) ? card.data : {};
      if (typeof data.card_id !== 'string' || !data.card_id) fail('card entity needs data.card_id');
      break;
    }
    case '2.0': {
      if ('elements' in card || 'i18n_elements' in card) fail('schema 2.0 puts elements under body');
      const body = isRecord(card.body) ? card.body : undefined;
      if (!body || !Array.isArray(body.elements)) fail('schema 2.0 card needs body.elements array');
      if (config.update_multi === false) fail('schema 2.0 only supports update_multi true');
      const ids = new Set<string>();
      const count = walkComponents((body as { elements: unknown[] }).elements, (c) => {
        if (typeof c.tag === 'string' && NOT_IN_2_0.has(c.tag)) fail(`tag "${c.tag}" is not supported in schema 2.0`);
        const id = c.element_id;
        if (id === undefined) return;
        if (typeof id !== 'string' || !ELEMENT_ID.test(id)) return fail(`invalid element_id ${String(id)}`);
        if (ids.has(id)) fail(`duplicate element_id ${id}`);
        ids.add(id);
      });
      if (count > CARD_MAX_COMPONENTS) fail(`card has ${count} components, more than ${CARD_MAX_COMPONENTS}`);
      const forms = formProblem((body as { elements: unknown[] }).elements);
      if (forms) fail(forms);
      break;
    }
    case '1.0':
      if ('elements' in card && !Array.isArray(card.elements)) fail('elements must be an array');
      break;
  }
  return kind;
}

/** Whether a card may be updated by message.patch ("shared" card). 2.0 cards always are. */
export function isSharedCard(card: Record<string, unknown>): boolean {
  const kind = cardKind(card);
  if (kind !== '1.0') return true;
  return isRecord(card.config) && card.config.update_multi === true;
}

/**
 * Visit every component (an object with a string `tag`) reachable through arrays, starting
 * at `elements`: columns, nested elements, form contents... Text objects held in plain
 * properties (a button's `text`) are not components and are not counted.
 */
function walkComponents(elements: unknown[], visit: (c: Record<string, unknown>) => void): number {
  let count = 0;
  // Without recursion (a card's depth is its sender's choice), in document order: children before later siblings.
  const stack: unknown[] = [...elements].reverse();
  while (stack.length > 0) {
    const item = stack.pop();
    if (!isRecord(item)) continue;
    if (typeof item.tag === 'string') {
      count++;
      visit(item);
    }
    const children = Object.values(item).filter(Array.isArray).flat();
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return count;
}

/** `<at id=…>` in card markdown, quoted or not. */
const AT_TAG = /<at\s+(?:id|open_id|user_id)=["']?([^"'\s>]+)["']?\s*>/g;

/**
 * Throws 230099 (sub-code 100290) when the card mentions a user Feishu does not know: Feishu then rejects the whole
 * card. `all` (everyone in the chat) is always known.
 */
export function checkMentions(card: unknown, known: (openId: string) => boolean): void {
  for (const match of JSON.stringify(card).matchAll(AT_TAG)) {
    const id = match[1]!;
    if (id !== 'all' && !known(id))
      throw new ApiError(ERR.cardContent, `ErrCode: 100290; ErrMsg: user ${id} in <at> not found`);
  }
}
