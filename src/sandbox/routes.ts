/**
 * The sandbox console: static pages under /sandbox and a small JSON API under /sandbox/api. Served by the bot's
 * own HTTP server, and only when the sandbox started it.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Koa from 'koa';
import Router from '@koa/router';
import type { Config } from '../config.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { FeishuEmulator } from '../emulator/feishu/index.js';
import { badRequest, HttpError } from '../http/errors.js';
import { readJson } from '../http/read-json.js';
import { DEMO_GROUPS, DEMO_USERS, type DemoUser } from './demo.js';
import {
  cardActionEvent,
  chatEnteredEvent,
  CLIENT_TIME_ZONE,
  fire,
  messageEvent,
  postFeishu,
  type BotAnswer,
  type Identity,
} from './fire.js';
import { galleryCards } from './gallery.js';
import { FormError, submitForm, type FormSubmission } from '../emulator/feishu/forms.js';
import { ApiError } from '../emulator/feishu/http.js';
import { seeds, type SeedTarget } from './seeds.js';
import { mentionsIn } from './mentions.js';
import { DateTime, Duration } from 'luxon';
import type { SettableClock } from '../domain/clock.js';
import type { JobRunner } from '../jobs/runner.js';

interface SandboxDeps {
  feishu: FeishuEmulator;
  config: Config;
  /** Business time: the bot's, the emulator's message stamps and the events fired from the console. */
  clock: SettableClock;
  /** The bot's base URL, database and job runner, once it is listening. */
  bot: () => { url: string; prisma: PrismaClient; jobs: Pick<JobRunner, 'runUntilIdle' | 'wake'> } | undefined;
}

/** What a demo user typed, shown in the chat next to the bot's messages. */
interface TypedMessage {
  id: number;
  chat_id: string;
  from: string;
  text: string;
  at: number;
}

/** A card callback the console sent to the bot, and the bot's answer. */
interface SentCallback {
  at: string;
  message_id: string;
  action: Record<string, unknown>;
  answer: BotAnswer;
}
const CALLBACKS_KEPT = 50;

const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));
const FILES = new Set(['index.html', 'cards.html', 'style.css', 'render.js', 'console.js', 'gallery.js']);
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};
const FAILURES: Record<string, { status: number; code?: number; msg?: string }> = {
  '429': { status: 429 },
  '5xx': { status: 503, code: 503, msg: 'service unavailable (scripted)' },
  '230013': { status: 400, code: 230013, msg: 'Bot has NO availability to this user.' },
};

const obj = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const str = (v: unknown, field: string): string => {
  if (typeof v !== 'string' || v === '') throw badRequest(`${field} is required.`);
  return v;
};

/** Where `{"to": ...}` or `{"advance": ...}` sets the clock; a clear 400 for anything else. */
function clockTarget(body: Record<string, unknown>, now: Date): Date {
  if (typeof body.to === 'string' && body.advance === undefined) {
    const to = DateTime.fromISO(body.to, { setZone: true });
    if (!to.isValid || !/\d{2}:\d{2}/.test(body.to)) {
      throw badRequest('to must be an ISO 8601 instant, e.g. 2026-10-12T09:30:00+08:00.');
    }
    return to.toJSDate();
  }
  if (typeof body.advance === 'string' && body.to === undefined) {
    const by = Duration.fromISO(body.advance);
    if (!by.isValid) throw badRequest('advance must be an ISO 8601 duration, e.g. PT1H or P1D.');
    const to = DateTime.fromJSDate(now).plus(by);
    if (!to.isValid || Math.abs(to.year - DateTime.fromJSDate(now).year) > 100) {
      throw badRequest('advance moves the clock too far.');
    }
    return to.toJSDate();
  }
  throw badRequest('Send either {"to": "<ISO instant>"} or {"advance": "<ISO 8601 duration>"}.');
}

