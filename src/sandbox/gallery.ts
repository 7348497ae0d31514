/**
 * Every kind of card the bot builds, from fixed inputs, for the card gallery: whoever changes a card builder sees
 * the result in both languages without sending anything.
 */
import { helpCard } from '../../cards/help.js';
import { checkinCard, completionCard, enrolledCard, examResultCard, unenrolledCard } from '../../cards/learning.js';
import { managerNoticeCard } from '../../cards/manager.js';
import { onboardingCard } from '../../cards/onboarding.js';
import { progressCard } from '../../cards/progress.js';
import { reminderCard } from '../../cards/reminder.js';
import { asNudge, escalationCard, teamDigestCard } from '../../cards/team.js';
import { replyCard } from '../../cards/reply.js';
import { seatsCard } from '../../cards/seats.js';
import { ticketCard } from '../../cards/ticket.js';
import { t } from '../../cards/kit.js';
import { coursesFormCard } from '../../cards/courses-form.js';
import { peopleFormCard, type PeopleFormInput } from '../../cards/people-form.js';
import { settingsFormCard, type SettingsFormInput } from '../../cards/settings-form.js';
import { KIND_NAMES, NOTIFICATION_KINDS, ROUTE_KINDS } from '../domain/notifications.js';
import { helpCardInput } from '../commands/catalog.js';
import { SOURCE_CARD_NAMES, SOURCE_LABELS, SOURCE_NAMES } from '../domain/sources.js';

interface GalleryCard {
  name: string;
  builder: string;
  card: Record<string, unknown>;
}

const timeZone = 'Asia/Shanghai';
const at = new Date('2026-03-02T09:30:00Z');
/** What a guest filled in when opening a ticket, as the seeds' ticket events carry it. */
const ticketFields = [{ name: '问题', value: 'VPN 连不上 / VPN does not connect' }];

