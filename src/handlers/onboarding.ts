/** The first time a user opens a chat with the bot: the onboarding card, once per user ever. */
import { z } from 'zod';
import { onboardingCard } from '../../cards/onboarding.js';
import { isAdmin } from '../recipients/admins.js';
import { handles, type HandlerContext, type Outcome } from './types.js';

const openId = z.string().min(1);
const openIdHolder = z.looseObject({ open_id: openId });

/** p2p_chat_create (v1): the user who opened the chat is `event.user` (older bodies: `event.operator`). */
const V1 = z.looseObject({
  event: z.union([
    z.looseObject({ user: openIdHolder }),
    z.looseObject({ operator: openIdHolder }).transform((e) => ({ ...e, user: e.operator })),
  ]),
});

/** im.chat.access_event.bot_p2p_chat_entered_v1 (v2): the user is `event.operator_id`. */
const V2 = z.looseObject({ event: z.looseObject({ operator_id: openIdHolder }) });

export const onboardingHandlers = [
  ...handles('feishu', 'p2p_chat_create', V1, async (ctx) => onboard(ctx, ctx.payload.event.user.open_id)),
  ...handles('feishu', 'im.chat.access_event.bot_p2p_chat_entered_v1', V2, async (ctx) =>
    onboard(ctx, ctx.payload.event.operator_id.open_id),
  ),
];

/** The OnboardedUser row is the record that the card was decided: a second first-chat event finds it and sends none. */
function onboard(ctx: HandlerContext, openId: string): Outcome {
  return {
    async commit(tx) {
      const inserted = await tx.onboardedUser.createMany({
        data: [{ openId, eventId: ctx.event.id }],
        skipDuplicates: true,
      });
      if (inserted.count === 0) {
        ctx.note('this person was already welcomed');
        return [];
      }
      // Admins added by command count as much as those in the environment: both get the admin's welcome.
      const admin = await isAdmin(tx, ctx.config, openId);
      return [
        {
          key: `onboarding:${openId}`,
          kind: 'onboarding',
          receiveIdType: 'open_id',
          receiveId: openId,
          card: onboardingCard({ isAdmin: admin }),
        },
      ];
    },
  };
}
