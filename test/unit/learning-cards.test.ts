import { describe, expect, it } from 'vitest';
import {
  MAX_CARD_BYTES,
  assertCardSize,
  cardBytes,
  escapeMd,
  formatDuration,
  formatTime,
  localize,
  t,
} from '../../cards/kit.js';
import { checkinCard, completionCard, enrolledCard, examResultCard, unenrolledCard } from '../../cards/learning.js';
import { managerNoticeCard } from '../../cards/manager.js';
import { SOURCE_LABELS } from '../../src/domain/sources.js';
import { TICKET_CHANNELS, TICKET_STAGES, TICKET_STATUSES, ticketCard } from '../../cards/ticket.js';
import { progressCard, type ProgressItem } from '../../cards/progress.js';
import { replyCard, toast } from '../../cards/reply.js';

type Json = Record<string, unknown>;

const TZ = 'Asia/Shanghai';
const AT = new Date('2024-11-08T03:49:00Z'); // 11:49 in Shanghai
const HOSTILE = '**x** [a](http://evil) <at id=all></at>';
const FEISHU = SOURCE_LABELS.feishu;

/** Every object in a card, depth first. */
function objects(value: unknown, out: Json[] = []): Json[] {
  if (Array.isArray(value)) for (const v of value) objects(v, out);
  else if (value && typeof value === 'object') {
    out.push(value as Json);
    for (const v of Object.values(value)) objects(v, out);
  }
  return out;
}

const buttons = (card: unknown) => objects(card).filter((o) => o.tag === 'button');
const callbackValues = (card: unknown) =>
  buttons(card).flatMap((b) =>
    ((b.behaviors as Json[] | undefined) ?? []).filter((x) => x.type === 'callback').map((x) => x.value),
  );
/** Every markdown text in both languages (`content` is the same as `zh_cn`). */
const markdownTexts = (card: unknown) =>
  objects(card)
    .filter((o) => o.tag === 'markdown')
    .flatMap((o) => Object.values(o.i18n_content as Record<string, string>));

const claimed = { name: '李四', openId: 'ou_agent1' };

