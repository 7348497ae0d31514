/**
 * The `settings routes` card: which chats receive each kind of notification, and who is on duty and who leads in
 * each chat that receives tickets (person pickers). One submit saves the whole form. Pure.
 */
import { clip, markdown, note, t, weekdayText, type I18nText } from './kit.js';
import {
  chatHeading,
  fieldLabel,
  form,
  formCard,
  multiSelectPerson,
  multiSelectStatic,
  submitButton,
} from './forms.js';

export interface PeopleFormInput {
  /** The chats the bot knows of (routed for anything, or set up as a helpdesk chat), with their names if known. */
  chats: { chatId: string; name: string | null }[];
  /** Per kind that can be routed: its name and the chats it goes to (for every helpdesk). */
  routes: { kind: string; name: I18nText; chatIds: string[] }[];
  /** Chats receiving tickets: who is on duty every day, and the leads. */
  desks: {
    chatId: string;
    name: string | null;
    duty: string[];
    leads: string[];
    /** The weekday rota (ISO weekday → people), changed with `duty <weekday> @…`; shown, not edited here. */
    rota: { day: number; people: string[] }[];
  }[];
  moreDesks: number;
  /** The people every person picker offers besides those it has chosen (open_ids): others the bot knows. */
  people: string[];
  outcome?: I18nText;
}

export const PEOPLE_FORM = 'people_form';
export const PEOPLE_SUBMIT = 'people_submit';

export const PEOPLE_FIELDS = {
  route: (kind: string) => `route_${kind}`,
  duty: (i: number) => `desk${i}_duty`,
  leads: (i: number) => `desk${i}_leads`,
} as const;

/** A chat as an option: its name (clipped) with the end of its id, or its id; the same in both languages. */
const chatText = (c: { chatId: string; name: string | null }) => ({
  tag: 'plain_text' as const,
  content: c.name ? `${clip(c.name, 20)} (…${c.chatId.slice(-6)})` : clip(c.chatId, 40),
});

/** The weekday rota as a note: on those days these people are on duty instead. */
function rotaNote(rota: { day: number; people: string[] }[]) {
  // At most 3 people a day are named here, the others counted: the rota can be long, the card cannot.
  const people = (ids: string[]) =>
    ids
      .slice(0, 3)
      .map((id) => `<at id=${id}></at>`)
      .concat(ids.length > 3 ? [`+${ids.length - 3}`] : [])
      .join(' ');
  const line = (lang: 'zh' | 'en') => rota.map((r) => `${weekdayText(r.day)[lang]} ${people(r.people)}`);
  return note(
    t(
      `按星期排班（用「值班 周五 @…」修改）：${line('zh').join('，')}`,
      `Weekday rota ("duty friday @…"): ${line('en').join(', ')}`,
    ),
  );
}

export function peopleFormCard(input: PeopleFormInput): Record<string, unknown> {
  const chatOptions = input.chats.map((c) => ({ value: c.chatId, text: chatText(c) }));
  // Chat names are user data and the same in both languages: one text each keeps the card small.
  const elements: Record<string, unknown>[] = [
    markdown(t('**通知路由到群**', '**Notifications routed to chats**')),
    ...(input.chats.length === 0
      ? [
          note(
            t(
              '机器人还不知道任何群：在群里 @我 发送「路由 <类型> 这里」后，这个群会出现在这里。',
              'The bot knows no chat yet: once "route <kind> here" is sent in a chat, it is listed here.',
            ),
          ),
        ]
      : input.routes.flatMap((r) => [
          fieldLabel(r.name),
          multiSelectStatic({
            name: PEOPLE_FIELDS.route(r.kind),
            options: chatOptions,
            values: r.chatIds,
            placeholder: t('不发到群', 'No chat'),
          }),
        ])),
    markdown(t('**服务台值班人和负责人**', '**Helpdesk people on duty and leads**')),
  ];
  if (input.desks.length === 0) elements.push(note(t('没有接收工单的群。', 'No chat receives tickets.')));
  input.desks.forEach((d, i) => {
    elements.push(
      chatHeading(d),
      fieldLabel(t('值班人（每天）', 'On duty (every day)')),
      multiSelectPerson({
        name: PEOPLE_FIELDS.duty(i),
        values: d.duty,
        choices: input.people,
        placeholder: t('选择值班人', 'Choose people'),
      }),
      ...(d.rota.length > 0 ? [rotaNote(d.rota)] : []),
      fieldLabel(t('负责人', 'Leads')),
      multiSelectPerson({
        name: PEOPLE_FIELDS.leads(i),
        values: d.leads,
        choices: input.people,
        placeholder: t('选择负责人', 'Choose people'),
      }),
    );
  });
  if (input.moreDesks > 0)
    elements.push(
      note(
        t(
          `另有 ${input.moreDesks} 个群未列出：在那些群里用「值班」「负责人」命令设置。`,
          `${input.moreDesks} more chats are not listed: use "duty" and "lead" in those chats.`,
        ),
      ),
    );
  elements.push(
    submitButton(PEOPLE_SUBMIT, t('保存', 'Save'), {
      action: 'form',
      form: 'people',
      chats: input.chats.map((c) => c.chatId),
      desks: input.desks.map((d) => d.chatId),
      people: input.people,
      // The list fields on this card: Feishu leaves a field out of the submit when it is emptied, so one of these
      // missing from a submit was emptied.
      lists: [
        ...(input.chats.length > 0 ? input.routes.map((r) => PEOPLE_FIELDS.route(r.kind)) : []),
        ...input.desks.flatMap((_, i) => [PEOPLE_FIELDS.duty(i), PEOPLE_FIELDS.leads(i)]),
      ],
    }),
  );
  const title = t('路由与人员', 'Routes and people');
  return formCard(title, input.outcome, [
    form(PEOPLE_FORM, elements),
    note(
      t(
        '按星期排班和按服务台路由工单：仍用「值班 周一 @…」和「路由 工单 这里 <服务台 ID>」。',
        'Weekday rotas and routes per helpdesk: still "duty monday @…" and "route tickets here <helpdesk id>".',
      ),
      'more',
    ),
  ]);
}
