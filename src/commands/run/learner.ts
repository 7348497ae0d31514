/** Learner commands about the user's own choices: help, mute / unmute, lang. */
import { helpCard } from '../../../cards/help.js';
import { localize, t } from '../../../cards/kit.js';
import { isAdmin } from '../../recipients/admins.js';
import { setLang, setMuted } from '../../recipients/preferences.js';
import { KIND_NAMES } from '../../domain/notifications.js';
import { helpCardInput } from '../catalog.js';
import type { CommandContext } from '../context.js';
import type { ParsedCommand } from '../parse.js';
import { capital, receiptCard, type Card } from './replies.js';

/** `help`: the commands this user may use. */
export async function runHelp(ctx: CommandContext): Promise<Card> {
  return helpCard(helpCardInput(await isAdmin(ctx.db, ctx.config, ctx.actor.openId)));
}

/** `mute <kind>` / `unmute <kind>`: the user's own muted kinds; manager notices about them are not affected. */
export async function runMute(
  ctx: CommandContext,
  command: Extract<ParsedCommand, { name: 'mute' | 'unmute' }>,
): Promise<Card> {
  const openId = ctx.actor.openId;
  const mute = command.name === 'mute';
  const changed = await ctx.db.$transaction(async (tx) => setMuted(tx, openId, command.kind, mute));
  const kind = KIND_NAMES[command.kind];
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
