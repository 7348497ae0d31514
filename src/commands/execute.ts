/**
 * Runs a parsed chat command for one person: checks who may run it, does it, and answers with a card.
 * Admin changes are written in one transaction with their audit log row. It never throws: an unexpected failure
 * is logged (without the message text) and answered with a generic card.
 */
import { localize } from '../../cards/kit.js';
import { type Lang } from '../domain/notifications.js';
import { isAdmin } from '../recipients/admins.js';
import { preferencesFor } from '../recipients/preferences.js';
import { commandInfo, isPrivateCommand, type CommandName } from './catalog.js';
import type { CommandContext } from './context.js';
import { closestCommands, type ParseResult, type ParsedCommand } from './parse.js';
import { runAdmin, runAdmins } from './run/admins.js';
import { runBind, runBindings, runUnbind } from './run/bindings.js';
import { runCourse, runDue } from './run/courses.js';
import { runHelp, runLang, runMute } from './run/learner.js';
import { runManager } from './run/manager.js';
import { runProgress } from './run/progress.js';
import {
  needsAdminCard,
  notCommandCard,
  onlyYouCard,
  somethingWrongCard,
  usageCard,
  type Card,
} from './run/replies.js';
import { runReminderPolicy, runReminders } from './run/reminders.js';
import { runRetry } from './run/retry.js';
import { runRoute } from './run/routes.js';
import { runDuty, runEscalation, runLead } from './run/desks.js';
import { runNotify, runSettings } from './run/settings.js';
import { runStatus } from './run/status.js';
import { runUnresolved } from './run/unresolved.js';
import { runWhoami } from './run/whoami.js';
import { runTeam, runTeamPolicy } from './run/team.js';
import { runDoctorCommand } from './run/doctor.js';
import { runCalendarDay, runSchedule } from './run/schedule.js';

export type { CommandContext } from './context.js';

export interface CommandReply {
  card: Record<string, unknown>;
  /**
   * Set for a private command's answer in a group: only this open_id sees the card there (an ephemeral card, in
   * one language: the person's choice, else Chinese).
   */
  visibleTo?: string;
}

type Runners = {
  [K in ParsedCommand['name']]: (ctx: CommandContext, command: Extract<ParsedCommand, { name: K }>) => Promise<Card>;
};

const RUNNERS: Runners = {
  help: runHelp,
  progress: runProgress,
  mute: runMute,
  unmute: runMute,
  lang: runLang,
  bind: runBind,
  unbind: runUnbind,
  bindings: runBindings,
  course: runCourse,
  reminders: runReminders,
  reminder: runReminderPolicy,
  due: runDue,
  manager: runManager,
  route: runRoute,
  notify: runNotify,
  duty: runDuty,
  lead: runLead,
  escalation: runEscalation,
  settings: runSettings,
  admin: runAdmin,
  admins: runAdmins,
  status: runStatus,
  unresolved: runUnresolved,
  retry: runRetry,
  whoami: runWhoami,
  team: runTeam,
  digest: runTeamPolicy,
  doctor: runDoctorCommand,
  schedule: runSchedule,
  holiday: runCalendarDay,
  workday: runCalendarDay,
};

/**
 * The reply to one parsed message, or null when the message is not for the bot (`ignore`).
 * Replies are in the actor's chosen card language when they set one (`lang`), else in both.
 */
export async function executeCommand(ctx: CommandContext, parsed: ParseResult): Promise<CommandReply | null> {
  if (parsed.type === 'ignore') return null;
  const label = parsed.type === 'command' ? parsed.command.name : parsed.type;
  try {
    const reply = await replyFor(ctx, parsed);
    if (!reply) return null;
    if (reply.ran && ctx.chat.chatType === 'group' && isPrivateCommand(reply.ran)) {
      return { card: await inActorLanguage(ctx, onlyYouCard(reply.card), 'zh'), visibleTo: ctx.actor.openId };
    }
    return { card: await inActorLanguage(ctx, reply.card) };
  } catch (err) {
    ctx.log?.error({ command: label, error: errorName(err) }, 'command failed');
    return { card: somethingWrongCard() };
  }
}

/** The reply card, and the command it comes from when that command ran (was not refused). */
async function replyFor(ctx: CommandContext, parsed: ParseResult): Promise<{ card: Card; ran?: CommandName } | null> {
  switch (parsed.type) {
    case 'ignore':
      return null;
    case 'not_command':
      return { card: await unknownCommandCard(ctx, parsed.text) };
    case 'usage':
      if (commandInfo(parsed.command).adminOnly && !(await isAdmin(ctx.db, ctx.config, ctx.actor.openId)))
        return { card: needsAdminCard() };
      return { card: usageCard(parsed.usage, parsed.problem) };
    case 'command': {
      const command = parsed.command;
      if (commandInfo(command.name).adminOnly && !(await isAdmin(ctx.db, ctx.config, ctx.actor.openId)))
        return { card: needsAdminCard() };
      const run = RUNNERS[command.name] as (ctx: CommandContext, command: ParsedCommand) => Promise<Card>;
      return { card: await run(ctx, command), ran: command.name };
    }
  }
}

/** Names the word that is not a command and suggests the closest commands this person may use. */
async function unknownCommandCard(ctx: CommandContext, text: string): Promise<Card> {
  const word = text.split(' ')[0]?.replace(/^\//, '');
  if (!word) return notCommandCard();
  const closest = closestCommands(word);
  const admin = closest.some((c) => commandInfo(c).adminOnly) && (await isAdmin(ctx.db, ctx.config, ctx.actor.openId));
  const usable = closest.filter((c) => admin || !commandInfo(c).adminOnly);
  return notCommandCard(
    word,
    usable.map((c) => commandInfo(c).usage),
  );
}

/**
 * Applies the actor's card language, if they chose one; a failure to read it keeps both languages, or gives
 * `fallback` when one is needed.
 */
async function inActorLanguage(ctx: CommandContext, card: Card, fallback?: Lang): Promise<Card> {
  const pref = await preferencesFor(ctx.db, ctx.config, ctx.actor.openId).catch(() => null);
  const lang = pref?.lang ?? fallback;
  return lang ? localize(card, lang) : card;
}

/** The error's class and code, never its message (it may quote user data). */
function errorName(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' || typeof code === 'number' ? `${err.name} (${code})` : err.name;
  }
  return typeof err;
}
