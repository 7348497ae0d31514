import type { Tx } from '../db/tx.js';
import { clickKey } from '../domain/keys.js';
import type { CardAction } from './callback.js';

/** Every click is recorded once (a repeated delivery of the same click is not recorded twice). */
export async function recordAction(
  tx: Tx,
  action: CardAction,
  name: string,
  subject: string,
  result: string,
): Promise<void> {
  await tx.cardAction.createMany({
    data: [
      {
        actionKey: clickKey(name, subject, action.operatorOpenId, action.id),
        action: name,
        openId: action.operatorOpenId,
        subject,
        result,
      },
    ],
    skipDuplicates: true,
  });
}