export function galleryCards(): GalleryCard[] {
  const course = { itemName: '信息安全基础 Security basics', itemType: 'course' as const, timeZone };
  // Feishu eLearning events carry only the course id: until an admin sends `course name`, this is what people see.
  const elearning = {
    itemName: null,
    itemId: '5fd087e96dbe3a73394188ae',
    place: SOURCE_NAMES.feishu,
    itemType: 'course' as const,
    timeZone,
  };
  return [
    { name: 'Onboarding', builder: 'onboardingCard', card: onboardingCard({ isAdmin: false }) },
    { name: 'Onboarding (admin)', builder: 'onboardingCard', card: onboardingCard({ isAdmin: true }) },
    { name: 'Help', builder: 'helpCard', card: helpCard(helpCardInput(false)) },
    { name: 'Help (admin)', builder: 'helpCard', card: helpCard(helpCardInput(true)) },
    {
      name: 'Course passed (Feishu eLearning, not named yet)',
      builder: 'completionCard',
      card: completionCard({
        ...elearning,
        outcome: 'passed',
        completedAt: at,
        durationSeconds: 2130,
        sourceLabel: SOURCE_CARD_NAMES.feishu,
      }),
    },
    {
      name: 'Course passed (after course name)',
      builder: 'completionCard',
      card: completionCard({
        ...course,
        outcome: 'passed',
        completedAt: at,
        score: 92,
        totalScore: 100,
        durationSeconds: 2130,
        sourceLabel: SOURCE_CARD_NAMES.feishu,
      }),
    },
    {
      name: 'Learning path completed',
      builder: 'completionCard',
      card: completionCard({
        itemName: '新经理之路 New manager path',
        itemType: 'learningProgram',
        outcome: 'completed',
        completedAt: at,
        sourceLabel: SOURCE_CARD_NAMES.alm,
        timeZone,
      }),
    },
    {
      name: 'Certification not passed',
      builder: 'completionCard',
      card: completionCard({
        itemName: '数据合规认证 Data compliance',
        itemType: 'certification',
        outcome: 'failed',
        sourceLabel: SOURCE_CARD_NAMES.alm,
        timeZone,
      }),
    },
    {
      name: 'Exam passed',
      builder: 'examResultCard',
      card: examResultCard({
        examName: '信息安全考试 Security exam',
        score: 86,
        totalScore: 100,
        passScore: 60,
        outcome: 'passed',
        durationSeconds: 900,
        finishedAt: at,
        sourceLabel: SOURCE_CARD_NAMES.qingsuyun,
        timeZone,
      }),
    },
    {
      name: 'Exam awaiting grading',
      builder: 'examResultCard',
      card: examResultCard({
        examName: '写作测验 Writing quiz',
        score: 40,
        totalScore: 100,
        passScore: 60,
        outcome: 'awaiting_grading',
        sourceLabel: SOURCE_CARD_NAMES.qingsuyun,
        timeZone,
      }),
    },
    {
      name: 'Enrolled by an admin',
      builder: 'enrolledCard',
      card: enrolledCard({ ...course, enrolledBy: 'admin', enrolledAt: at, sourceLabel: SOURCE_CARD_NAMES.alm }),
    },
    {
      name: 'Unenrolled',
      builder: 'unenrolledCard',
      card: unenrolledCard({ ...course, by: 'self', sourceLabel: SOURCE_CARD_NAMES.alm }),
    },
    {
      name: 'Check-in',
      builder: 'checkinCard',
      card: checkinCard({
        taskName: '每日一练 Daily practice',
        days: 3,
        rightRatio: '90.00%',
        finishedAt: at,
        sourceLabel: SOURCE_CARD_NAMES.qingsuyun,
        timeZone,
      }),
    },
    {
      name: 'Manager notice with congratulations',
      builder: 'managerNoticeCard',
      card: managerNoticeCard({
        learnerName: '李雷',
        ...elearning,
        outcome: 'passed',
        score: 92,
        totalScore: 100,
        completedAt: at,
        sourceLabel: SOURCE_CARD_NAMES.feishu,
        congratulate: { recordId: 'rec-1', learnerOpenId: 'ou_demo_lilei' },
      }),
    },
    {
      name: 'Manager notice, congratulations sent',
      builder: 'managerNoticeCard',
      card: managerNoticeCard({
        learnerName: '李雷',
        ...course,
        outcome: 'passed',
        completedAt: at,
        sourceLabel: SOURCE_CARD_NAMES.feishu,
        congratulate: { recordId: 'rec-1', learnerOpenId: 'ou_demo_lilei', sentAt: at },
      }),
    },
    {
      name: 'Reminder: stalled assigned course',
      builder: 'reminderCard',
      card: reminderCard({
        recordId: '00000000-0000-4000-8000-000000000001',
        name: null,
        id: '6a1c2e4f8b0d4e6f8a1c2e4f',
        place: SOURCE_NAMES.feishu,
        itemType: 'course',
        reason: 'stalled',
        idleDays: 7,
        progress: { done: 1, total: 4 },
        sourceLabel: SOURCE_CARD_NAMES.feishu,
      }),
    },
    {
      name: 'Reminder: due date',
      builder: 'reminderCard',
      card: reminderCard({
        recordId: '00000000-0000-4000-8000-000000000002',
        name: '数据安全必修课 Data security essentials',
        itemType: 'course',
        reason: 'due',
        progress: { percent: 40 },
        dueOn: '2026-03-05',
        daysLeft: 3,
        url: 'https://learningmanager.adobe.com/',
        sourceLabel: SOURCE_CARD_NAMES.alm,
      }),
    },
    {
      name: 'Reminder after "Remind me tomorrow"',
      builder: 'reminderCard',
      card: reminderCard({
        recordId: '00000000-0000-4000-8000-000000000002',
        name: '数据安全必修课 Data security essentials',
        itemType: 'course',
        reason: 'due',
        dueOn: '2026-03-05',
        daysLeft: 3,
        sourceLabel: SOURCE_CARD_NAMES.alm,
        done: { type: 'snoozed', until: '2026-03-03' },
      }),
    },
    {
      name: 'Weekly team digest, one person nudged',
      builder: 'teamDigestCard',
      card: teamDigestCard({
        digestId: '00000000-0000-4000-8000-000000000010',
        from: '2026-11-30',
        to: '2026-12-06',
        totals: { completed: 1, inProgress: 1, overdue: 1, stalled: 1 },
        more: 0,
        nudged: ['ou_demo_lilei'],
        people: [
          {
            openId: 'ou_demo_lilei',
            name: '李雷',
            nudge: true,
            items: [
              { name: '数据安全必修课 Data security essentials', itemType: 'course', status: 'overdue', days: 6 },
              {
                name: 'Leadership basics',
                place: SOURCE_NAMES.alm,
                itemType: 'course',
                status: 'in_progress',
                percent: 40,
              },
            ],
          },
          {
            openId: 'ou_demo_hanmeimei',
            name: '韩梅梅',
            nudge: true,
            items: [
              {
                name: null,
                id: '6a1c2e4f8b0d4e6f8a1c2e4f',
                place: SOURCE_NAMES.feishu,
                itemType: 'course',
                status: 'stalled',
                days: 12,
              },
            ],
          },
          {
            openId: 'ou_demo_lucy',
            name: 'Lucy',
            nudge: false,
            items: [
              { name: '安全考试 Safety exam', place: SOURCE_NAMES.qingsuyun, itemType: 'exam', status: 'passed' },
            ],
          },
        ],
      }),
    },
    {
      name: 'Nudge from a manager (the reminder card)',
      builder: 'asNudge',
      card: asNudge(
        reminderCard({
          recordId: '00000000-0000-4000-8000-000000000002',
          name: '数据安全必修课 Data security essentials',
          itemType: 'course',
          reason: 'due',
          progress: { percent: 40 },
          dueOn: '2026-12-01',
          daysLeft: -6,
          sourceLabel: SOURCE_LABELS.alm,
        }),
        '王芳',
      ),
    },
    {
      name: 'Overdue escalation to the manager',
      builder: 'escalationCard',
      card: escalationCard({
        name: '数据安全必修课 Data security essentials',
        itemType: 'course',
        learnerName: '李雷',
        level: 1,
        dueOn: '2026-12-01',
        daysOverdue: 3,
        sourceLabel: SOURCE_LABELS.alm,
      }),
    },
    {
      name: "Overdue escalation to the manager's manager",
      builder: 'escalationCard',
      card: escalationCard({
        name: '数据安全必修课 Data security essentials',
        itemType: 'course',
        learnerName: '李雷',
        level: 2,
        managerName: '王芳',
        dueOn: '2026-12-01',
        daysOverdue: 10,
        sourceLabel: SOURCE_LABELS.alm,
      }),
    },
    {
      name: 'Progress',
      builder: 'progressCard',
      card: progressCard({
        timeZone,
        items: [
          {
            sourceLabel: SOURCE_LABELS.feishu,
            itemName: null,
            itemId: '5fd087e96dbe3a73394188ae',
            place: SOURCE_NAMES.feishu,
            itemType: 'course',
            state: 'passed',
            score: 92,
            totalScore: 100,
            completedAt: at,
          },
          {
            sourceLabel: SOURCE_LABELS.alm,
            itemName: '高效会议 Effective meetings',
            itemType: 'course',
            state: 'in_progress',
            progressPercent: 40,
          },
          {
            sourceLabel: SOURCE_LABELS.qingsuyun,
            itemName: '写作测验 Writing quiz',
            itemType: 'exam',
            state: 'awaiting_grading',
          },
        ],
      }),
    },
    {
      name: 'Seats full',
      builder: 'seatsCard',
      card: seatsCard({
        sourceLabel: SOURCE_CARD_NAMES.alm,
        change: 'full',
        courseName: '高效会议 Effective meetings',
        instanceId: 'course:12324298_14453691',
        seatLimit: 30,
        enrolled: 30,
        waitlist: 4,
      }),
    },
    {
      name: 'Seats freed',
      builder: 'seatsCard',
      card: seatsCard({
        sourceLabel: SOURCE_CARD_NAMES.alm,
        change: 'freed',
        courseName: '高效会议 Effective meetings',
        instanceId: 'course:12324298_14453691',
        seatLimit: 30,
        enrolled: 27,
        waitlist: null,
      }),
    },
    {
      name: 'Ticket, new',
      builder: 'ticketCard',
      card: ticketCard({
        ticketId: '6626871355780366331',
        helpdeskId: '6626871355780366330',
        fields: ticketFields,
        guestName: '韩梅梅',
        stage: 1,
        status: 1,
        channel: 0,
        createdAt: at,
        timeZone,
      }),
    },
    {
      name: 'Ticket, in progress (after helpdesk.ticket.updated_v1)',
      builder: 'ticketCard',
      card: ticketCard({
        ticketId: '6626871355780366331',
        helpdeskId: '6626871355780366330',
        fields: ticketFields,
        guestName: '韩梅梅',
        stage: 2,
        status: 2,
        channel: 2,
        createdAt: at,
        updatedAt: new Date(at.getTime() + 60_000),
        timeZone,
      }),
    },
    {
      name: 'Ticket, claimed',
      builder: 'ticketCard',
      card: ticketCard({
        ticketId: '6626871355780366331',
        fields: ticketFields,
        guestName: '韩梅梅',
        stage: 1,
        status: 2,
        channel: 0,
        createdAt: at,
        claimedBy: { name: '赵敏', openId: 'ou_demo_zhaomin' },
        claimedAt: at,
        timeZone,
      }),
    },
    {
      name: 'Command reply',
      builder: 'replyCard',
      card: replyCard({
        title: t('设置已保存', 'Settings saved'),
        body: t('以后的卡片将使用 **English**。', 'Cards will now be in **English**.'),
        template: 'green',
      }),
    },
    { name: 'Settings form (admin)', builder: 'settingsFormCard', card: settingsFormCard(settingsFormExample) },
    {
      name: 'Settings form, after a submit',
      builder: 'settingsFormCard',
      card: settingsFormCard({ ...settingsFormExample, outcome: t('已保存 2 项更改。', 'Saved 2 changes.') }),
    },
    { name: 'Routes and people form (admin)', builder: 'peopleFormCard', card: peopleFormCard(peopleFormExample) },
    {
      name: 'Courses form (admin)',
      builder: 'coursesFormCard',
      card: coursesFormCard({
        courses: [
          { courseId: '5fd087e96dbe3a73394188ae', name: null, dueOn: null, learners: 12 },
          {
            courseId: '7a21c0d9e4b5f61238a9c0de',
            name: '信息安全基础 Security basics',
            dueOn: '2026-03-31',
            learners: 40,
          },
        ],
        more: 3,
      }),
    },
    {
      name: 'Courses form, nothing to list',
      builder: 'coursesFormCard',
      card: coursesFormCard({ courses: [], more: 0 }),
    },
  ];
}

