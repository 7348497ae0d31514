/**
 * The events the console's Events panel can fire, as each source sends them, addressed to the demo organisation.
 * Fresh event ids on every call, so firing a template twice as shown demonstrates deduplication, and reloading it
 * gives a new event.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { DEMO_HELPDESK_ID, DEMO_USERS } from './demo.js';

export type SeedTarget = 'event' | 'alm' | 'qingsuyun';

export interface Seed {
  id: string;
  group: string;
  label: string;
  target: SeedTarget;
  body: Record<string, unknown>;
}

interface SeedContext {
  appId: string;
  tenantKey: string;
  verificationToken: string;
  /** The demo ticket's id: the same for every reload, so an update finds the ticket its creation made. */
  ticketId: string;
}

const user = (userId: string) => DEMO_USERS.find((u) => u.user_id === userId)!;
const hex = (n: number) => randomBytes(n).toString('hex');
const ids = (u: ReturnType<typeof user>) => ({ open_id: u.open_id, user_id: u.user_id, union_id: `on_${u.user_id}` });

function v2(ctx: SeedContext, eventType: string, event: Record<string, unknown>, createTime = Date.now()) {
  return {
    schema: '2.0',
    header: {
      event_id: hex(16),
      event_type: eventType,
      create_time: String(createTime),
      token: ctx.verificationToken,
      app_id: ctx.appId,
      tenant_key: ctx.tenantKey,
    },
    event,
  };
}

/** Demo courses with reminders: one assigned that will stall, one with a due date (set when the sandbox starts). */
export const DEMO_STALL_COURSE = '6a1c2e4f8b0d4e6f8a1c2e4f';
export const DEMO_DUE_COURSE = '7b2d3f5a9c1e5f7a9b2d3f5a';
/** The ALM instance Li Lei is enrolled in by an admin: its completion deadline in ALM is her due date. */
export const DEMO_DUE_INSTANCE = 'course:12345678_14450088';

function registration(
  learner: ReturnType<typeof user>,
  state: number,
  learned: string[],
  course = '5fd087e96dbe3a73394188ae',
) {
  const now = Math.floor(Date.now() / 1000);
  return {
    course_id: course,
    learner: { user_id: ids(learner), email: learner.email, phone: '+8618912345678' },
    enroll_at: now - 3600,
    enroll_type: 1,
    learning_duration: state === 2 ? 2130 : 600,
    ...(state === 2 && { finished_at: now }),
    learning_state: state,
    compulsory_lesson_ids: ['9qJNKjB7U', '7qJNKjB7A'],
    learned_compulsory_lesson_ids: learned,
    optional_lesson_ids: ['8qJNKjB7U'],
    learned_optional_lesson_ids: [],
  };
}

function ticket(guest: ReturnType<typeof user>, ticketId: string, status: number, updatedAt: number) {
  return {
    ticket_id: ticketId,
    helpdesk_id: DEMO_HELPDESK_ID,
    guest: { id: ids(guest), name: guest.name },
    stage: 1,
    status,
    score: 1,
    created_at: updatedAt - 60_000,
    updated_at: updatedAt,
    closed_at: 0,
    channel: 0,
    solve: 1,
    customized_fields: [
      {
        id: '123',
        value: 'VPN 连不上 / VPN does not connect',
        key_name: 'topic',
        display_name: '问题',
        position: 1,
        required: true,
        editable: true,
      },
    ],
    chat_id: 'oc_demo_ticket_chat',
  };
}

function almEvent(name: string, at: string, data: Record<string, unknown>) {
  return { eventId: randomUUID(), eventName: name, timestamp: at, eventInfo: `${Date.now()}-sandbox`, data };
}

/** Minutes from now as an ISO timestamp (ALM's format). */
const isoAt = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString().replace(/\.\d{3}Z$/, '.000Z');

function almLearning(userId: number, loId: string, instance: string) {
  const lo = { userId, loId, loInstanceId: `${loId}_${instance}`, loType: loId.split(':')[0] };
  return {
    enrol: (at: string) =>
      almEvent('COURSE_ENROLLMENT', at, { ...lo, enrollmentSource: 'ADMIN_ENROLL', dateEnrolled: at }),
    progress: (at: string, percent: number) => almEvent('LEARNER_PROGRESS', at, { ...lo, progressPercent: percent }),
    complete: (at: string) =>
      almEvent('COURSE_COMPLETED', at, { ...lo, enrollmentSource: 'ADMIN_ENROLL', dateCompleted: at, hasPassed: true }),
  };
}

