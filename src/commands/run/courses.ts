/** `course name <course id> <name>` and `due <course id> <YYYY-MM-DD|off>`: what admins say about a course. */
import { t, userText } from '../../../cards/kit.js';
import { setCourseName } from '../../learning/courses.js';
import { changeCourseDue } from '../../team/course-due.js';
import type { CommandContext } from '../context.js';
import type { ParsedCommand } from '../parse.js';
import { audited } from './common.js';
import { receiptCard, type Card } from './replies.js';

export async function runCourse(
  ctx: CommandContext,
  command: Extract<ParsedCommand, { name: 'course' }>,
): Promise<Card> {
  const { courseId, courseName } = command;
  const id = userText(courseId, 128);
  const name = userText(courseName, 200);
  const { card } = await audited(ctx, 'course', async (tx) => {
    const { previous, records } = await setCourseName(tx, courseId, courseName, ctx.actor.openId);
    const was = previous && previous !== courseName ? userText(previous, 200) : null;
    const body = t(
      `课程 ${id} 的名称已设为 **${name}**${was ? `（之前是「${was}」）` : ''}。` +
        `之后的卡片都会显示这个名称；已有 ${records} 条学习记录使用它。`,
      `The course ${id} is now called **${name}**${was ? ` (was "${was}")` : ''}. ` +
        `Cards show this name from now on; ${records} learning ${records === 1 ? 'record uses' : 'records use'} it.`,
    );
    return {
      card: receiptCard(t('课程名称已设置', 'Course named'), body),
      detail: { courseId, name: courseName, previous, records },
    };
  });
  return card;
}

export async function runDue(ctx: CommandContext, command: Extract<ParsedCommand, { name: 'due' }>): Promise<Card> {
  const { courseId, dueOn } = command;
  const id = userText(courseId, 128);
  const { card } = await audited(ctx, 'due', async (tx, now) => {
    const { previous, records } = await changeCourseDue(tx, courseId, dueOn, ctx.actor.openId, now);
    const learners = t(
      `正在后台为 ${records} 条学习记录重新安排提醒。`,
      `Reminders for ${records} learning ${records === 1 ? 'record are' : 'records are'} re-planned in the background.`,
    );
    if (dueOn === null) {
      const body = previous
        ? t(
            `已取消课程 ${id} 的截止日期（之前是 ${previous}）。${learners.zh}`,
            `Cleared the due date of the course ${id} (was ${previous}). ${learners.en}`,
          )
        : t(`课程 ${id} 没有截止日期，没有改变。`, `The course ${id} had no due date; nothing changed.`);
      return {
        card: receiptCard(t('截止日期已取消', 'Due date cleared'), body),
        detail: { courseId, dueOn, previous },
      };
    }
    const was = previous && previous !== dueOn ? t(`（之前是 ${previous}）`, ` (was ${previous})`) : t('', '');
    const body = t(
      `课程 ${id} 的所有学员须在 **${dueOn}** 前完成${was.zh}。${learners.zh}`,
      `Every learner of the course ${id} is due to finish by **${dueOn}**${was.en}. ${learners.en}`,
    );
    return {
      card: receiptCard(t('截止日期已设置', 'Due date set'), body),
      detail: { courseId, dueOn, previous, records },
    };
  });
  return card;
}
