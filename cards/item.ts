/**
 * How a card names a learning item. A name is shown when one is known; an item known only by its id (Feishu
 * eLearning events carry only ids) is called "a course in <platform>", with the id small below, never as a title.
 */
import { clip, note, t, userText, type I18nText } from './kit.js';

/** What a card knows of an item's name: `name` null when none is known. */
export interface ItemNaming {
  name: string | null;
  /** The source's id for the item, shown small when there is no name. */
  id?: string | null;
  /** The platform the item lives on, in words (e.g. 飞书学习 / Feishu eLearning). */
  place?: I18nText;
}

const SOMEWHERE = t('学习平台', 'the learning platform');

/**
 * The item inside a sentence, escaped and in bold: "课程 **X**" / "the course **X**", or without a name
 * "**飞书学习中的一门课程**" / "**a course in Feishu eLearning**".
 */
export function itemPhrase(item: ItemNaming, type: I18nText, max = 200): I18nText {
  if (item.name !== null && item.name !== '') {
    const name = userText(item.name, max);
    return t(`${type.zh} **${name}**`, `the ${type.en} **${name}**`);
  }
  const place = item.place ?? SOMEWHERE;
  return t(`**${place.zh}中的一门${type.zh}**`, `**${article(type.en)} ${type.en} in ${place.en}**`);
}

/** The item's name alone (escaped, bold), or "飞书学习中的一门课程" when it has none. */
export function itemNameText(item: ItemNaming, type: I18nText, max = 200): I18nText {
  if (item.name !== null && item.name !== '') {
    const name = userText(item.name, max);
    return t(`**${name}**`, `**${name}**`);
  }
  const place = item.place ?? SOMEWHERE;
  return t(`${place.zh}中的一门${type.zh}`, `${capital(article(type.en))} ${type.en} in ${place.en}`);
}

/** For a card's summary (plain text, not markdown): the name clipped, or the unnamed wording. */
export function itemSummary(item: ItemNaming, type: I18nText, max = 60): I18nText {
  if (item.name !== null && item.name !== '') {
    const name = clip(item.name.replace(/\s+/g, ' '), max);
    return t(name, name);
  }
  const place = item.place ?? SOMEWHERE;
  return t(`${place.zh}中的一门${type.zh}`, `${article(type.en)} ${type.en} in ${place.en}`);
}

/** The id, small, for an item shown without a name; null when it has a name (or no id). */
export function itemIdNote(item: ItemNaming, type: I18nText, elementId = 'item_id'): Record<string, unknown> | null {
  if ((item.name !== null && item.name !== '') || !item.id) return null;
  const id = userText(item.id, 80);
  return note(t(`${type.zh} ID：${id}`, `${capital(type.en)} id: ${id}`), elementId);
}

const article = (word: string) => (/^[aeiou]/i.test(word) ? 'an' : 'a');
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