/** Every card variant, by name. */
const variants: Record<string, Json> = {
  'course passed (all fields)': completionCard({
    itemName: '信息安全意识培训',
    itemType: 'course',
    outcome: 'passed',
    completedAt: AT,
    score: 92.5,
    totalScore: 100,
    durationSeconds: 3720,
    sourceLabel: FEISHU,
    timeZone: TZ,
  }),
  'course passed (minimal)': completionCard({
    itemName: 'Safety 101',
    itemType: 'course',
    outcome: 'passed',
    sourceLabel: FEISHU,
    timeZone: TZ,
  }),
  'course failed': completionCard({
    itemName: 'Safety 101',
    itemType: 'course',
    outcome: 'failed',
    score: 40,
    totalScore: 100,
    completedAt: AT,
    sourceLabel: SOURCE_LABELS.alm,
    timeZone: 'UTC',
  }),
  'course completed': completionCard({
    itemName: '回调课程111',
    itemType: 'course',
    outcome: 'completed',
    durationSeconds: 110,
    completedAt: AT,
    sourceLabel: SOURCE_LABELS.qingsuyun,
    timeZone: TZ,
  }),
  'learning path completed': completionCard({
    itemName: 'New manager path',
    itemType: 'learningProgram',
    outcome: 'completed',
    completedAt: AT,
    sourceLabel: SOURCE_LABELS.alm,
    timeZone: 'America/New_York',
  }),
  'learning path failed': completionCard({
    itemName: 'New manager path',
    itemType: 'learningProgram',
    outcome: 'failed',
    sourceLabel: SOURCE_LABELS.alm,
    timeZone: TZ,
  }),
  'certification completed': completionCard({
    itemName: 'Cloud Practitioner',
    itemType: 'certification',
    outcome: 'passed',
    completedAt: AT,
    sourceLabel: SOURCE_LABELS.alm,
    timeZone: TZ,
  }),
  'certification failed': completionCard({
    itemName: 'Cloud Practitioner',
    itemType: 'certification',
    outcome: 'failed',
    sourceLabel: SOURCE_LABELS.alm,
    timeZone: TZ,
  }),
  'exam passed': examResultCard({
    examName: '试卷名称',
    score: 85,
    totalScore: 100,
    passScore: 60,
    outcome: 'passed',
    durationSeconds: 6,
    finishedAt: AT,
    sourceLabel: SOURCE_LABELS.qingsuyun,
    timeZone: TZ,
  }),
  'exam failed': examResultCard({
    examName: '试卷名称',
    score: 0,
    totalScore: 100,
    passScore: 60,
    outcome: 'failed',
    durationSeconds: 6,
    finishedAt: AT,
    sourceLabel: SOURCE_LABELS.qingsuyun,
    timeZone: TZ,
  }),
  'exam awaiting grading (provisional score)': examResultCard({
    examName: '试卷名称',
    score: 30,
    totalScore: 100,
    passScore: 60,
    outcome: 'awaiting_grading',
    finishedAt: AT,
    sourceLabel: SOURCE_LABELS.qingsuyun,
    timeZone: TZ,
  }),
  'exam awaiting grading (no score)': examResultCard({
    examName: '试卷名称',
    score: null,
    outcome: 'awaiting_grading',
    sourceLabel: SOURCE_LABELS.qingsuyun,
    timeZone: TZ,
  }),
  'enrolled by self': enrolledCard({
    itemName: 'Safety 101',
    itemType: 'course',
    enrolledBy: 'self',
    enrolledAt: AT,
    sourceLabel: FEISHU,
    timeZone: TZ,
  }),
  'enrolled by admin': enrolledCard({
    itemName: 'New manager path',
    itemType: 'learningProgram',
    enrolledBy: 'admin',
    sourceLabel: SOURCE_LABELS.alm,
    timeZone: TZ,
  }),
  'unenrolled by self': unenrolledCard({
    itemName: 'Safety 101',
    itemType: 'course',
    by: 'self',
    sourceLabel: FEISHU,
    timeZone: TZ,
  }),
  'unenrolled by admin': unenrolledCard({
    itemName: 'Cloud Practitioner',
    itemType: 'certification',
    by: 'admin',
    sourceLabel: SOURCE_LABELS.alm,
    timeZone: TZ,
  }),
  'check-in (all fields)': checkinCard({
    taskName: '打卡任务名称',
    days: 7,
    finishedAt: AT,
    rightRatio: '80.00%',
    sourceLabel: SOURCE_LABELS.qingsuyun,
    timeZone: TZ,
  }),
  'check-in (one day, minimal)': checkinCard({
    taskName: 'Daily quiz',
    days: 1,
    sourceLabel: SOURCE_LABELS.qingsuyun,
    timeZone: TZ,
  }),
  'manager: course passed, congratulate offered': managerNoticeCard({
    learnerName: '张三',
    itemName: '信息安全意识培训',
    itemType: 'course',
    outcome: 'passed',
    score: 92,
    totalScore: 100,
    completedAt: AT,
    sourceLabel: FEISHU,
    timeZone: TZ,
    congratulate: { recordId: 'rec-1', learnerOpenId: 'ou_learner1' },
  }),
  'manager: congratulations sent': managerNoticeCard({
    learnerName: '张三',
    itemName: '信息安全意识培训',
    itemType: 'course',
    outcome: 'passed',
    completedAt: AT,
    sourceLabel: FEISHU,
    timeZone: TZ,
    congratulate: { recordId: 'rec-1', learnerOpenId: 'ou_learner1', sentAt: AT },
  }),
  'manager: learning path completed': managerNoticeCard({
    learnerName: 'Zhang San',
    itemName: 'New manager path',
    itemType: 'learningProgram',
    outcome: 'completed',
    sourceLabel: SOURCE_LABELS.alm,
    timeZone: 'UTC',
    congratulate: { recordId: 'rec-2', learnerOpenId: 'ou_learner2' },
  }),
  'manager: exam failed': managerNoticeCard({
    learnerName: '张三',
    itemName: '试卷名称',
    itemType: 'exam',
    outcome: 'failed',
    score: 40,
    totalScore: 100,
    passScore: 60,
    completedAt: AT,
    sourceLabel: SOURCE_LABELS.qingsuyun,
    timeZone: TZ,
    congratulate: { recordId: 'rec-3', learnerOpenId: 'ou_learner1' },
  }),
  'manager: exam awaiting grading': managerNoticeCard({
    learnerName: '张三',
    itemName: '试卷名称',
    itemType: 'exam',
    outcome: 'awaiting_grading',
    score: 30,
    totalScore: 100,
    sourceLabel: SOURCE_LABELS.qingsuyun,
    timeZone: TZ,
  }),
  'ticket: new, bot stage': ticketCard({
    ticketId: '6626871355780366331',
    helpdeskId: '6626871355780366330',
    guestName: '王五',
    stage: 1,
    status: 1,
    channel: 9,
    createdAt: AT,
    updatedAt: AT,
    ticketUrl: 'https://example.feishu.cn/helpdesk/ticket/6626871355780366331',
    timeZone: TZ,
  }),
  'ticket: human stage, no url, unknown codes': ticketCard({
    ticketId: 't-2',
    guestName: '-',
    stage: 7,
    status: 99,
    channel: 0,
    timeZone: TZ,
  }),
  'ticket: claimed': ticketCard({
    ticketId: 't-3',
    guestName: '王五',
    stage: 2,
    status: 2,
    channel: 2,
    createdAt: AT,
    ticketUrl: 'https://example.feishu.cn/helpdesk/ticket/t-3',
    claimedBy: claimed,
    claimedAt: new Date('2024-11-08T04:00:00Z'),
    timeZone: TZ,
  }),
  'ticket: claimed by someone without a known name': ticketCard({
    ticketId: 't-4',
    stage: 2,
    status: 2,
    claimedBy: { openId: 'ou_agent2' },
    timeZone: TZ,
  }),
  'ticket: closed by agent': ticketCard({
    ticketId: 't-5',
    guestName: '王五',
    stage: 2,
    status: 51,
    channel: 14,
    claimedBy: claimed,
    claimedAt: AT,
    timeZone: TZ,
  }),
  'progress: empty': progressCard({ items: [], timeZone: TZ }),
  'progress: mixed sources and states': progressCard({
    timeZone: TZ,
    items: [
      {
        sourceLabel: FEISHU,
        itemName: '信息安全意识培训',
        itemType: 'course',
        state: 'passed',
        score: 92,
        totalScore: 100,
        completedAt: AT,
      },
      { sourceLabel: FEISHU, itemName: 'Safety 101', itemType: 'course', state: 'in_progress', progressPercent: 45 },
      { sourceLabel: SOURCE_LABELS.alm, itemName: 'New manager path', itemType: 'learningProgram', state: 'enrolled' },
      {
        sourceLabel: SOURCE_LABELS.alm,
        itemName: 'Cloud Practitioner',
        itemType: 'certification',
        state: 'completed',
        completedAt: AT,
      },
      {
        sourceLabel: SOURCE_LABELS.qingsuyun,
        itemName: '试卷名称',
        itemType: 'exam',
        state: 'awaiting_grading',
        score: 30,
        totalScore: 100,
      },
      {
        sourceLabel: SOURCE_LABELS.qingsuyun,
        itemName: '期中考试',
        itemType: 'exam',
        state: 'failed',
        score: 40,
        totalScore: 100,
        completedAt: AT,
      },
      { sourceLabel: SOURCE_LABELS.qingsuyun, itemName: '打卡任务名称', itemType: 'checkin', state: 'completed' },
      { sourceLabel: FEISHU, itemName: 'Old course', itemType: 'course', state: 'unenrolled' },
      { sourceLabel: FEISHU, itemName: 'Retired course', itemType: 'course', state: 'removed' },
      {
        sourceLabel: FEISHU,
        itemName: 'Mystery',
        itemType: 'webinar',
        state: 'something_new',
        score: null,
        completedAt: null,
      },
    ],
  }),
  reply: replyCard({
    title: t('已绑定', 'Bound'),
    body: t('已将账号绑定到 **你**。', 'The account is now bound to **you**.'),
    template: 'green',
  }),
  'reply (default template)': replyCard({ title: t('提示', 'Note'), body: t('你好', 'Hello') }),
};

