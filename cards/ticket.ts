import { ageText } from './escalation.js';
import {
  buttonRow,
  callbackButton,
  card,
  clip,
  fieldLines,
  linkButton,
  markdown,
  note,
  t,
  timeText,
  userText,
  type HeaderTemplate,
  type I18nText,
} from './kit.js';

/** Helpdesk ticket stages (`stage` in ticket events). */
export const TICKET_STAGES: Readonly<Record<number, I18nText>> = {
  1: t('机器人', 'Bot'),
  2: t('人工', 'Human agent'),
};

/** Helpdesk ticket statuses (`status` in ticket events); 50–52 are closed. */
export const TICKET_STATUSES: Readonly<Record<number, I18nText>> = {
  1: t('已创建', 'Created'),
  2: t('处理中', 'In progress'),
  3: t('排队中', 'Queued'),
  4: t('待定', 'Pending'),
  5: t('待用户响应', 'Waiting for the user'),
  50: t('被机器人关闭', 'Closed by the bot'),
  51: t('被客服关闭', 'Closed by an agent'),
  52: t('用户自己关闭', 'Closed by the user'),
};

/**
 * Helpdesk ticket channels (`channel` in ticket events): the helpdesk names 9, 2, 14 and 13 and calls every other
 * number "another channel".
 */
export const TICKET_CHANNELS: Readonly<Record<number, I18nText>> = {
  2: t('二维码', 'QR code'),
  9: t('Open API', 'Open API'),
  13: t('搜索', 'Search'),
  14: t('分享', 'Share'),
};
const OTHER_CHANNEL = t('其他渠道', 'Other channel');

/** The header of a ticket card that is neither closed nor claimed, by status. */
const STATUS_HEADERS: Readonly<Record<number, readonly [I18nText, HeaderTemplate]>> = {
  2: [t('工单处理中', 'Ticket in progress'), 'turquoise'],
  3: [t('工单排队中', 'Ticket queued'), 'orange'],
  4: [t('工单待定', 'Ticket pending'), 'yellow'],
  5: [t('工单等待用户回复', 'Ticket waiting for the user'), 'wathet'],
};

/** At most this many of the ticket's own fields are shown, each value clipped to `FIELD_CHARS`. */
const MAX_FIELDS = 8;
const FIELD_CHARS = 300;

/** Statuses that mean the ticket is closed. */
export const CLOSED_TICKET_STATUSES: readonly number[] = [50, 51, 52];

/** The callback value of the Claim button. */
interface ClaimTicketValue {
  action: 'claim_ticket';
  ticket: string;
}

/** One of the fields the guest filled in when opening the ticket (the helpdesk's `customized_fields`). */
export interface TicketField {
  name: string;
  value: string;
}

interface TicketCardInput {
  ticketId: string;
  /** What the ticket is about, in the helpdesk's display order. */
  fields?: readonly TicketField[];
  helpdeskId?: string;
  guestName?: string;
  stage?: number;
  status?: number;
  channel?: number;
  createdAt?: Date;
  updatedAt?: Date;
  ticketUrl?: string;
  claimedBy?: { name?: string; openId: string };
  claimedAt?: Date;
  /** When the ticket arrived, and the moment the card is built: the card says how long it has been open. */
  openedAt?: Date;
  now?: Date;
  /** The escalation step reached: 1 the people on duty were pinged, 2 the leads were told. */
  escalated?: number;
  timeZone: string;
}

/** What each escalation step did, as the card says it. */
const ESCALATED: Readonly<Record<number, I18nText>> = {
  1: t('已提醒值班人', 'on-duty people pinged'),
  2: t('已升级给负责人', 'escalated to the leads'),
};

/** How long the ticket has been open (or took to be claimed), and how far it was escalated; null: nothing to say. */
function ageLine(input: TicketCardInput, closed: boolean): I18nText | null {
  const minutes = (from: Date, to: Date) => Math.max(0, Math.floor((to.getTime() - from.getTime()) / 60_000));
  const parts: I18nText[] = [];
  if (input.openedAt && input.claimedBy && input.claimedAt) {
    const age = ageText(minutes(input.openedAt, input.claimedAt));
    parts.push(t(`开启 ${age.zh} 后被认领`, `claimed ${age.en} after it opened`));
  } else if (input.openedAt && input.now && !closed) {
    const age = ageText(minutes(input.openedAt, input.now));
    parts.push(t(`已开启 ${age.zh}`, `open for ${age.en}`));
  }
  const step = input.escalated ? ESCALATED[Math.min(input.escalated, 2)] : undefined;
  if (step) parts.push(step);
  if (parts.length === 0) return null;
  const zh = parts.map((p) => p.zh).join(' · ');
  const en = parts.map((p) => p.en).join(' · ');
  return t(`⏱ ${zh}`, `⏱ ${en.charAt(0).toUpperCase()}${en.slice(1)}`);
}

