/**
 * im.message.receive_v1: what people type to the bot. In a direct chat every text is for the bot; in a group only
 * messages that @mention it. Messages sent by apps (the bot's own included) are ignored. The reply goes to the
 * chat the message came from, through the outbox like every other message.
 */
import { z } from 'zod';
import { executeCommand } from '../commands/execute.js';
import { extractText, parseCommand } from '../commands/parse.js';
import { handles } from './types.js';

const Message = z.looseObject({
  event: z
    .looseObject({
      sender: z
        .looseObject({
          sender_id: z
            .looseObject({
              open_id: z.string().optional(),
              user_id: z.string().optional(),
              union_id: z.string().optional(),
            })
            .optional(),
          sender_type: z.string().optional(),
        })
        .optional(),
      message: z
        .looseObject({
          message_id: z.string().optional(),
          chat_id: z.string().optional(),
          chat_type: z.string().optional(),
          message_type: z.string().optional(),
          content: z.string().optional(),
          mentions: z
            .array(
              z.looseObject({
                key: z.string(),
                id: z.looseObject({
                  open_id: z.string().optional(),
                  user_id: z.string().optional(),
                  union_id: z.string().optional(),
                }),
                name: z.string().optional(),
              }),
            )
            .optional(),
        })
        .optional(),
    })
    .optional(),
});

export const messageHandlers = handles('feishu', 'im.message.receive_v1', Message, async (ctx) => {
  const { sender, message } = ctx.payload.event ?? {};
  const openId = sender?.sender_id?.open_id;
  const botOpenId = ctx.services.bot.openId;
  if (!message?.chat_id || !openId) return {};
  if (sender?.sender_type !== 'user' || openId === botOpenId) return {};
  const chatType = message.chat_type === 'p2p' ? 'p2p' : 'group';
  const text = message.message_type === 'text' ? (extractText(message.content ?? '') ?? '') : '';
  const parsed = parseCommand({
    text,
    mentions: message.mentions ?? [],
    ...(botOpenId ? { botOpenId } : {}),
    chatType,
  });
  if (parsed.type === 'ignore') return {};
  const reply = await executeCommand(
    {
      db: ctx.db,
      config: ctx.config,
      services: ctx.services,
      actor: { openId, ...senderIds(sender?.sender_id) },
      requestId: ctx.event.id,
      chat: { chatId: message.chat_id, chatType },
      wakeWaiting: () => ctx.services.wakeWaiting(),
      now: () => ctx.services.clock.now(),
      log: ctx.log,
    },
    parsed,
  );
  if (!reply) return {};
  const chatId = message.chat_id;
  return {
    commit: async () => [
      { key: 'reply', kind: 'reply', role: 'chat', receiveIdType: 'chat_id', receiveId: chatId, card: reply.card },
    ],
  };
});

/** The sender's user_id and union_id, when the event carries them (user_id only with the employee-id scope). */
function senderIds(ids: { user_id?: string; union_id?: string } | undefined): { userId?: string; unionId?: string } {
  return {
    ...(typeof ids?.user_id === 'string' && ids.user_id && { userId: ids.user_id }),
    ...(typeof ids?.union_id === 'string' && ids.union_id && { unionId: ids.union_id }),
  };
}