describe('card variants', () => {
  it.each(Object.keys(variants))('%s matches its snapshot', (name) => {
    expect(variants[name]).toMatchSnapshot();
  });

  it.each(Object.keys(variants))('%s is valid card JSON 2.0 under 30 KB', (name) => {
    const card = variants[name] as Json & { config: Json; body: { elements: Json[] }; header: Json };
    expect(card.schema).toBe('2.0');
    expect(card.config.update_multi).toBe(true);
    expect(card.config.locales).toEqual(['zh_cn', 'en_us']);
    expect(card.body.elements.length).toBeGreaterThan(0);
    const all = objects(card);
    expect(all.length).toBeLessThan(1000);
    // No 1.0-only modules.
    expect(all.some((o) => o.tag === 'action' || o.tag === 'note')).toBe(false);
    // element_id: unique, letters/digits/underscores, starts with a letter, at most 20 characters.
    const ids = all.map((o) => o.element_id).filter((id): id is string => id !== undefined);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z][A-Za-z0-9_]{0,19}$/);
    // Every text is Chinese in content with both languages in i18n_content.
    for (const o of all.filter((x) => x.i18n_content)) {
      const i18n = o.i18n_content as { zh_cn: string; en_us: string };
      expect(o.content).toBe(i18n.zh_cn);
      expect(typeof i18n.en_us).toBe('string');
      expect(i18n.en_us.length).toBeGreaterThan(0);
    }
    for (const button of buttons(card)) {
      expect((button.text as Json).tag).toBe('plain_text');
      expect(['primary', 'default']).toContain(button.type);
      if (button.disabled) expect(button.disabled).toBe(true);
      else expect((button.behaviors as Json[]).length).toBe(1);
    }
    expect(() => assertCardSize(card)).not.toThrow();
    expect(cardBytes(card)).toBeLessThan(MAX_CARD_BYTES);
  });
});

