/**
 * Deliveries that failed for good are reported (never a report of a report): to the chats routed for `failures`,
 * or, when no chat is, to every admin directly (ADMIN_OPEN_IDS and admins added by command). The report names the
 * person (or chat) the message was for, the kind of message, the reason and what to do about it, in both
 * languages (each admin gets their own language through the outbox policy).
 *
 * Admins are not flooded: when one cause fails many deliveries (a missing scope fails every send), each admin gets
 * at most `ADMIN_ALERTS_PER_HOUR` reports per clock hour; the last one says that further failures in that hour are
 * not reported one by one. The cap is kept in the outbox itself (numbered dedupe keys), so several instances share
 * it. A routed chat asked for every report and gets every one.
 */
import { card as cardOf, markdown, note, t, userText, type I18nText } from '../../cards/kit.js';
import type { Db } from '../db/index.js';
import type { Tx } from '../db/tx.js';
import type { NotificationDraft } from '../domain/draft.js';
import { dedupeKey } from '../domain/keys.js';
import type { AnyNotificationKind } from '../domain/notifications.js';
import type { FailedForGood } from './dispatcher.js';
import { adminOpenIds } from '../recipients/admins.js';
import { routedChats } from '../recipients/routes.js';
import { enqueueDrafts } from './enqueue.js';

/** At most this many failure reports per admin per clock hour when no chat is routed for failures. */
export const ADMIN_ALERTS_PER_HOUR = 3;

/** What kind of message failed, as the report names it. */
const KIND_LABELS: Readonly<Record<AnyNotificationKind, I18nText>> = {
  completions: t('完成通知', 'completion notice'),
  exams: t('考试结果', 'exam result'),
  enrollments: t('报名通知', 'enrolment notice'),
  checkins: t('打卡通知', 'check-in notice'),
  reminders: t('学习提醒', 'learning reminder'),
  digest: t('团队周报', 'team digest'),
  escalations: t('逾期升级通知', 'overdue escalation'),
  tickets: t('工单卡片', 'ticket card'),
  seats: t('名额提醒', 'seat alert'),
  failures: t('失败报告', 'failure report'),
  onboarding: t('欢迎消息', 'welcome message'),
  reply: t('命令回复', 'command reply'),
  congratulations: t('祝贺消息', 'congratulations'),
};

const RETRY = t(
  '修复后向机器人发送 **retry**（重试），失败的消息会重新发送。',
  'Then send **retry** to the bot to send the failed messages again.',
);

/** What an admin can do about a Feishu error code, when the code says. */
const ADVICE: Readonly<Record<number, I18nText>> = {
  230013: t(
    '此人不在应用的可用范围内：请在飞书管理后台把此人加入应用的可用范围。',
    "This person is outside the app's availability: add them to it in the Feishu admin console.",
  ),
  230053: t(
    '此人屏蔽了机器人：请此人在与机器人的会话中解除屏蔽。',
    'This person blocked the bot: ask them to unblock it in their chat with the bot.',
  ),
  230002: t(
    '机器人不在该群中：把机器人加回群里，或在该群用 route 命令关闭这类通知。',
    'The bot is not in that chat: add it back, or turn the route off there with the route command.',
  ),
  230034: t(
    '接收者 ID 无效：检查此人的绑定（bindings）或经理设置。',
    "The recipient id is not valid: check this person's binding (bindings) or manager setting.",
  ),
  230027: t(
    '应用没有发送权限：在开发者后台检查机器人能力和权限（doctor 会列出缺少的权限）。',
    'The app may not send there: check the bot ability and scopes in the developer console (doctor lists them).',
  ),
  99991672: t(
    '应用缺少所需权限：在开发者后台开通权限并发布新版本（doctor 会列出缺少的权限）。',
    'The app lacks a scope: grant it in the developer console and publish a version (doctor lists what is missing).',
  ),
};
const SAME_AS: Readonly<Record<number, number>> = { 99991676: 99991672, 99991679: 99991672, 230006: 230027 };
const GENERIC = t('请根据原因排除问题。', 'Fix the cause given above.');

export function adviceFor(reason: string): I18nText {
  const code = Number(/\bcode (\d+)/.exec(reason)?.[1]);
  const advice = ADVICE[SAME_AS[code] ?? code] ?? GENERIC;
  return t(`${advice.zh}${RETRY.zh}`, `${advice.en} ${RETRY.en}`);
}

