/**
 * The `settings courses` card: the courses seen without a name (Feishu eLearning events carry only ids) and the
 * courses with a due date, each with a name input, a due date picker and a "clear the due date" checker. Lists are
 * capped; the rest is counted. One submit saves the whole form. Pure.
 */
import { markdown, note, t, userText, type I18nText } from './kit.js';
import { checker, datePicker, fieldLabel, form, formCard, submitButton, textInput } from './forms.js';

export interface CourseFormRow {
  courseId: string;
  name: string | null;
  dueOn: string | null;
  learners: number;
}

export interface CoursesFormInput {
  courses: CourseFormRow[];
  /** Courses not listed (beyond the cap). */
  more: number;
  outcome?: I18nText;
}

export const COURSES_FORM = 'courses_form';
export const COURSES_SUBMIT = 'courses_submit';

export const COURSE_FIELDS = {
  name: (i: number) => `course${i}_name`,
  due: (i: number) => `course${i}_due`,
  clearDue: (i: number) => `course${i}_nodue`,
} as const;

/** At most this many courses are listed (5 elements each; a long name takes up to 600 bytes in the card). */
export const MAX_FORM_COURSES = 15;

export function coursesFormCard(input: CoursesFormInput): Record<string, unknown> {
  const elements: Record<string, unknown>[] = [];
  input.courses.forEach((c, i) => {
    const id = userText(c.courseId, 128);
    elements.push(
      markdown(
        t(
          `**${c.name ? userText(c.name, 80) : '未命名课程'}** <font color='grey'>${id} · ${c.learners} 位学员</font>`,
          `**${c.name ? userText(c.name, 80) : 'Unnamed course'}** <font color='grey'>${id} · ` +
            `${c.learners} ${c.learners === 1 ? 'learner' : 'learners'}</font>`,
        ),
      ),
      textInput({
        name: COURSE_FIELDS.name(i),
        label: t('名称', 'Name'),
        value: c.name ?? '',
        placeholder: t('课程名称', 'Course name'),
        maxLength: 200,
      }),
      fieldLabel(t('截止日期（每位学员按自己的时区）', "Due date (in each learner's zone)")),
      datePicker({ name: COURSE_FIELDS.due(i), value: c.dueOn, placeholder: t('选择日期', 'Pick a date') }),
      checker({ name: COURSE_FIELDS.clearDue(i), text: t('取消截止日期', 'No due date'), checked: false }),
    );
  });
  if (input.courses.length > 0)
    elements.push(
      submitButton(COURSES_SUBMIT, t('保存', 'Save'), {
        action: 'form',
        form: 'courses',
        courses: input.courses.map((c) => c.courseId),
      }),
    );
  const title = t('课程名称与截止日期', 'Course names and due dates');
  const more =
    input.more > 0
      ? [
          note(
            t(
              `另有 ${input.more} 门课程未列出：保存这些后再次发送「设置 课程」，或用「课程名称」「截止」命令。`,
              `${input.more} more courses are not listed: save these and send "settings courses" again, ` +
                'or use "course name" and "due".',
            ),
            'more',
          ),
        ]
      : [];
  return formCard(title, input.outcome, [
    ...(input.courses.length > 0
      ? [form(COURSES_FORM, elements)]
      : [
          markdown(
            t('没有未命名或设有截止日期的课程。', 'No course is without a name, and none has a due date.'),
            'empty',
          ),
        ]),
    ...more,
  ]);
}