describe('learning cards', () => {
  it('chooses title and colour by item type and outcome', () => {
    const title = (c: Json) => ((c.header as Json).title as { i18n_content: { en_us: string } }).i18n_content.en_us;
    const template = (c: Json) => (c.header as Json).template;
    expect(title(variants['course passed (all fields)']!)).toBe('Course passed');
    expect(template(variants['course passed (all fields)']!)).toBe('green');
    expect(title(variants['course failed']!)).toBe('Course not passed');
    expect(template(variants['course failed']!)).toBe('orange');
    expect(title(variants['learning path completed']!)).toBe('Learning path completed');
    expect(title(variants['certification completed']!)).toBe('Certification completed');
    expect(template(variants['exam awaiting grading (no score)']!)).toBe('blue');
  });

  it('shows score, pass mark, time used and local time', () => {
    const text = markdownTexts(variants['exam passed']).join('\n');
    expect(text).toContain('85 / 100');
    expect(text).toContain('**及格分**：60');
    expect(text).toContain('**Time used**: 6 s');
    expect(text).toContain('2024-11-08 11:49（UTC+8）');
    expect(text).toContain('2024-11-08 11:49 (UTC+8)');
    expect(markdownTexts(variants['course passed (all fields)']).join('\n')).toContain('1 h 2 min');
  });

  it('does not present a score awaiting grading as final, nor as a fail', () => {
    const text = markdownTexts(variants['exam awaiting grading (provisional score)']).join('\n');
    expect(text).toContain('Provisional score');
    expect(text).not.toMatch(/\*\*Score\*\*/);
    expect(text).not.toMatch(/not pass|未通过/);
  });

  it('says who enrolled the learner', () => {
    expect(markdownTexts(variants['enrolled by self']).join()).toContain('You enrolled in the course');
    expect(markdownTexts(variants['enrolled by admin']).join()).toContain('An admin or your manager enrolled you');
    expect(markdownTexts(variants['unenrolled by admin']).join()).toContain('removed you from the certification');
  });

  it('counts check-in days', () => {
    expect(markdownTexts(variants['check-in (all fields)']).join()).toContain('**7** days');
    expect(markdownTexts(variants['check-in (one day, minimal)']).join()).toContain('**1** day.');
  });
});

describe('manager notice', () => {
  it('offers congratulations with exactly the callback value', () => {
    expect(callbackValues(variants['manager: course passed, congratulate offered'])).toEqual([
      { action: 'congratulate', record: 'rec-1', learner: 'ou_learner1' },
    ]);
    const [button] = buttons(variants['manager: course passed, congratulate offered']);
    expect(button!.type).toBe('primary');
    expect((button!.text as { i18n_content: { en_us: string } }).i18n_content.en_us).toBe('Send congratulations');
    expect(callbackValues(variants['manager: learning path completed'])).toEqual([
      { action: 'congratulate', record: 'rec-2', learner: 'ou_learner2' },
    ]);
  });

  it('replaces the button by a disabled one once congratulations were sent', () => {
    const card = variants['manager: congratulations sent'];
    expect(callbackValues(card)).toEqual([]);
    const [button] = buttons(card);
    expect(button).toMatchObject({
      disabled: true,
      text: { content: '已发送祝贺', i18n_content: { en_us: 'Congratulations sent' } },
    });
    expect(button!.behaviors).toBeUndefined();
  });

  it('offers no congratulations for a fail or a pending grade', () => {
    expect(buttons(variants['manager: exam failed'])).toEqual([]);
    expect(buttons(variants['manager: exam awaiting grading'])).toEqual([]);
  });

  it('names the learner', () => {
    expect(markdownTexts(variants['manager: exam failed']).join()).toContain('**张三** 未通过考试 **试卷名称**');
  });
});

