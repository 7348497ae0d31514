/**
 * The `settings routes` form: the chats each kind of notification is routed to, and each helpdesk chat's people on
 * duty and leads. Routes for every helpdesk (`*`) are what it shows and changes; routes for one helpdesk stay.
 */
import { t } from '../../cards/kit.js';
import { PEOPLE_FIELDS as F, type PeopleFormInput } from '../../cards/people-form.js';
import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import type { Tx } from '../db/tx.js';
import { KIND_NAMES, ROUTE_KINDS } from '../domain/notifications.js';
import { changeDesk, desksOf } from '../recipients/desks.js';
import { addRoute, removeRoutes, routedChats } from '../recipients/routes.js';
import type { FormChange, FormSubmit } from './changes.js';
import { firstIn, staleCard } from './settings.js';
import { field, FormProblem, people, someOf } from './values.js';

/** At most this many chats are offered, and this many helpdesk chats listed, on the form. */
export const MAX_FORM_CHATS = 12;
export const MAX_PEOPLE_DESKS = 2;
/** At most this many people on duty or leads per chat. */
const MAX_PEOPLE = 10;
/**
 * At most this many people offered by the person pickers besides the ones chosen. Feishu's card docs give no limit
 * for the options of `multi_select_person`; the card's own limit (30 KB) is what bounds them (every picker lists them,
 * and the button's value too), and `test/unit/forms.test.ts` builds the card at this cap.
 */
export const MAX_PICKER_PEOPLE = 20;

type Reader = Db | Tx;

/** An open_id as mentions take it (anything else would break the markdown it goes into). */
const isOpenId = (id: string) => /^[A-Za-z0-9_-]{1,100}$/.test(id);

/** The chats the bot knows of: routed for anything, or set up as a helpdesk chat (`first` kept when it is one). */
async function knownChats(db: Reader, first: string | undefined): Promise<string[]> {
  const routes = await db.route.findMany({
    orderBy: [{ createdAt: 'asc' }, { chatId: 'asc' }],
    select: { chatId: true },
  });
  const desks = await db.helpdeskDesk.findMany({ orderBy: { chatId: 'asc' }, select: { chatId: true } });
  const all = firstIn([...new Set([...routes.map((r) => r.chatId), ...desks.map((d) => d.chatId)])], first);
  return all.slice(0, MAX_FORM_CHATS);
}

/**
 * The people the person pickers offer besides those already chosen (up to `MAX_PICKER_PEOPLE`): the members of the
 * listed helpdesk chats as far as they were read, then the people of the directory cache and the learners bound to
 * a Feishu account. The card carries them in its button's value, and the submit accepts these and the people
 * already chosen, nobody else.
 */
async function offeredPeople(
  db: Reader,
  desks: { chatId: string; duty: string[]; leads: string[] }[],
  chatMembers: ReadonlyMap<string, readonly string[]>,
): Promise<string[]> {
  if (desks.length === 0) return [];
  const directory = await db.feishuUser.findMany({
    orderBy: [{ name: 'asc' }, { openId: 'asc' }],
    take: MAX_PICKER_PEOPLE,
    select: { openId: true },
  });
  const bound = await db.learnerIdentity.findMany({
    where: { status: 'resolved', openId: { not: null } },
    orderBy: { openId: 'asc' },
    take: MAX_PICKER_PEOPLE,
    select: { openId: true },
  });
  const people = [
    ...desks.flatMap((d) => chatMembers.get(d.chatId) ?? []),
    ...directory.map((u) => u.openId),
    ...bound.flatMap((b) => (b.openId ? [b.openId] : [])),
  ].filter(isOpenId);
  return [...new Set(people)].slice(0, MAX_PICKER_PEOPLE);
}

/**
 * The form's content; `firstChat`: the chat it was asked for in, listed first; `chatMembers`: the people in the
 * helpdesk chats, by chat id, as far as they were read.
 */
export async function peopleFormInput(
  db: Reader,
  config: Config,
  chatNames: Map<string, string> = new Map(),
  firstChat?: string,
  chatMembers: ReadonlyMap<string, readonly string[]> = new Map(),
): Promise<PeopleFormInput> {
  const chats = await knownChats(db, firstChat);
  const all = await db.route.findMany({ where: { scope: '*' }, select: { kind: true, chatId: true } });
  const ticketChats = firstIn(await routedChats(db, 'tickets'), firstChat);
  const desks = await desksOf(db, config, ticketChats.slice(0, MAX_PEOPLE_DESKS));
  const name = (chatId: string) => chatNames.get(chatId) ?? null;
  return {
    chats: chats.map((chatId) => ({ chatId, name: name(chatId) })),
    routes: ROUTE_KINDS.map((kind) => ({
      kind,
      name: t(KIND_NAMES[kind].zh, KIND_NAMES[kind].en),
      chatIds: all.filter((r) => r.kind === kind && chats.includes(r.chatId)).map((r) => r.chatId),
    })),
    desks: desks.map((d) => ({
      chatId: d.chatId,
      name: name(d.chatId),
      duty: d.duty,
      leads: d.leads,
      rota: Object.entries(d.rota)
        .filter(([, people]) => people && people.length > 0)
        .map(([day, people]) => ({ day: Number(day), people: people!.filter(isOpenId) }))
        .sort((a, b) => a.day - b.day),
    })),
    moreDesks: Math.max(0, ticketChats.length - MAX_PEOPLE_DESKS),
    people: await offeredPeople(db, desks, chatMembers),
  };
}

