/**
 * Runs a parsed chat command for one person: checks who may run it, does it, and answers with a card.
 * Admin changes are written in one transaction with their audit log row. It never throws: an unexpected failure
 * is logged (without the message text) and answered with a generic card.
 */
import { localize } from '../../cards/kit.js';
import { isAdmin } from '../recipients/admins.js';
import { preferencesFor } from '../recipients/preferences.js';
import { commandInfo } from './catalog.js';
import type { CommandContext } from './context.js';
import type { ParseResult, ParsedCommand } from './parse.js';
import { runAdmin, runAdmins } from './run/admins.js';
import { runBind, runBindings, runUnbind } from './run/bindings.js';
import { runCourse, runDue } from './run/courses.js';
import { runHelp, runLang, runMute } from './run/learner.js';
import { runManager } from './run/manager.js';
import { runProgress } from './run/progress.js';
import { needsAdminCard, notCommandCard, somethingWrongCard, usageCard, type Card } from './run/replies.js';
import { runReminderPolicy, runReminders } from './run/reminders.js';
import { runRetry } from './run/retry.js';
import { runRoute } from './run/routes.js';
import { runDuty, runEscalation, runLead } from './run/desks.js';
import { runNotify, runSettings } from './run/settings.js';
import { runStatus } from './run/status.js';
import { runUnresolved } from './run/unresolved.js';
import { runWhoami } from './run/whoami.js';
import { runDoctorCommand } from './run/doctor.js';
import { runCalendarDay, runSchedule } from './run/schedule.js';

export type { CommandContext } from './context.js';

export interface CommandReply {
  card: Record<string, unknown>;
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
    const card = await replyFor(ctx, parsed);
    return card ? { card: await inActorLanguage(ctx, card) } : null;
  } catch (err) {
    ctx.log?.error({ command: label, error: errorName(err) }, 'command failed');
    return { card: somethingWrongCard() };
  }
}

async function replyFor(ctx: CommandContext, parsed: ParseResult): Promise<Card | null> {
  switch (parsed.type) {
    case 'ignore':
      return null;
    case 'not_command':
      return notCommandCard();
    case 'usage':
      if (commandInfo(parsed.command).adminOnly && !(await isAdmin(ctx.db, ctx.config, ctx.actor.openId)))
        return needsAdminCard();
      return usageCard(parsed.usage, parsed.problem);
    case 'command': {
      const command = parsed.command;
      if (commandInfo(command.name).adminOnly && !(await isAdmin(ctx.db, ctx.config, ctx.actor.openId)))
        return needsAdminCard();
      const run = RUNNERS[command.name] as (ctx: CommandContext, command: ParsedCommand) => Promise<Card>;
      return run(ctx, command);
    }
  }
}

/** Applies the actor's card language, if they chose one; a failure to read it keeps both languages. */
async function inActorLanguage(ctx: CommandContext, card: Card): Promise<Card> {
  const pref = await preferencesFor(ctx.db, ctx.config, ctx.actor.openId).catch(() => null);
  return pref?.lang ? localize(card, pref.lang) : card;
}

/** The error's class and code, never its message (it may quote user data). */
function errorName(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' || typeof code === 'number' ? `${err.name} (${code})` : err.name;
  }
  return typeof err;
}