describe('ticket card', () => {
  it('has a Claim button with exactly the callback value, and a link to the ticket', () => {
    const card = variants['ticket: new, bot stage'];
    expect(callbackValues(card)).toEqual([{ action: 'claim_ticket', ticket: '6626871355780366331' }]);
    const [claim, open] = buttons(card);
    expect(claim).toMatchObject({ type: 'primary', text: { content: '认领', i18n_content: { en_us: 'Claim' } } });
    expect(open!.behaviors).toEqual([
      { type: 'open_url', default_url: 'https://example.feishu.cn/helpdesk/ticket/6626871355780366331' },
    ]);
  });

  it('maps stage, status and channel codes; unknown stages and statuses show as numbers, channels as "other"', () => {
    expect(TICKET_STAGES[2]).toEqual(t('人工', 'Human agent'));
    expect(TICKET_STATUSES[52]?.zh).toBe('用户自己关闭');
    expect(TICKET_CHANNELS[9]?.en).toBe('Open API');
    const known = markdownTexts(variants['ticket: new, bot stage']).join('\n');
    expect(known).toContain('**Stage**: Bot');
    expect(known).toContain('**Status**: Created');
    expect(known).toContain('**Channel**: Open API');
    const unknown = markdownTexts(variants['ticket: human stage, no url, unknown codes']).join('\n');
    expect(unknown).toContain('**Stage**: 7');
    expect(unknown).toContain('**Status**: 99');
    expect(unknown).toContain('**Channel**: Other channel');
    expect(unknown).toContain('**渠道**：其他渠道\n');
    expect(unknown).toContain('**User**: Unknown');
    expect(buttons(variants['ticket: human stage, no url, unknown codes'])).toHaveLength(1);
  });

  it("shows the guest's fields first, escaped, and a header that follows the status", () => {
    const base = { ticketId: 'T-1', timeZone: 'Asia/Shanghai', status: 1 };
    const fields = [
      { name: '问题', value: 'VPN 连不上' },
      { name: 'Topic **bold**', value: '<at id=all></at> [x](http://evil)' },
    ];
    const card = ticketCard({ ...base, fields });
    const text = markdownTexts(card).join('\n');
    expect(text).toContain('**问题**：VPN 连不上\n**Topic &#42;&#42;bold&#42;&#42;**：&#60;at id=all&#62;');
    expect(text).toContain('**问题**: VPN 连不上');
    expect(text).not.toContain('<at id=all>');
    const header = (c: Record<string, unknown>) =>
      (c as { header: { title: { i18n_content: Record<string, string> }; template: string } }).header;
    expect(header(card).title.i18n_content).toEqual({ zh_cn: '新工单', en_us: 'New ticket' });
    const summary = (card as { config: { summary: { i18n_content: Record<string, string> } } }).config.summary;
    expect(summary.i18n_content).toEqual({ zh_cn: '新工单：VPN 连不上', en_us: 'New ticket: VPN 连不上' });
    const titles: Record<number, [string, string]> = {
      2: ['工单处理中', 'Ticket in progress'],
      3: ['工单排队中', 'Ticket queued'],
      4: ['工单待定', 'Ticket pending'],
      5: ['工单等待用户回复', 'Ticket waiting for the user'],
      51: ['工单已关闭', 'Ticket closed'],
    };
    for (const [status, [zh, en]] of Object.entries(titles))
      expect(header(ticketCard({ ...base, status: Number(status) })).title.i18n_content).toEqual({
        zh_cn: zh,
        en_us: en,
      });
  });

  it('once claimed: no Claim button, and who claimed it and when', () => {
    const card = variants['ticket: claimed'];
    expect(callbackValues(card)).toEqual([]);
    expect(buttons(card)).toHaveLength(1);
    const text = markdownTexts(card).join('\n');
    // The mention shows the name itself: it is not written a second time.
    expect(text).toContain('Claimed by <at id=ou_agent1></at> on 2024-11-08 12:00 (UTC+8)');
    expect(text).toContain('已由 <at id=ou_agent1></at> 于 2024-11-08 12:00（UTC+8） 认领');
    expect(text).not.toContain('李四');
    expect(markdownTexts(variants['ticket: claimed by someone without a known name']).join()).toContain(
      'Claimed by <at id=ou_agent2></at>',
    );
  });

  it('shows a closed ticket in grey without a Claim button', () => {
    const card = variants['ticket: closed by agent']!;
    expect((card.header as Json).template).toBe('grey');
    expect(callbackValues(card)).toEqual([]);
    expect(markdownTexts(card).join()).toContain('This ticket is closed');
  });

  it('keeps a hostile open_id out of the at tag', () => {
    const card = ticketCard({ ticketId: 't', claimedBy: { openId: 'x></at><at id=all', name: 'n' }, timeZone: TZ });
    expect(JSON.stringify(card)).not.toContain('id=all');
  });
});

