/**
 * The `settings courses` form: courses seen without a name, and courses with a due date, to name them and to set
 * or clear their due dates. Written by the same functions as `course name` and `due`.
 */
import { t } from '../../cards/kit.js';
import {
  COURSE_FIELDS as F,
  MAX_FORM_COURSES,
  type CourseFormRow,
  type CoursesFormInput,
} from '../../cards/courses-form.js';
import type { Db } from '../db/index.js';
import type { Tx } from '../db/tx.js';
import { changeCourseDue } from '../team/course-due.js';
import { MAX_COURSE_NAME, setCourseName, unnamedCourses } from '../learning/courses.js';
import type { FormChange, FormSubmit } from './changes.js';
import { staleCard } from './settings.js';
import { bool, calendarDate, field, FormProblem, text } from './values.js';

type Reader = Db | Tx;

/** The courses listed: unnamed ones first, then those with a due date, at most MAX_FORM_COURSES. */
export async function coursesFormInput(db: Reader): Promise<CoursesFormInput> {
  const unnamed = await unnamedCourses(db, MAX_FORM_COURSES + 1);
  const unnamedCount = (
    await db.learningRecord.groupBy({
      by: ['itemKey'],
      where: { source: 'feishu', itemType: 'course', OR: [{ itemName: null }, { itemName: '' }] },
    })
  ).length;
  const dated = await db.course.findMany({ where: { dueOn: { not: null } }, orderBy: { courseId: 'asc' } });
  const rows = await courseRows(db, [...unnamed.map((u) => u.courseId), ...dated.map((c) => c.courseId)]);
  const courses = rows.slice(0, MAX_FORM_COURSES);
  const total = new Set([...unnamed.map((u) => u.courseId), ...dated.map((c) => c.courseId)]).size;
  return { courses, more: Math.max(0, Math.max(total, unnamedCount) - courses.length) };
}

/** The listed facts of these courses (each once, in this order); a course neither seen nor set is left out. */
async function courseRows(db: Reader, ids: readonly string[]): Promise<CourseFormRow[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const set = await db.course.findMany({ where: { courseId: { in: unique } } });
  const seen = await db.learningRecord.groupBy({
    by: ['itemKey'],
    where: { itemKey: { in: unique } },
    _count: { _all: true },
  });
  return unique
    .filter((id) => set.some((c) => c.courseId === id) || seen.some((s) => s.itemKey === id))
    .map((id) => {
      const c = set.find((x) => x.courseId === id);
      return {
        courseId: id,
        name: c?.name ?? null,
        dueOn: c?.dueOn ?? null,
        learners: seen.find((s) => s.itemKey === id)?._count._all ?? 0,
      };
    });
}

export async function coursesChanges(submit: FormSubmit): Promise<FormChange[]> {
  const { tx, openId, now, form, button } = submit;
  const ids = button.courses;
  if (
    !Array.isArray(ids) ||
    ids.length > MAX_FORM_COURSES ||
    !ids.every((id): id is string => typeof id === 'string' && id.length > 0 && id.length <= 256)
  )
    throw staleCard();
  const rows = await courseRows(tx, ids);
  const gone = ids.find((id) => !rows.some((r) => r.courseId === id));
  if (gone)
    throw new FormProblem(
      t(
        `课程 ${gone} 已不存在，什么都没有保存。请重新发送「设置 课程」。`,
        `The course ${gone} no longer exists, and nothing was saved. Send "settings courses" again.`,
      ),
    );
  const changes: FormChange[] = [];
  ids.forEach((id, i) => {
    const row = rows.find((r) => r.courseId === id)!;
    const nameLabel = t(`课程 ${id} 的名称`, `The name of the course ${id}`);
    const name = field(
      form,
      F.name(i),
      nameLabel,
      text(MAX_COURSE_NAME),
      t(`最多 ${MAX_COURSE_NAME} 个字符`, `at most ${MAX_COURSE_NAME} characters`),
    );
    // An empty name leaves the course as it is: a name is set, never removed, as with `course name`.
    if (name && name !== row.name)
      changes.push({
        field: `${id} name`,
        before: row.name,
        after: name,
        write: async (tx) => {
          await setCourseName(tx, id, name, openId);
        },
      });
    const dueLabel = t(`课程 ${id} 的截止日期`, `The due date of the course ${id}`);
    const due = field(
      form,
      F.due(i),
      dueLabel,
      calendarDate,
      t('应为日期，如 2026-10-01', 'a date such as 2026-10-01'),
    );
    const clear = field(form, F.clearDue(i), dueLabel, bool, t('应为勾选或不勾选', 'checked or not'));
    const after = clear ? null : (due ?? row.dueOn);
    if (after !== row.dueOn)
      changes.push({
        field: `${id} due`,
        before: row.dueOn,
        after,
        write: async (tx) => {
          await changeCourseDue(tx, id, after, openId, now);
        },
      });
  });
  return changes;
}