/** A tenant's settings as the settings form shows them. */
const settingsFormExample: SettingsFormInput = {
  notify: NOTIFICATION_KINDS.map((kind) => ({
    kind,
    name: t(KIND_NAMES[kind].zh, KIND_NAMES[kind].en),
    on: kind !== 'seats',
  })),
  reminders: { stalledDays: 7, repeatDays: 7, maxStalled: 3, selfEnrolled: false, dueDays: [7, 3, 1, -1], dailyCap: 2 },
  digest: { day: 1, time: '09:30' },
  escalation: { managerDays: 3, skipLevelDays: 10 },
  hours: { start: '09:00', end: '18:00', weekdays: [1, 2, 3, 4, 5], zone: timeZone },
  calendar: {
    days: [
      { date: '2026-04-30', kind: 'holiday' },
      { date: '2026-05-09', kind: 'workday' },
    ],
    more: 0,
  },
  desks: [
    {
      chatId: 'oc_demo_helpdesk',
      name: 'IT 服务台 IT helpdesk',
      remindAfter: 15,
      leadAfter: 60,
      clock: 'working',
      urgent: false,
      summary: true,
    },
  ],
  moreDesks: 0,
  lang: null,
  info: t('**管理员**\n共 2 位管理员。', '**Admins**\n2 admins.'),
};

const peopleFormExample: PeopleFormInput = {
  chats: [
    { chatId: 'oc_demo_helpdesk', name: 'IT 服务台 IT helpdesk' },
    { chatId: 'oc_demo_team', name: '学习动态 Learning feed' },
  ],
  routes: ROUTE_KINDS.map((kind) => ({
    kind,
    name: t(KIND_NAMES[kind].zh, KIND_NAMES[kind].en),
    chatIds: kind === 'tickets' ? ['oc_demo_helpdesk'] : kind === 'completions' ? ['oc_demo_team'] : [],
  })),
  desks: [
    {
      chatId: 'oc_demo_helpdesk',
      name: 'IT 服务台 IT helpdesk',
      duty: ['ou_demo_zhaomin'],
      leads: ['ou_demo_wangfang'],
      rota: [{ day: 5, people: ['ou_demo_hanmeimei'] }],
    },
  ],
  moreDesks: 0,
  people: ['ou_demo_zhangwei', 'ou_demo_lilei'],
};