describe('progress card', () => {
  const item = (i: number, name: string): ProgressItem => ({
    sourceLabel: i % 2 ? FEISHU : SOURCE_LABELS.qingsuyun,
    itemName: name,
    itemType: i % 3 ? 'course' : 'exam',
    state: i % 4 ? 'passed' : 'in_progress',
    score: 88,
    totalScore: 100,
    completedAt: AT,
    progressPercent: 50,
  });

  it('says there is nothing yet for an empty list', () => {
    expect(markdownTexts(variants['progress: empty']).join()).toContain('Nothing yet');
  });

  it('shows states in words, scores and completion times', () => {
    const text = markdownTexts(variants['progress: mixed sources and states']).join('\n');
    for (const words of [
      'Passed',
      'In progress 45%',
      'Enrolled',
      'Completed',
      'Awaiting grading',
      'Not passed',
      'Unenrolled',
      'Removed',
      'Unknown',
    ]) {
      expect(text).toContain(words);
    }
    expect(text).toContain('provisional 30 / 100');
    expect(text).toContain('92 / 100');
  });

  it('lists at most 40 items and counts the rest', () => {
    const card = progressCard({
      items: Array.from({ length: 500 }, (_, i) => item(i, `课程 ${i} ${'长名称'.repeat(30)}`)),
      timeZone: TZ,
    });
    const text = markdownTexts(card).join('\n');
    expect(text.match(/^- /gm)).toHaveLength(80); // 40 lines in each language
    expect(text).toContain('and 460 more');
    expect(text).toContain('还有 460 项未显示');
    expect(cardBytes(card)).toBeLessThan(MAX_CARD_BYTES * 0.9);
    assertCardSize(card);
  });

  it('stays under 30 KB with 500 long names full of markdown characters', () => {
    const names = Array.from({ length: 500 }, (_, i) => `${i} ${'<*[]()#`|_~\\&>'.repeat(40)}`);
    const card = progressCard({ items: names.map((n, i) => item(i, n)), timeZone: TZ });
    expect(() => assertCardSize(card)).not.toThrow();
    expect(cardBytes(card)).toBeLessThan(MAX_CARD_BYTES);
    const text = markdownTexts(card).join('\n');
    const shown = text.match(/^- /gm)!.length / 2;
    expect(shown).toBeGreaterThan(0);
    expect(text).toContain(`and ${500 - shown} more`);
  });
});

describe('reply and toast', () => {
  it('builds the callback toast', () => {
    expect(toast('success', t('已认领', 'Claimed'))).toEqual({
      type: 'success',
      content: '已认领',
      i18n: { zh_cn: '已认领', en_us: 'Claimed' },
    });
  });

  it('uses the given template', () => {
    expect((variants.reply!.header as Json).template).toBe('green');
    expect((variants['reply (default template)']!.header as Json).template).toBe('blue');
  });
});

describe('escapeMd', () => {
  it('neutralises hostile markdown', () => {
    expect(escapeMd(HOSTILE)).toBe(
      '&#42;&#42;x&#42;&#42; &#91;a&#93;&#40;http://evil&#41; &#60;at id=all&#62;&#60;/at&#62;',
    );
  });

  it('escapes every special character and the backslash, and flattens line breaks', () => {
    const escaped = escapeMd('a*b_c~d[e]f(g)h<i>j#k`l|m\\n&o\r\n# p');
    expect(escaped.replace(/&#\d+;/g, '')).toBe('abcdefghijklmno  p');
    expect(escaped).toContain('&#92;');
    expect(escaped).not.toMatch(/\n|\r/);
    expect(escapeMd('张三 Zhang-San.')).toBe('张三 Zhang-San.');
  });

  it('is applied to every user string on every card', () => {
    const cards = [
      completionCard({ itemName: HOSTILE, itemType: 'course', outcome: 'passed', sourceLabel: HOSTILE, timeZone: TZ }),
      examResultCard({ examName: HOSTILE, score: 1, outcome: 'failed', sourceLabel: FEISHU, timeZone: TZ }),
      enrolledCard({ itemName: HOSTILE, itemType: 'course', enrolledBy: 'admin', sourceLabel: FEISHU, timeZone: TZ }),
      unenrolledCard({ itemName: HOSTILE, itemType: 'course', by: 'self', sourceLabel: FEISHU, timeZone: TZ }),
      checkinCard({ taskName: HOSTILE, days: 2, rightRatio: HOSTILE, sourceLabel: FEISHU, timeZone: TZ }),
      managerNoticeCard({
        learnerName: HOSTILE,
        itemName: HOSTILE,
        itemType: 'exam',
        outcome: 'passed',
        sourceLabel: FEISHU,
        timeZone: TZ,
      }),
      ticketCard({
        ticketId: HOSTILE,
        helpdeskId: HOSTILE,
        guestName: HOSTILE,
        claimedBy: { openId: 'ou_a', name: HOSTILE },
        timeZone: TZ,
      }),
      progressCard({
        items: [{ sourceLabel: HOSTILE, itemName: HOSTILE, itemType: HOSTILE, state: 'passed' }],
        timeZone: TZ,
      }),
    ];
    for (const card of cards) {
      const text = markdownTexts(card).join('\n');
      expect(text).toContain('&#42;&#42;x&#42;&#42;');
      expect(text).not.toContain('**x**');
      expect(text).not.toContain('](http://evil)');
      expect(text).not.toContain('<at id=all>');
    }
  });
});

describe('formatTime', () => {
  it('gives local time with the UTC offset', () => {
    expect(formatTime(AT, 'Asia/Shanghai', 'en')).toBe('2024-11-08 11:49 (UTC+8)');
    expect(formatTime(AT, 'Asia/Shanghai', 'zh')).toBe('2024-11-08 11:49（UTC+8）');
    expect(formatTime(AT, 'UTC', 'en')).toBe('2024-11-08 03:49 (UTC)');
    expect(formatTime(AT, 'America/New_York', 'en')).toBe('2024-11-07 22:49 (UTC-5)');
    expect(formatTime(new Date('2024-07-01T12:00:00Z'), 'America/New_York', 'en')).toBe('2024-07-01 08:00 (UTC-4)');
    expect(formatTime(new Date('2024-11-07T16:00:00Z'), 'Asia/Shanghai', 'en')).toBe('2024-11-08 00:00 (UTC+8)');
    expect(formatTime(AT, 'Asia/Kolkata', 'en')).toBe('2024-11-08 09:19 (UTC+5:30)');
  });

  it('falls back to UTC for an unknown zone and says so for an invalid date', () => {
    expect(formatTime(AT, 'Mars/Olympus', 'en')).toBe('2024-11-08 03:49 (UTC)');
    expect(formatTime(new Date(Number.NaN), TZ, 'en')).toBe('-');
  });
});

describe('formatDuration', () => {
  it.each([
    [3720, '1小时2分', '1 h 2 min'],
    [7200, '2小时', '2 h'],
    [330, '5分30秒', '5 min 30 s'],
    [60, '1分', '1 min'],
    [6, '6秒', '6 s'],
    [0, '0秒', '0 s'],
    [-5, '0秒', '0 s'],
  ])('%s seconds', (seconds, zh, en) => {
    expect(formatDuration(seconds, 'zh')).toBe(zh);
    expect(formatDuration(seconds, 'en')).toBe(en);
  });
});

describe('localize', () => {
  const source = variants['ticket: claimed']!;

  it.each(['en', 'zh'] as const)('keeps only the %s text and removes every i18n_content and the locales', (lang) => {
    const before = JSON.stringify(source);
    const card = localize(source, lang);
    expect(JSON.stringify(source)).toBe(before); // the input is untouched
    expect(JSON.stringify(card)).not.toContain('i18n_content');
    expect(objects(card).some((o) => 'i18n_content' in o)).toBe(false);
    expect((card.config as Json).locales).toBeUndefined();
    expect((card.config as Json).update_multi).toBe(true);
    const title = ((card.header as Json).title as Json).content;
    expect(title).toBe(lang === 'en' ? 'Ticket claimed' : '工单已认领');
    expect(((card.config as Json).summary as Json).content).toBe(
      lang === 'en' ? 'Ticket claimed: 王五' : '工单已认领：王五',
    );
    expect(card).toMatchSnapshot();
  });

  it('localizes every variant to English without any Chinese-only text left', () => {
    for (const card of Object.values(variants)) {
      const en = localize(card, 'en');
      expect(JSON.stringify(en)).not.toContain('i18n_content');
      expect(JSON.stringify(en)).not.toContain('zh_cn');
      expect(((en.header as Json).title as Json).content as string).toMatch(/^[\x20-\x7e]+$/);
    }
  });
});

describe('an item known only by its id (Feishu eLearning before `course name`)', () => {
  const unnamed = { itemName: null, itemId: '5fd087e96dbe3a73394188ae', place: t('飞书学习', 'Feishu eLearning') };
  const texts = (card: unknown) => {
    const zh = JSON.stringify(localize(card, 'zh'));
    const en = JSON.stringify(localize(card, 'en'));
    return { zh, en };
  };

  it('says "a course in Feishu eLearning", never the id as the name, and shows the id small', () => {
    const cards = [
      completionCard({ ...unnamed, itemType: 'course', outcome: 'passed', sourceLabel: FEISHU, timeZone: TZ }),
      enrolledCard({ ...unnamed, itemType: 'course', enrolledBy: 'admin', sourceLabel: FEISHU, timeZone: TZ }),
      unenrolledCard({ ...unnamed, itemType: 'course', by: 'admin', sourceLabel: FEISHU, timeZone: TZ }),
      managerNoticeCard({
        ...unnamed,
        learnerName: '李雷',
        itemType: 'course',
        outcome: 'passed',
        sourceLabel: FEISHU,
        timeZone: TZ,
      }),
    ];
    for (const card of cards) {
      const { zh, en } = texts(card);
      expect(zh).toContain('飞书学习中的一门课程');
      expect(en).toContain('a course in Feishu eLearning');
      expect(zh).not.toContain('**5fd087e96dbe3a73394188ae**');
      expect(en).not.toContain('**5fd087e96dbe3a73394188ae**');
      const idNote = objects(localize(card, 'en')).find((o) => o.element_id === 'item_id');
      expect(idNote).toMatchObject({ text_size: 'notation' });
      expect(JSON.stringify(idNote)).toContain('Course id: 5fd087e96dbe3a73394188ae');
    }
    const summary = (localize(cards[0], 'en') as { header?: unknown; config?: { summary?: { content?: string } } })
      .config?.summary?.content;
    expect(summary).toBe('Course passed: a course in Feishu eLearning');
  });

  it('shows the name and no id once a name is known', () => {
    const card = completionCard({
      ...unnamed,
      itemName: '信息安全基础',
      itemType: 'course',
      outcome: 'passed',
      sourceLabel: FEISHU,
      timeZone: TZ,
    });
    const { zh, en } = texts(card);
    expect(zh).toContain('恭喜你通过了课程 **信息安全基础**');
    expect(en).toContain('you passed the course **信息安全基础**');
    expect(zh).not.toContain('5fd087e96dbe3a73394188ae');
  });

  it('lists it in progress as a course in Feishu eLearning with its id', () => {
    const card = progressCard({
      items: [{ sourceLabel: FEISHU, itemType: 'course', state: 'in_progress', progressPercent: 50, ...unnamed }],
      timeZone: TZ,
    });
    const { zh, en } = texts(card);
    expect(zh).toContain('飞书学习中的一门课程（课程 ID 5fd087e96dbe3a73394188ae）');
    expect(en).toContain('A course in Feishu eLearning (course id 5fd087e96dbe3a73394188ae)');
  });
});
