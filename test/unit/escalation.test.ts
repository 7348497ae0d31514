import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { ageText, dutyPingCard, noLeadCard, ticketSummaryCard } from '../../cards/escalation.js';
import { ticketCard } from '../../cards/ticket.js';
import { localize } from '../../cards/kit.js';
import { DEFAULT_WINDOW, WorkCalendar } from '../../src/domain/calendar.js';
import { addCountedMinutes, countedMinutes } from '../../src/domain/working-time.js';
import { onDuty } from '../../src/recipients/desks.js';
import { parseCommand } from '../../src/commands/parse.js';

const SH = 'Asia/Shanghai';
const at = (local: string) => DateTime.fromISO(local, { zone: SH }).toJSDate();
const cal = new WorkCalendar(DEFAULT_WINDOW);
const en = (card: Record<string, unknown>) => JSON.stringify(localize(card, 'en'));
const zh = (card: Record<string, unknown>) => JSON.stringify(localize(card, 'zh'));

describe('counted minutes', () => {
  it('Friday 17:55 has 5 working minutes by 18:00 and reaches 15 on Monday at 09:10', () => {
    expect(countedMinutes(cal, 'working', at('2026-12-04T17:55'), at('2026-12-04T18:00'), SH)).toBe(5);
    expect(countedMinutes(cal, 'working', at('2026-12-04T17:55'), at('2026-12-06T23:00'), SH)).toBe(5);
    expect(addCountedMinutes(cal, 'working', at('2026-12-04T17:55'), 15, SH)).toEqual(at('2026-12-07T09:10'));
    expect(addCountedMinutes(cal, 'working', at('2026-12-04T17:55'), 60, SH)).toEqual(at('2026-12-07T09:55'));
  });

  it('skips the National Day week and counts on the make-up Saturday 10 October 2026', () => {
    expect(addCountedMinutes(cal, 'working', at('2026-09-30T17:50'), 15, SH)).toEqual(at('2026-10-08T09:05'));
    expect(addCountedMinutes(cal, 'working', at('2026-10-09T17:59'), 2, SH)).toEqual(at('2026-10-10T09:01'));
  });

  it('a ticket from the night starts counting at the opening; a full day is 540 minutes', () => {
    expect(addCountedMinutes(cal, 'working', at('2026-12-08T03:00'), 15, SH)).toEqual(at('2026-12-08T09:15'));
    expect(countedMinutes(cal, 'working', at('2026-12-08T00:00'), at('2026-12-09T00:00'), SH)).toBe(540);
  });

  it('around the clock every minute counts', () => {
    expect(addCountedMinutes(cal, 'always', at('2026-12-05T02:00'), 15, SH)).toEqual(at('2026-12-05T02:15'));
    expect(countedMinutes(cal, 'always', at('2026-12-05T02:00'), at('2026-12-05T03:00'), SH)).toBe(60);
  });
});

describe('who is on duty', () => {
  it("the weekday's rota when it names anyone, else the everyday people", () => {
    const desk = { duty: ['ou_a'], rota: { '5': ['ou_b'], '1': [] } };
    expect(onDuty(desk, 5)).toEqual(['ou_b']);
    expect(onDuty(desk, 1)).toEqual(['ou_a']);
    expect(onDuty(desk, 3)).toEqual(['ou_a']);
  });
});

