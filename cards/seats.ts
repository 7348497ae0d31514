import { card, fieldLines, markdown, t, userText } from './kit.js';
import { sourceNote, type SourceLabel } from './learning.js';

interface SeatsCardInput {
  change: 'full' | 'freed';
  courseName: string;
  instanceId: string;
  seatLimit: number;
  enrolled: number;
  waitlist: number | null;
  /** How the source of the figures is named (e.g. Adobe Learning Manager). */
  sourceLabel: SourceLabel;
}

/** For the chats routed for `seats`: an ALM course instance just became full, or has free seats again. */
export function seatsCard(input: SeatsCardInput): Record<string, unknown> {
  const name = userText(input.courseName);
  const full = input.change === 'full';
  const title = full ? t('课程名额已满', 'Course instance full') : t('课程有空余名额', 'Seats available again');
  const body = full
    ? t(`**${name}** 的名额已满。`, `**${name}** has no seats left.`)
    : t(`**${name}** 又有空余名额了。`, `**${name}** has free seats again.`);
  const rows: [ReturnType<typeof t>, ReturnType<typeof t>][] = [
    [
      t('已报名 / 名额', 'Enrolled / seats'),
      t(`${input.enrolled} / ${input.seatLimit}`, `${input.enrolled} / ${input.seatLimit}`),
    ],
  ];
  if (input.waitlist !== null)
    rows.push([t('候补人数', 'Waitlist'), t(String(input.waitlist), String(input.waitlist))]);
  rows.push([t('实例', 'Instance'), t(userText(input.instanceId), userText(input.instanceId))]);
  return card({
    title,
    template: full ? 'orange' : 'green',
    summary: title,
    elements: [markdown(body, 'message'), fieldLines(rows, 'details'), sourceNote(input.sourceLabel)],
  });
}
