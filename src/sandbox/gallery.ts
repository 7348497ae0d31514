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
import { replyCard } from '../../cards/reply.js';
import { seatsCard } from '../../cards/seats.js';
import { ticketCard } from '../../cards/ticket.js';
import { t } from '../../cards/kit.js';
import { helpCardInput } from '../commands/catalog.js';
import { SOURCE_LABELS, SOURCE_NAMES } from '../domain/sources.js';

export interface GalleryCard {
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
        sourceLabel: SOURCE_LABELS.feishu,
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
        sourceLabel: SOURCE_LABELS.feishu,
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
        sourceLabel: SOURCE_LABELS.alm,
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
        sourceLabel: SOURCE_LABELS.alm,
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
        sourceLabel: SOURCE_LABELS.qingsuyun,
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
        sourceLabel: SOURCE_LABELS.qingsuyun,
        timeZone,
      }),
    },
    {
      name: 'Enrolled by an admin',
      builder: 'enrolledCard',
      card: enrolledCard({ ...course, enrolledBy: 'admin', enrolledAt: at, sourceLabel: SOURCE_LABELS.alm }),
    },
    {
      name: 'Unenrolled',
      builder: 'unenrolledCard',
      card: unenrolledCard({ ...course, by: 'self', sourceLabel: SOURCE_LABELS.alm }),
    },
    {
      name: 'Check-in',
      builder: 'checkinCard',
      card: checkinCard({
        taskName: '每日一练 Daily practice',
        days: 3,
        rightRatio: '90.00%',
        finishedAt: at,
        sourceLabel: SOURCE_LABELS.qingsuyun,
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
        sourceLabel: SOURCE_LABELS.feishu,
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
        sourceLabel: SOURCE_LABELS.feishu,
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
        sourceLabel: SOURCE_LABELS.feishu,
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
        sourceLabel: SOURCE_LABELS.alm,
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
        sourceLabel: SOURCE_LABELS.alm,
        done: { type: 'snoozed', until: '2026-03-03' },
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
        sourceLabel: SOURCE_LABELS.alm,
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
        sourceLabel: SOURCE_LABELS.alm,
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
  ];
}
