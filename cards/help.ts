import { card, divider, escapeMd, markdown, t, type I18nText } from './kit.js';

/** One command as the help card lists it. */
interface HelpCommand {
  /** English name, lower case. */
  readonly name: string;
  /** Chinese alias. */
  readonly zh: string;
  readonly adminOnly: boolean;
  /** Usage line, starting with the name in that language. */
  readonly usage: I18nText;
  readonly description: I18nText;
}

export interface HelpCardInput {
  /** Admins also see the admin commands. */
  isAdmin: boolean;
  /** Every command, in the order to list them. */
  commands: readonly HelpCommand[];
  /** The notification kinds a person can choose about: the English name and the Chinese one. */
  kinds: readonly { en: string; zh: string }[];
}

/** "- **静音**（mute） <类型>：…" / "- **mute** (静音) <kind>: …"; the arguments escaped so `<kind>` is not read as a tag. */
function commandLines(commands: readonly HelpCommand[]): I18nText {
  const zh = commands.map(
    (c) => `- **${c.zh}**（${c.name}）${escapeMd(c.usage.zh.slice(c.zh.length))}：${c.description.zh}`,
  );
  const en = commands.map(
    (c) => `- **${c.name}** (${c.zh})${escapeMd(c.usage.en.slice(c.name.length))}: ${c.description.en}`,
  );
  return t(zh.join('\n'), en.join('\n'));
}

function section(title: I18nText, commands: readonly HelpCommand[], elementId: string) {
  const lines = commandLines(commands);
  return markdown(t(`**${title.zh}**\n${lines.zh}`, `**${title.en}**\n${lines.en}`), elementId);
}

/** Reply to `help`: the commands this user may use, from the catalog. */
export function helpCard({ isAdmin, commands, kinds }: HelpCardInput): Record<string, unknown> {
  const elements: Record<string, unknown>[] = [
    markdown(
      t(
        '私聊时直接发送命令；在群里请先 @我。命令前的 / 可以省略，中文和英文命令都可以用。',
        'Send a command in a direct chat; in a group, @mention me first. ' +
          'The leading / is optional, and Chinese or English names both work.',
      ),
      'intro',
    ),
    section(
      t('学员命令', 'Learner commands'),
      commands.filter((c) => !c.adminOnly),
      'learner_commands',
    ),
  ];
  if (isAdmin)
    elements.push(
      divider(),
      section(
        t('管理员命令', 'Admin commands'),
        commands.filter((c) => c.adminOnly),
        'admin_commands',
      ),
    );
  elements.push(
    divider(),
    markdown(
      t(`通知类型：${kinds.map((k) => k.zh).join('、')}`, `Notification kinds: ${kinds.map((k) => k.en).join(', ')}`),
      'kinds',
    ),
  );
  return card({ title: t('命令帮助', 'Commands'), template: 'blue', summary: t('命令帮助', 'Commands'), elements });
}