function qingsuyun(type: string, eventBody: Record<string, unknown>) {
  const ts = new Date().toISOString().replace('T', ' ').replace('Z', '');
  return { ts, uuid: hex(16), type, callbackUrl: 'http://sandbox.invalid/eventCallBack', eventBody };
}

export function seeds(ctx: SeedContext): Seed[] {
  const lilei = user('lilei');
  const han = user('hanmeimei');
  const zhang = user('zhangwei');
  const { ticketId } = ctx;
  const now = Date.now();
  const a = almLearning(lilei.alm_user_id!, 'course:12345678', '14450088');
  const b = almLearning(han.alm_user_id!, 'course:12324298', '14453691');
  const c = almLearning(zhang.alm_user_id!, 'course:12324298', '14450088');
  const start = Date.now();
  const qsyTimes = { startTime: start - 600_000, endTime: start };
  return [
    {
      id: 'first-chat-v1',
      group: 'Feishu',
      label: 'First chat (v1 p2p_chat_create): Li Lei',
      target: 'event',
      body: {
        ts: (now / 1000).toFixed(7),
        uuid: hex(16),
        token: ctx.verificationToken,
        type: 'event_callback',
        event: {
          app_id: ctx.appId,
          chat_id: `oc_${hex(16)}`,
          operator: { open_id: lilei.open_id, user_id: lilei.user_id },
          tenant_key: ctx.tenantKey,
          type: 'p2p_chat_create',
          user: { name: lilei.name, open_id: lilei.open_id, user_id: lilei.user_id },
        },
      },
    },
    {
      id: 'first-chat-v2',
      group: 'Feishu',
      label: 'First chat (v2 bot_p2p_chat_entered): Han Meimei',
      target: 'event',
      body: v2(ctx, 'im.chat.access_event.bot_p2p_chat_entered_v1', {
        chat_id: `oc_${hex(16)}`,
        operator_id: ids(han),
        last_message_id: `om_${hex(16)}`,
        last_message_create_time: String(now),
      }),
    },
    {
      id: 'elearning-created',
      group: 'Feishu eLearning',
      label: 'eLearning registration created: Li Lei',
      target: 'event',
      body: v2(ctx, 'elearning.course_registration.created_v2', registration(lilei, 0, [])),
    },
    {
      id: 'elearning-updated',
      group: 'Feishu eLearning',
      label: 'eLearning registration updated (passed): Li Lei',
      target: 'event',
      body: v2(
        ctx,
        'elearning.course_registration.updated_v2',
        registration(lilei, 2, ['9qJNKjB7U', '7qJNKjB7A']),
        now + 1000,
      ),
    },
    {
      id: 'elearning-deleted',
      group: 'Feishu eLearning',
      label: 'eLearning registration deleted: Li Lei',
      target: 'event',
      body: v2(ctx, 'elearning.course_registration.deleted_v2', registration(lilei, 1, ['9qJNKjB7U']), now + 2000),
    },
    {
      id: 'elearning-assigned-stall',
      group: 'Feishu eLearning',
      label: 'Assigned course that will stall: Han Meimei (advance the clock 7 days for a reminder)',
      target: 'event',
      body: v2(ctx, 'elearning.course_registration.created_v2', registration(han, 0, [], DEMO_STALL_COURSE)),
    },
    {
      id: 'elearning-due-date',
      group: 'Feishu eLearning',
      label: 'Course with a due date: Li Lei (due 10 days after the sandbox started; reminders 7, 3, 1 days before)',
      target: 'event',
      body: v2(ctx, 'elearning.course_registration.created_v2', registration(lilei, 1, ['9qJNKjB7U'], DEMO_DUE_COURSE)),
    },
    {
      id: 'ticket-created',
      group: 'Helpdesk',
      label: 'Helpdesk ticket created (guest Han Meimei)',
      target: 'event',
      body: v2(ctx, 'helpdesk.ticket.created_v1', ticket(han, ticketId, 1, now)),
    },
    {
      id: 'ticket-updated',
      group: 'Helpdesk',
      label: 'Helpdesk ticket updated (status processing)',
      target: 'event',
      body: v2(ctx, 'helpdesk.ticket.updated_v1', {
        object: ticket(han, ticketId, 2, now + 60_000),
        old_object: { status: 1, updated_at: now },
      }),
    },
    {
      id: 'alm-enrolment',
      group: 'Adobe Learning Manager',
      label: 'ALM: Li Lei enrolled in a course',
      target: 'alm',
      body: { accountId: 1234, events: [a.enrol(isoAt(0))] },
    },
    {
      id: 'alm-completed',
      group: 'Adobe Learning Manager',
      label: 'ALM: Li Lei completed the course',
      target: 'alm',
      body: { accountId: 1234, events: [a.complete(isoAt(1))] },
    },
    {
      id: 'alm-completion-first',
      group: 'Adobe Learning Manager',
      label: 'ALM out of order: completion delivered before the enrolment (Han Meimei)',
      target: 'alm',
      body: { accountId: 1234, events: [b.complete(isoAt(2)), b.enrol(isoAt(0))] },
    },
    {
      id: 'alm-progress-first',
      group: 'Adobe Learning Manager',
      label: 'ALM out of order: progress before the enrolment, the enrolment is ignored (Zhang Wei)',
      target: 'alm',
      body: { accountId: 1234, events: [c.progress(isoAt(1), 40), c.enrol(isoAt(0))] },
    },
    {
      id: 'alm-progress-after-completion',
      group: 'Adobe Learning Manager',
      label: 'ALM out of order: progress after the completion is ignored (Han Meimei)',
      target: 'alm',
      body: { accountId: 1234, events: [b.complete(isoAt(3)), b.progress(isoAt(2), 80)] },
    },
    {
      id: 'qsy-answer-sheet',
      group: 'Qingsuyun',
      label: 'Qingsuyun exam answer sheet (passed): Li Lei',
      target: 'qingsuyun',
      body: qingsuyun('answerSheet', {
        id: hex(16),
        paperId: '18081428190',
        paperName: '信息安全考试 Security exam',
        userId: hex(16),
        examineeCode: lilei.user_id,
        examineeName: lilei.name,
        totalScore: 100,
        passScore: 60,
        realScore: 86,
        useDuration: 900,
        judged: 1,
        ...qsyTimes,
      }),
    },
    {
      id: 'qsy-course',
      group: 'Qingsuyun',
      label: 'Qingsuyun course finished: Li Lei',
      target: 'qingsuyun',
      body: qingsuyun('courseFinish', {
        courseId: 'b3fbfab6df73439e81f741d4ef7e5cc7',
        courseName: '沟通技巧 Communication skills',
        coursewareCount: 4,
        finishedCount: 4,
        finishedTime: start,
        id: hex(16),
        nickName: lilei.name,
        studyedDuration: 1800,
        userCode: lilei.user_id,
        userId: hex(16),
      }),
    },
    {
      id: 'qsy-courseware',
      group: 'Qingsuyun',
      label: 'Qingsuyun courseware finished: Li Lei',
      target: 'qingsuyun',
      body: qingsuyun('coursewareFinish', {
        courseCatalogId: '95fe7c9f8938415ea081221321ab8f2a',
        courseId: 'b3fbfab6df73439e81f741d4ef7e5cc7',
        courseName: '沟通技巧 Communication skills',
        coursewareId: 'e5931d8dc06c43f9be46900381bcdd94',
        coursewareName: '倾听 Listening',
        finished: 1,
        finishedTime: start,
        id: hex(16),
        nickName: lilei.name,
        progress: 100,
        startTime: start - 900_000,
        studyDuration: 900,
        userCode: lilei.user_id,
        userId: hex(16),
      }),
    },
    {
      id: 'qsy-checkin',
      group: 'Qingsuyun',
      label: 'Qingsuyun check-in finished: Li Lei',
      target: 'qingsuyun',
      body: qingsuyun('clockFinish', {
        id: hex(16),
        clockId: '9999',
        clockName: '每日一练 Daily practice',
        days: 3,
        examineeCode: lilei.user_id,
        examineeName: lilei.name,
        totalAmount: 10,
        wrongAmount: 1,
        rightRatio: '90.00%',
        ...qsyTimes,
      }),
    },
  ];
}