/** Who the failed message was for, as people read it: the person's name, or the chat. */
async function recipientOf(tx: Tx, id: string): Promise<{ who: I18nText; id: string } | null> {
  const row = await tx.notification.findUnique({ where: { id }, select: { receiveIdType: true, receiveId: true } });
  if (!row) return null;
  const idText = userText(row.receiveId, 80);
  if (row.receiveIdType === 'chat_id') return { who: t(`群聊 ${idText}`, `the chat ${idText}`), id: idText };
  const user =
    row.receiveIdType === 'open_id' ? await tx.feishuUser.findUnique({ where: { openId: row.receiveId } }) : null;
  const name = user?.name?.trim() ? userText(user.name, 60) : null;
  return {
    who: name ? t(`**${name}**`, `**${name}**`) : t('一位未在通讯录中找到的用户', 'someone not found in the directory'),
    id: idText,
  };
}

export function failureCard(input: {
  kind: string;
  reason: string;
  who: I18nText | null;
  recipientId: string | null;
  last?: boolean;
}): Record<string, unknown> {
  const kind = KIND_LABELS[input.kind as AnyNotificationKind] ?? t(userText(input.kind, 40), userText(input.kind, 40));
  const reason = userText(input.reason, 300);
  const advice = adviceFor(input.reason);
  const to = input.who;
  const elements: Record<string, unknown>[] = [
    markdown(
      t(
        `${to ? `发给 ${to.zh} 的` : '一条'}${kind.zh}发送失败，不会再自动重试。\n` +
          `**原因**：${reason}\n**怎么办**：${advice.zh}`,
        `A ${kind.en}${to ? ` to ${to.en}` : ''} failed for good and will not be retried on its own.\n` +
          `**Reason**: ${reason}\n**What to do**: ${advice.en}`,
      ),
      'body',
    ),
  ];
  if (input.last)
    elements.push(
      markdown(
        t(
          `本小时内后续的发送失败不再逐条通知你（每位管理员每小时最多 ${ADMIN_ALERTS_PER_HOUR} 条）。` +
            '发送 **status** 查看失败总数，或在群里发送 **route failures here** 让该群接收每一条失败报告。',
          `Further failures this hour are not reported to you one by one (at most ${ADMIN_ALERTS_PER_HOUR} ` +
            'reports per admin per hour). Send **status** for the count of failures, or **route failures here** ' +
            'in a group to have every report there.',
        ),
        'cap',
      ),
    );
  if (input.recipientId) {
    const id = input.recipientId;
    elements.push(note(t(`接收者 ID：${id}`, `Recipient id: ${id}`), 'ids'));
  }
  const title = t('消息发送失败', 'Delivery failed');
  return cardOf({ title, template: 'red', summary: title, elements });
}

const ALERT_SCOPE = 'failure-alert';
/** The clock hour `now` falls in, for the admins' report cap. */
const hourOf = (now: Date) => now.toISOString().slice(0, 13);

export function reportFailures(
  db: Db,
  config: { ADMIN_OPEN_IDS: readonly string[] },
  now: () => Date = () => new Date(),
): FailedForGood {
  return async (row) => {
    if (row.kind === 'failures') return;
    await db.$transaction(async (tx) => {
      const recipient = await recipientOf(tx, row.id);
      const base = {
        kind: row.kind,
        reason: row.reason,
        who: recipient?.who ?? null,
        recipientId: recipient?.id ?? null,
      };
      const chats = await routedChats(tx, 'failures');
      if (chats.length > 0) {
        const card = failureCard(base);
        await enqueueDrafts(
          tx,
          `failure:${row.id}`,
          null,
          chats.map((chatId) => ({
            key: chatId,
            kind: 'failures',
            role: 'chat' as const,
            receiveIdType: 'chat_id' as const,
            receiveId: chatId,
            card,
          })),
        );
        return;
      }
      // No chat asked for failures: the admins are told directly, within the hourly cap.
      const admins = await adminOpenIds(tx, config);
      const hour = hourOf(now());
      const drafts: NotificationDraft[] = [];
      for (const openId of admins) {
        const prefix = dedupeKey(ALERT_SCOPE, `${openId}:${hour}:`);
        const sent = await tx.notification.count({ where: { dedupeKey: { startsWith: prefix } } });
        if (sent >= ADMIN_ALERTS_PER_HOUR) continue;
        drafts.push({
          key: `${openId}:${hour}:${sent + 1}`,
          kind: 'failures',
          role: 'admin',
          receiveIdType: 'open_id',
          receiveId: openId,
          card: failureCard({ ...base, last: sent + 1 === ADMIN_ALERTS_PER_HOUR }),
        });
      }
      await enqueueDrafts(tx, ALERT_SCOPE, null, drafts);
    });
  };
}
