/**
 * Helpdesk follow-through: the reply that pings the people on duty about an unclaimed ticket, and the morning
 * summary of a chat's open tickets. Pure.
 */
import { card, escapeMd, markdown, note, t, timeText, userText, type I18nText } from './kit.js';

/** An open_id goes inside a mention tag only when it is one ([A-Za-z0-9_-]). */
const mention = (openId: string) => (/^[A-Za-z0-9_-]{1,100}$/.test(openId) ? `<at id=${openId}></at>` : '');

/** An age in words: `2天3小时` / `2 d 3 h`, `1小时5分` / `1 h 5 min`, `15分` / `15 min`. */
export function ageText(minutes: number): I18nText {
  const total = Math.max(0, Math.floor(minutes));
  const d = Math.floor(total / 1440);
  const h = Math.floor((total % 1440) / 60);
  const m = total % 60;
  if (d > 0) return t(`${d}天${h > 0 ? `${h}小时` : ''}`, `${d} d${h > 0 ? ` ${h} h` : ''}`);
  if (h > 0) return t(`${h}小时${m > 0 ? `${m}分` : ''}`, `${h} h${m > 0 ? ` ${m} min` : ''}`);
  return t(`${m}分钟`, `${m} min`);
}

/** "15 working minutes" or "15 minutes", by how the chat counts. */
export function countedText(minutes: number, clock: 'working' | 'always'): I18nText {
  const age = ageText(minutes);
  return clock === 'working' ? t(`${age.zh}（工作时间）`, `${age.en} of working time`) : age;
}

export interface DutyPingInput {
  ticketId: string;
  /** What the ticket is about (its first field), if known. */
  subject?: string;
  /** Counted minutes unclaimed. */
  minutes: number;
  clock: 'working' | 'always';
  /** open_ids of the people on duty now; empty when nobody is. */
  duty: readonly string[];
}

/** The reply to a ticket's card in a helpdesk chat when it stayed unclaimed: @-mentions the people on duty. */
export function dutyPingCard(input: DutyPingInput): Record<string, unknown> {
  const id = userText(input.ticketId, 40);
  const about = input.subject ? userText(input.subject.replace(/\s+/g, ' ').trim(), 60) : '';
  const waited = countedText(input.minutes, input.clock);
  const ticket = t(`工单 ${id}${about ? `「${about}」` : ''}`, `Ticket ${id}${about ? ` (${about})` : ''}`);
  const people = input.duty.map(mention).filter(Boolean).join(' ');
  const body = people
    ? t(
        `${people} ${ticket.zh} 已 ${waited.zh} 无人认领，请尽快处理（点击上方卡片的「认领」）。`,
        `${people} ${ticket.en} has been unclaimed for ${waited.en}: please take it (Claim on the card above).`,
      )
    : t(
        `${ticket.zh} 已 ${waited.zh} 无人认领。本群还没有值班人：管理员可在本群 @我 发送「值班 @同事」设置。`,
        `${ticket.en} has been unclaimed for ${waited.en}. Nobody is on duty in this chat: an admin sets it by ` +
          '@mentioning me here with "duty @person".',
      );
  const title = t('工单待认领', 'Ticket waiting to be claimed');
  return card({ title, template: 'orange', summary: title, elements: [markdown(body, 'ping')] });
}

/** The reply when a ticket reached the leads' step but the chat has no lead: says how to set one. */
export function noLeadCard(input: Omit<DutyPingInput, 'duty'>): Record<string, unknown> {
  const id = userText(input.ticketId, 40);
  const waited = countedText(input.minutes, input.clock);
  const body = t(
    `工单 ${id} 已 ${waited.zh} 无人认领，但本群没有可升级的负责人：管理员可在本群 @我 发送「负责人 @同事」设置。`,
    `Ticket ${id} has been unclaimed for ${waited.en}, and this chat has no lead to escalate to: an admin sets ` +
      'one by @mentioning me here with "lead @person".',
  );
  const title = t('工单仍无人认领', 'Ticket still unclaimed');
  return card({ title, template: 'red', summary: title, elements: [markdown(body, 'nolead')] });
}

export interface SummaryTicket {
  ticketId: string;
  subject?: string;
  /** Minutes open so far (wall time). */
  ageMinutes: number;
  claimedBy?: string;
  claimedAt?: Date;
}

export interface SummaryCardInput {
  /** Unclaimed first (oldest first), then claimed ones. */
  tickets: readonly SummaryTicket[];
  timeZone: string;
}

/** At most this many tickets are listed; the rest are counted. */
export const SUMMARY_MAX_TICKETS = 30;

/** The morning summary of a helpdesk chat's open tickets. */
export function ticketSummaryCard(input: SummaryCardInput): Record<string, unknown> {
  const unclaimed = input.tickets.filter((x) => !x.claimedBy);
  const claimed = input.tickets.filter((x) => x.claimedBy);
  const line = (x: SummaryTicket): I18nText => {
    const id = escapeMd(userText(x.ticketId, 40));
    const about = x.subject ? userText(x.subject.replace(/\s+/g, ' ').trim(), 60) : '';
    const head = t(`**${id}**${about ? ` ${about}` : ''}`, `**${id}**${about ? ` ${about}` : ''}`);
    if (!x.claimedBy) {
      const age = ageText(x.ageMinutes);
      return t(`- ${head.zh}：未认领，已 ${age.zh}`, `- ${head.en}: unclaimed for ${age.en}`);
    }
    const who = mention(x.claimedBy) || t('未知', 'someone').zh;
    const since = x.claimedAt ? timeText(x.claimedAt, input.timeZone) : null;
    return t(
      `- ${head.zh}：${who} 已认领${since ? `（${since.zh} 起）` : ''}`,
      `- ${head.en}: claimed by ${who}${since ? ` since ${since.en}` : ''}`,
    );
  };
  const shown = [...unclaimed, ...claimed].slice(0, SUMMARY_MAX_TICKETS);
  const lines = shown.map(line);
  const more = input.tickets.length - shown.length;
  const join = (xs: I18nText[]) => t(xs.map((x) => x.zh).join('\n'), xs.map((x) => x.en).join('\n'));
  const elements: Record<string, unknown>[] = [
    markdown(
      t(
        `未认领 ${unclaimed.length} 个，已认领 ${claimed.length} 个。`,
        `${unclaimed.length} unclaimed, ${claimed.length} claimed.`,
      ),
      'counts',
    ),
    markdown(join(lines), 'tickets'),
  ];
  if (more > 0) elements.push(note(t(`另有 ${more} 个未列出。`, `${more} more not listed.`), 'more'));
  const title = t('服务台晨报：未关闭的工单', 'Helpdesk morning summary: open tickets');
  return card({ title, template: unclaimed.length > 0 ? 'orange' : 'green', summary: title, elements });
}