describe('escalation cards', () => {
  it('ages in words', () => {
    expect(ageText(15)).toEqual({ zh: '15分钟', en: '15 min' });
    expect(ageText(65)).toEqual({ zh: '1小时5分', en: '1 h 5 min' });
    expect(ageText(60 * 24 * 2 + 180)).toEqual({ zh: '2天3小时', en: '2 d 3 h' });
  });

  it('the ping mentions the people on duty, in both languages', () => {
    const card = dutyPingCard({ ticketId: 'T1', subject: 'VPN down', minutes: 15, clock: 'working', duty: ['ou_a'] });
    expect(en(card)).toContain('<at id=ou_a></at> Ticket T1 (VPN down) has been unclaimed for 15 min of working time');
    expect(zh(card)).toContain('<at id=ou_a></at> 工单 T1「VPN down」 已 15分钟（工作时间）');
  });

  it('with nobody on duty the ping says how to set it; with no lead, how to set one', () => {
    const card = dutyPingCard({ ticketId: 'T1', minutes: 15, clock: 'always', duty: [] });
    expect(en(card)).toContain('Nobody is on duty in this chat');
    expect(en(card)).toContain('duty @person');
    expect(zh(card)).toContain('值班 @同事');
    expect(en(card)).not.toContain('<at');
    expect(en(noLeadCard({ ticketId: 'T1', minutes: 60, clock: 'always' }))).toContain('lead @person');
  });

  it('the summary lists unclaimed tickets with their age first, then claimed ones with who and since when', () => {
    const card = ticketSummaryCard({
      timeZone: SH,
      tickets: [
        { ticketId: 'T2', subject: 'Printer', ageMinutes: 30, claimedBy: 'ou_b', claimedAt: at('2026-12-07T09:00') },
        { ticketId: 'T1', subject: 'VPN', ageMinutes: 1500 },
      ],
    });
    const text = en(card);
    expect(text).toContain('1 unclaimed, 1 claimed.');
    expect(text).toContain(
      '- **T1** VPN: unclaimed for 1 d 1 h\\n- **T2** Printer: claimed by <at id=ou_b></at> since 2026-12-07 09:00',
    );
  });

  it('the ticket card says how long it has been open and how far it was escalated', () => {
    const base = { ticketId: 'T1', timeZone: SH, openedAt: at('2026-12-07T09:00') };
    expect(en(ticketCard({ ...base, now: at('2026-12-07T10:05'), escalated: 2 }))).toContain(
      '⏱ Open for 1 h 5 min · escalated to the leads',
    );
    const claimed = ticketCard({
      ...base,
      claimedBy: { openId: 'ou_a' },
      claimedAt: at('2026-12-07T09:20'),
      escalated: 1,
    });
    expect(en(claimed)).toContain('⏱ Claimed 20 min after it opened · on-duty people pinged');
    expect(zh(claimed)).toContain('⏱ 开启 20分钟 后被认领 · 已提醒值班人');
    expect(en(ticketCard({ ticketId: 'T1', timeZone: SH }))).not.toContain('⏱');
  });
});

describe('duty, lead and escalation commands', () => {
  const mentions = [
    { key: '@_user_1', id: { open_id: 'ou_a' }, name: 'A' },
    { key: '@_user_2', id: { open_id: 'ou_b' }, name: 'B' },
  ];
  const parse = (text: string) => parseCommand({ text, mentions, chatType: 'p2p' });

  it('reads people, a weekday rota and off', () => {
    expect(parse('duty @_user_1 @_user_2')).toMatchObject({
      type: 'command',
      command: { name: 'duty', weekday: null, people: [{ openId: 'ou_a' }, { openId: 'ou_b' }] },
    });
    expect(parse('值班 周五 @_user_2')).toMatchObject({
      command: { name: 'duty', weekday: 5, people: [{ openId: 'ou_b' }] },
    });
    expect(parse('duty off')).toMatchObject({ command: { name: 'duty', weekday: null, people: [] } });
    expect(parse('lead @_user_1 @_user_1')).toMatchObject({ command: { name: 'lead', people: [{ openId: 'ou_a' }] } });
    expect(parse('duty someone')).toMatchObject({ type: 'usage' });
  });

  it('reads the escalation settings', () => {
    expect(parse('escalation remind 30')).toMatchObject({
      command: { change: { setting: 'remind', minutes: 30 } },
    });
    expect(parse('升级 负责人 关闭')).toMatchObject({ command: { change: { setting: 'lead', minutes: 0 } } });
    expect(parse('escalation clock always')).toMatchObject({
      command: { change: { setting: 'clock', clock: 'always' } },
    });
    expect(parse('escalation urgent on')).toMatchObject({ command: { change: { setting: 'urgent', on: true } } });
    expect(parse('escalation summary off')).toMatchObject({ command: { change: { setting: 'summary', on: false } } });
    expect(parse('escalation remind soon')).toMatchObject({ type: 'usage' });
    expect(parse('escalation remind 99999')).toMatchObject({ type: 'usage' });
  });
});