const code = (n: number) => t(String(n), String(n));

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * A helpdesk ticket for agents: what it is about (the guest's fields), who, stage, status, channel and time, with
 * Claim and Open buttons. The header follows the ticket: new, in progress, queued, claimed, closed.
 */
export function ticketCard(input: TicketCardInput): Record<string, unknown> {
  const closed = input.status != null && CLOSED_TICKET_STATUSES.includes(input.status);
  // The helpdesk sends "-" when it has no name.
  const rawGuest = oneLine(input.guestName ?? '');
  const guest = rawGuest && rawGuest !== '-' ? userText(rawGuest, 60) : null;
  const fields = (input.fields ?? [])
    .map((f) => ({ name: oneLine(f.name), value: oneLine(f.value) }))
    .filter((f) => f.name && f.value)
    .slice(0, MAX_FIELDS);
  const rows: (readonly [I18nText, I18nText])[] = fields.map((f) => {
    const [name, value] = [userText(f.name, 40), userText(f.value, FIELD_CHARS)];
    return [t(name, name), t(value, value)] as const;
  });
  rows.push([t('用户', 'User'), guest ? t(guest, guest) : t('未知', 'Unknown')]);
  if (input.stage != null) rows.push([t('阶段', 'Stage'), TICKET_STAGES[input.stage] ?? code(input.stage)]);
  if (input.status != null) rows.push([t('状态', 'Status'), TICKET_STATUSES[input.status] ?? code(input.status)]);
  if (input.channel != null) rows.push([t('渠道', 'Channel'), TICKET_CHANNELS[input.channel] ?? OTHER_CHANNEL]);
  if (input.createdAt) rows.push([t('创建时间', 'Created'), timeText(input.createdAt, input.timeZone)]);
  if (input.updatedAt) rows.push([t('更新时间', 'Updated'), timeText(input.updatedAt, input.timeZone)]);

  const elements: Record<string, unknown>[] = [fieldLines(rows, 'details')];
  const { claimedBy } = input;
  if (claimedBy) {
    // An open_id is [A-Za-z0-9_-]; anything else is not put inside a tag.
    // A mention already shows the user's name; the name is written out only when there is no mention.
    const mention = /^[A-Za-z0-9_-]+$/.test(claimedBy.openId) ? `<at id=${claimedBy.openId}></at>` : '';
    const name = claimedBy.name?.trim() ? userText(claimedBy.name, 60) : '';
    const who = { zh: mention || name || '未知', en: mention || name || 'someone' };
    const when = input.claimedAt ? timeText(input.claimedAt, input.timeZone) : null;
    elements.push(
      markdown(
        t(
          `✅ 已由 ${who.zh}${when ? ` 于 ${when.zh}` : ''} 认领`,
          `✅ Claimed by ${who.en}${when ? ` on ${when.en}` : ''}`,
        ),
        'claimed',
      ),
    );
  }
  if (closed) elements.push(markdown(t('🔒 此工单已关闭。', '🔒 This ticket is closed.'), 'closed'));
  const age = ageLine(input, closed);
  if (age) elements.push(note(age, 'age'));

  const buttons: Record<string, unknown>[] = [];
  if (!claimedBy && !closed) {
    const value: ClaimTicketValue = { action: 'claim_ticket', ticket: input.ticketId };
    buttons.push(callbackButton(t('认领', 'Claim'), { ...value }, 'primary'));
  }
  if (input.ticketUrl && /^https?:\/\//i.test(input.ticketUrl))
    buttons.push(linkButton(t('查看工单', 'Open ticket'), input.ticketUrl));
  if (buttons.length > 0) elements.push(buttonRow(buttons, 'actions'));

  const id = userText(input.ticketId, 40);
  const helpdesk = input.helpdeskId ? userText(input.helpdeskId, 40) : null;
  elements.push(
    note(
      t(
        `工单 ID：${id}${helpdesk ? ` · 服务台 ID：${helpdesk}` : ''}`,
        `Ticket ${id}${helpdesk ? ` · helpdesk ${helpdesk}` : ''}`,
      ),
      'ids',
    ),
  );

  let [title, template]: readonly [I18nText, HeaderTemplate] = [t('新工单', 'New ticket'), 'blue'];
  if (input.stage === 2) [title, template] = [t('工单待人工处理', 'Ticket needs an agent'), 'orange'];
  const byStatus = input.status != null ? STATUS_HEADERS[input.status] : undefined;
  if (byStatus) [title, template] = byStatus;
  if (closed) [title, template] = [t('工单已关闭', 'Ticket closed'), 'grey'];
  else if (claimedBy) [title, template] = [t('工单已认领', 'Ticket claimed'), 'green'];
  // The chat list shows the summary: what the ticket is about, else who opened it (plain text, not markdown).
  const about = fields[0]?.value ?? (guest ? rawGuest : '');
  const summaryText = about ? clip(about, 30) : null;
  const summary = summaryText ? t(`${title.zh}：${summaryText}`, `${title.en}: ${summaryText}`) : title;
  return card({ title, template, summary, elements });
}
