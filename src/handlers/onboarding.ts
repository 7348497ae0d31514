import { onboardingCard } from '../../cards/onboarding.js';
import type { Handler, HandlerContext, Outcome } from './types.js';

interface V1Body {
  event?: { user?: { open_id?: string }; operator?: { open_id?: string } };
}
interface V2Body {
  event?: { operator_id?: { open_id?: string } };
}

/** p2p_chat_create (v1): the user who opened the chat is `event.user`. */
export const onboardingFromV1: Handler = async (ctx) => {
  const body = ctx.event.payload as V1Body;
  return onboard(ctx, body.event?.user?.open_id ?? body.event?.operator?.open_id);
};

/** im.chat.access_event.bot_p2p_chat_entered_v1 (v2): the user is `event.operator_id`. */
export const onboardingFromV2: Handler = async (ctx) => {
  const body = ctx.event.payload as V2Body;
  return onboard(ctx, body.event?.operator_id?.open_id);
};

/** The onboarding card goes to each user once, ever: the OnboardedUser row is the record of that. */
function onboard(ctx: HandlerContext, openId: string | undefined): Outcome {
  if (!openId) {
    ctx.log.warn({ eventId: ctx.event.externalId }, 'first-chat event without an open_id; nothing to send');
    return {};
  }
  const isAdmin = ctx.config.ADMIN_OPEN_IDS.includes(openId);
  return {
    async commit(tx) {
      const inserted = await tx.onboardedUser.createMany({ data: [{ openId, eventId: ctx.event.id }], skipDuplicates: true });
      if (inserted.count === 0) return [];
      return [{ key: `onboarding:${openId}`, kind: 'onboarding', receiveIdType: 'open_id', receiveId: openId, card: onboardingCard({ isAdmin }) }];
    },
  };
}
