/** Learner commands about the user's own choices: help, mute / unmute, lang. */
import { helpCard } from '../../../cards/help.js';
import { localize, t } from '../../../cards/kit.js';
import { isAdmin } from '../../recipients/admins.js';
import { setLang, setMuted } from '../../recipients/preferences.js';
import { isLang, KIND_NAMES, PERSONAL_KINDS } from '../../domain/notifications.js';
import { helpCardInput } from '../catalog.js';
import type { CommandContext } from '../context.js';
import type { ParsedCommand } from '../parse.js';
import { capital, infoCard, join, receiptCard, refusalCard, type Card } from './replies.js';

/** `help`: the commands this user may use. */
export async function runHelp(ctx: CommandContext): Promise<Card> {
  return helpCard(helpCardInput(await isAdmin(ctx.db, ctx.config, ctx.actor.openId)));
}

/**
 * `mute [kind]` / `unmute [kind]`: the user's own muted kinds; manager notices about them are not affected. Only
 * kinds sent to learners about themselves can be muted; without a kind, the kinds and what is muted now are listed.
 * The answer is in the reader's language: their `lang` choice, else Chinese.
 */
export async function runMute(
  ctx: CommandContext,
  command: Extract<ParsedCommand, { name: 'mute' | 'unmute' }>,
): Promise<Card> {
  const openId = ctx.actor.openId;
  const pref = await ctx.db.userPreference.findUnique({ where: { openId }, select: { lang: true, mutedKinds: true } });
  const lang = isLang(pref?.lang) ? pref.lang : 'zh';
  return localize(await muteCard(ctx, command, pref?.mutedKinds ?? []), lang);
}

async function muteCard(
  ctx: CommandContext,
  command: Extract<ParsedCommand, { name: 'mute' | 'unmute' }>,
  mutedNow: readonly string[],
): Promise<Card> {
  const openId = ctx.actor.openId;
  const mute = command.name === 'mute';
  if (command.kind === null) return mutedListCard(mutedNow);
  const kind = KIND_NAMES[command.kind];
  if (mute && !PERSONAL_KINDS.includes(command.kind)) {
    return refusalCard(
      t('不能静音', 'Cannot mute'),
      t(
        `「${kind.zh}」通知发到群里或发给管理员，不是发给你个人的，所以不能静音。` +
          `管理员可以用「通知 ${kind.zh} 关」为所有人关闭，或用「路由 ${kind.zh} 关闭」停止发到某个群。`,
        `${capital(kind.en)} notifications go to chats and admins, not to you personally, so they cannot be muted. ` +
          `An admin can turn them off for everyone ("notify ${kind.en} off") or stop them in a chat ` +
          `("route ${kind.en} off").`,
      ),
    );
  }
  const muteKind = command.kind;
  const changed = await ctx.db.$transaction(async (tx) => setMuted(tx, openId, muteKind, mute));
  const managerNote = t(
    '\n你的经理收到的关于你的通知不受影响。',
    '\nNotices about you sent to your manager are not affected.',
  );
  if (mute) {
    return receiptCard(
      t('已静音', 'Muted'),
      changed
        ? t(
            `你将不再收到「${kind.zh}」通知。${managerNote.zh}\n发送「取消静音 ${kind.zh}」恢复。`,
            `You will no longer receive ${kind.en} notifications.${managerNote.en}\n` +
              `Send "unmute ${kind.en}" to receive them again.`,
          )
        : t(
            `「${kind.zh}」通知已经是静音的，没有改变。`,
            `${capital(kind.en)} notifications were already muted; nothing changed.`,
          ),
    );
  }
  return receiptCard(
    t('已取消静音', 'Unmuted'),
    changed
      ? t(`你将重新收到「${kind.zh}」通知。`, `You will receive ${kind.en} notifications again.`)
      : t(
          `「${kind.zh}」通知没有被静音，没有改变。`,
          `${capital(kind.en)} notifications were not muted; nothing changed.`,
        ),
  );
}

/** The kinds a person can mute, each with whether it is muted now. */
function mutedListCard(mutedNow: readonly string[]): Card {
  const lines = PERSONAL_KINDS.map((k) => {
    const muted = mutedNow.includes(k);
    const name = KIND_NAMES[k];
    return t(`- ${name.zh}：${muted ? '🔕 已静音' : '🔔 接收中'}`, `- ${name.en}: ${muted ? '🔕 muted' : '🔔 on'}`);
  });
  const first = KIND_NAMES[PERSONAL_KINDS[0]!];
  return infoCard(
    t('静音', 'Mute'),
    join([
      t('你可以静音这些通知：', 'You can mute these notifications:'),
      ...lines,
      t(
        `发送「静音」或「取消静音」加类型，例如「静音 ${first.zh}」。`,
        `Send "mute" or "unmute" with a kind, e.g. "mute ${first.en}".`,
      ),
    ]),
  );
}

/** `lang zh|en`: the language of the user's cards. The receipt is already in that language. */
export async function runLang(ctx: CommandContext, command: Extract<ParsedCommand, { name: 'lang' }>): Promise<Card> {
  const openId = ctx.actor.openId;
  await setLang(ctx.db, openId, command.lang);
  const card = receiptCard(
    t('语言已设置', 'Language set'),
    t('之后发给你的卡片将使用中文。', 'Cards sent to you will now be in English.'),
  );
  return localize(card, command.lang);
}