export function sandboxRoutes(deps: SandboxDeps): Koa.Middleware {
  const { feishu, config } = deps;
  const router = new Router({ prefix: '/sandbox' });
  const typed: TypedMessage[] = [];
  let typedCount = 0;
  const callbacks: SentCallback[] = [];
  // The demo users whose chat with the bot has been opened: Feishu sends its first-chat event once per person.
  const opened = new Set<string>();
  // The demo ticket keeps its id for the life of the console ("New ids" changes only the event ids), so
  // "ticket updated" updates the card "ticket created" posted.
  const ticketId = String(6626871355780366331n + BigInt(Math.floor(Math.random() * 1e6)));
  const seedContext = () => ({
    appId: feishu.appId,
    tenantKey: feishu.tenantKey,
    verificationToken: config.FEISHU_VERIFICATION_TOKEN ?? '',
    ticketId,
  });
  /** The first time a demo user's chat with the bot is opened, the bot gets the first-chat event, as in Feishu. */
  const openChat = async (user: DemoUser): Promise<BotAnswer | null> => {
    if (opened.has(user.open_id)) return null;
    const answer = await postFeishu(
      bot().url,
      '/webhook/event',
      chatEnteredEvent(identity, user, feishu.p2pChatId(user.open_id)),
      config,
    );
    if (answer.status === 200) opened.add(user.open_id);
    return answer;
  };
  const identity: Identity = {
    appId: feishu.appId,
    tenantKey: feishu.tenantKey,
    verificationToken: config.FEISHU_VERIFICATION_TOKEN,
    now: () => deps.clock.now().getTime(),
  };
  const bot = () => {
    const b = deps.bot();
    if (!b) throw new HttpError(503, 'starting', 'The bot is still starting.');
    return b;
  };
  const userByOpenId = (openId: string) => {
    const user = DEMO_USERS.find((u) => u.open_id === openId);
    if (!user) throw badRequest(`No demo user has open_id ${openId}.`, 'unknown_user');
    return user;
  };

  const page = (file: string) => async (ctx: Koa.Context) => {
    ctx.type = TYPES[extname(file)] ?? 'application/octet-stream';
    ctx.set('cache-control', 'no-store');
    ctx.body = await readFile(`${PUBLIC_DIR}${file}`);
  };
  router.get('/', page('index.html'));
  router.get('/cards', page('cards.html'));
  router.get('/static/:file', async (ctx) => {
    if (!FILES.has(ctx.params.file ?? '')) throw new HttpError(404, 'not_found', 'No such file.');
    await page(ctx.params.file!)(ctx);
  });

  router.get('/api/users', (ctx) => {
    ctx.body = DEMO_USERS.map((u) => ({
      open_id: u.open_id,
      user_id: u.user_id,
      name: u.name,
      en_name: u.en_name,
      email: u.email,
      manager: u.manager ?? null,
      admin: Boolean(u.admin),
      p2p_chat_id: feishu.p2pChatId(u.open_id),
    }));
  });
  router.get('/api/groups', (ctx) => {
    ctx.body = DEMO_GROUPS;
  });
  router.get('/api/messages', (ctx) => {
    ctx.body = feishu.messages.map((m) => ({
      message_id: m.message_id,
      receive_id: m.receive_id,
      receive_id_type: m.receive_id_type,
      chat_id: m.chat_id,
      // A card only this person (open_id) sees in the group.
      visible_to: m.visible_to ?? null,
      root_id: m.root_id ?? '',
      parent_id: m.parent_id ?? '',
      msg_type: m.msg_type,
      content: m.sent_content,
      current_content: m.content,
      updated: m.updated,
      create_time: m.create_time,
      update_time: m.update_time,
    }));
  });
  router.get('/api/state', (ctx) => {
    ctx.body = {
      version: feishu.version + typedCount,
      bot: { open_id: feishu.botOpenId, name: feishu.botName },
      messages: feishu.messages.map((m) => ({
        message_id: m.message_id,
        chat_id: m.chat_id,
        visible_to: m.visible_to ?? null,
        ...(m.parent_id && { parent_id: m.parent_id, root_id: m.root_id }),
        msg_type: m.msg_type,
        content: m.content,
        updated: m.updated,
        at: Number(m.create_time),
      })),
      typed,
    };
  });

  router.post('/api/say', async (ctx) => {
    const body = obj((await readJson(ctx)).body);
    const from = userByOpenId(str(body.from, 'from'));
    const chatId = str(body.chat_id, 'chat_id');
    const text = str(body.text, 'text');
    const group = DEMO_GROUPS.find((g) => g.chat_id === chatId);
    if (!group && chatId !== feishu.p2pChatId(from.open_id))
      throw badRequest("chat_id is neither a demo group nor the user's chat with the bot.");
    // Typing in a chat never opened before opens it first.
    if (!group) await openChat(from);
    const { text: keyed, mentions } = mentionsIn(text, { open_id: feishu.botOpenId, name: feishu.botName }, DEMO_USERS);
    const event = messageEvent(identity, { from, chatId, chatType: group ? 'group' : 'p2p', text: keyed, mentions });
    typed.push({ id: ++typedCount, chat_id: chatId, from: from.open_id, text, at: Date.now() });
    ctx.body = await postFeishu(bot().url, '/webhook/event', event, config);
  });

  router.post('/api/open', async (ctx) => {
    const body = obj((await readJson(ctx)).body);
    const user = userByOpenId(str(body.open_id, 'open_id'));
    const answer = await openChat(user);
    ctx.body = { first: answer !== null, ...(answer ? { answer } : {}) };
  });

  /** Sends a card callback to the bot as Feishu does; an answer with a card replaces the message, as in Feishu. */
  const callBot = async (event: ReturnType<typeof cardActionEvent>, messageId: string): Promise<BotAnswer> => {
    let answer: BotAnswer & { card_refused?: string } = await postFeishu(bot().url, '/webhook/card', event, config);
    const card = obj(obj(answer.body).card);
    if (answer.status === 200 && card.type === 'raw' && typeof card.data === 'object' && card.data) {
      try {
        feishu.replaceFromCallback(messageId, card.data as Record<string, unknown>);
      } catch (err) {
        // A card Feishu would not show: the message stays as it was, and the console says why.
        if (!(err instanceof ApiError)) throw err;
        answer = { ...answer, card_refused: err.message };
      }
    }
    callbacks.push({ at: deps.clock.now().toISOString(), message_id: messageId, action: event.event.action, answer });
    if (callbacks.length > CALLBACKS_KEPT) callbacks.splice(0, callbacks.length - CALLBACKS_KEPT);
    return answer;
  };
  const messageById = (messageId: string) => {
    const message = feishu.messages.find((m) => m.message_id === messageId);
    if (!message) throw badRequest(`No message ${messageId}.`, 'unknown_message');
    return message;
  };

  router.post('/api/click', async (ctx) => {
    const body = obj((await readJson(ctx)).body);
    const operator = userByOpenId(str(body.operator, 'operator'));
    const message = messageById(str(body.message_id, 'message_id'));
    const event = cardActionEvent(identity, {
      operator,
      messageId: message.message_id,
      chatId: message.chat_id,
      value: obj(body.value),
    });
    ctx.body = await callBot(event, message.message_id);
  });

  // A form's submit button pressed: {message_id, operator, button: its name, values: {name: value}} with what the
  // person changed (dates YYYY-MM-DD, times HH:mm, date-times "YYYY-MM-DD HH:mm", multi selects as lists,
  // checkers as booleans). Like Feishu's client, nothing reaches the bot while a required field is empty (400).
  router.post('/api/submit', async (ctx) => {
    const body = obj((await readJson(ctx)).body);
    const operator = userByOpenId(str(body.operator, 'operator'));
    const message = messageById(str(body.message_id, 'message_id'));
    const button = str(body.button, 'button');
    if (message.msg_type !== 'interactive' || !message.card) throw badRequest('That message is not a card.');
    const group = DEMO_GROUPS.find((g) => g.chat_id === message.chat_id);
    let submission: FormSubmission;
    try {
      submission = submitForm({
        card: obj(message.card),
        button,
        edits: obj(body.values),
        zone: CLIENT_TIME_ZONE,
        now: deps.clock.now().getTime(),
        people: group ? group.members : message.recipient_open_id ? [message.recipient_open_id] : [],
        isPerson: (openId) => feishu.users.some((u) => u.open_id === openId),
      });
    } catch (err) {
      if (err instanceof FormError) throw badRequest(err.message, 'invalid_form');
      throw err;
    }
    if (!submission.ok) {
      ctx.status = 400;
      ctx.body = {
        error: 'required_missing',
        message: `Required fields are empty: ${submission.missing.join(', ')}.`,
        missing: submission.missing,
      };
      return;
    }
    const event = cardActionEvent(identity, {
      operator,
      messageId: message.message_id,
      chatId: message.chat_id,
      value: submission.button.value,
      name: submission.button.name,
      formValue: submission.formValue,
    });
    ctx.body = { ...(await callBot(event, message.message_id)), form_value: submission.formValue };
  });

  // The card callbacks sent to the bot (the latest last) and its answers.
  router.get('/api/callbacks', (ctx) => {
    ctx.body = callbacks;
  });

  router.get('/api/seeds', (ctx) => {
    ctx.body = seeds(seedContext());
  });
  router.post('/api/fire', async (ctx) => {
    const body = obj((await readJson(ctx)).body);
    const target = body.target as SeedTarget;
    if (!['event', 'alm', 'qingsuyun'].includes(target)) throw badRequest('target must be event, alm or qingsuyun.');
    if (typeof body.body !== 'object' || body.body === null) throw badRequest('body must be a JSON object.');
    ctx.body = await fire(bot().url, target, body.body as Record<string, unknown>, config);
  });

  router.get('/api/queues', async (ctx) => {
    const { prisma } = bot();
    const [inbox, outbox] = await Promise.all([
      prisma.inboundEvent.findMany({ orderBy: { receivedAt: 'desc' }, take: 60 }),
      prisma.notification.findMany({ orderBy: { createdAt: 'desc' }, take: 60 }),
    ]);
    ctx.body = {
      pending_failures: feishu.pendingFailures,
      inbox: inbox.map((e) => ({
        id: e.id,
        source: e.source,
        external_id: e.externalId,
        event_type: e.eventType,
        status: e.status,
        attempts: e.attempts,
        last_error: e.lastError,
        note: e.note,
        received_at: e.receivedAt,
      })),
      outbox: outbox.map((n) => ({
        id: n.id,
        kind: n.kind,
        operation: n.operation,
        receive_id_type: n.receiveIdType,
        receive_id: n.receiveId,
        status: n.status,
        attempts: n.attempts,
        last_error: n.lastError,
        available_at: n.availableAt,
        message_id: n.messageId,
        created_at: n.createdAt,
      })),
    };
  });
  router.post('/api/fail', async (ctx) => {
    const body = obj((await readJson(ctx)).body);
    const failure = FAILURES[String(body.kind)];
    const times = Number(body.times ?? 1);
    if (!failure) throw badRequest('kind must be 429, 5xx or 230013.');
    if (!Number.isInteger(times) || times < 1 || times > 100)
      throw badRequest('times must be a whole number from 1 to 100.');
    feishu.failNext({ ...failure, times });
    ctx.body = { pending_failures: feishu.pendingFailures };
  });

  router.get('/api/clock', (ctx) => {
    ctx.body = { now: deps.clock.now().toISOString() };
  });
  // Sets the clock ({"to": ISO instant} or {"advance": ISO 8601 duration}; backwards too) and answers once every
  // job that came due by then has been handled and its messages are in the outbox.
  router.post('/api/clock', async (ctx) => {
    const body = obj((await readJson(ctx)).body);
    const to = clockTarget(body, deps.clock.now());
    const { jobs } = bot();
    deps.clock.set(to);
    await jobs.runUntilIdle();
    ctx.body = { now: deps.clock.now().toISOString() };
  });

  router.get('/api/gallery', (ctx) => {
    ctx.body = galleryCards();
  });

  return router.routes() as unknown as Koa.Middleware;
}