const strings = (v: unknown, most: number): string[] => {
  if (!Array.isArray(v) || v.length > most || !v.every((x): x is string => typeof x === 'string')) throw staleCard();
  return v;
};

export async function peopleChanges(submit: FormSubmit): Promise<FormChange[]> {
  const { tx, config, openId, now, form: submitted, button } = submit;
  // The chats the submitted card offered; a route to any other chat is refused.
  const offered = strings(button.chats ?? [], MAX_FORM_CHATS);
  const deskChats = strings(button.desks ?? [], MAX_PEOPLE_DESKS);
  // The people its person pickers offered; anyone else is refused. A card without them is from before they were
  // listed, when its pickers offered only the people already chosen: it is sent again.
  if (deskChats.length > 0 && button.people === undefined) throw staleCard();
  const offeredPeople = new Set(strings(button.people ?? [], MAX_PICKER_PEOPLE));
  // Feishu submits only the fields that hold something: a list field the card had (it names them) and the submit
  // leaves out was emptied, and is read as an empty list.
  const lists = strings(button.lists ?? [], ROUTE_KINDS.length + 2 * MAX_PEOPLE_DESKS);
  const form = { ...Object.fromEntries(lists.map((name) => [name, []])), ...submitted };
  const changes: FormChange[] = [];
  const all = await tx.route.findMany({ where: { scope: '*' }, select: { kind: true, chatId: true } });
  for (const kind of ROUTE_KINDS) {
    const label = t(`「${KIND_NAMES[kind].zh}」路由`, `${KIND_NAMES[kind].en} routes`);
    const chosen = field(form, F.route(kind), label, someOf(offered), t('只能选择列出的群', 'only the chats listed'));
    if (chosen === undefined) continue;
    const before = all.filter((r) => r.kind === kind && offered.includes(r.chatId)).map((r) => r.chatId);
    const added = chosen.filter((c) => !before.includes(c));
    const removed = before.filter((c) => !chosen.includes(c));
    if (added.length === 0 && removed.length === 0) continue;
    changes.push({
      field: F.route(kind),
      before,
      after: [...before.filter((c) => !removed.includes(c)), ...added],
      write: async (tx) => {
        for (const chatId of added) await addRoute(tx, { kind, chatId, scope: '*' }, openId, now);
        for (const chatId of removed) await removeRoutes(tx, kind, chatId, '*');
      },
    });
  }
  const ticketChats = new Set(await routedChats(tx, 'tickets'));
  const missing = deskChats.find((c) => !ticketChats.has(c));
  if (missing)
    throw new FormProblem(
      t(
        `群 ${missing} 已不再接收工单，什么都没有保存。请重新发送「设置 路由」。`,
        `The chat ${missing} no longer receives tickets, and nothing was saved. Send "settings routes" again.`,
      ),
    );
  const desks = await desksOf(tx, config, deskChats);
  const expected = t(`最多 ${MAX_PEOPLE} 人，只能选择列出的人`, `at most ${MAX_PEOPLE} people, only those listed`);
  // Besides the people offered, those chosen on the desk (each picker lists its own) may stay or move.
  const someone = (d: { duty: string[]; leads: string[] }) =>
    people(MAX_PEOPLE).refine((v) => v.every((p) => offeredPeople.has(p) || d.duty.includes(p) || d.leads.includes(p)));
  desks.forEach((d, i) => {
    const duty = field(form, F.duty(i), t(`${d.chatId} 值班人`, `${d.chatId} on duty`), someone(d), expected);
    if (duty && JSON.stringify(duty) !== JSON.stringify(d.duty))
      changes.push({
        field: `${d.chatId} duty`,
        before: d.duty,
        after: duty,
        write: (tx) => changeDesk(tx, d.chatId, { duty }, openId, now),
      });
    const leads = field(form, F.leads(i), t(`${d.chatId} 负责人`, `${d.chatId} leads`), someone(d), expected);
    if (leads && JSON.stringify(leads) !== JSON.stringify(d.leads))
      changes.push({
        field: `${d.chatId} leads`,
        before: d.leads,
        after: leads,
        write: (tx) => changeDesk(tx, d.chatId, { leads }, openId, now),
      });
  });
  return changes;
}
