/**
 * Keeping every copy of a card current: when what a card shows changes (a ticket's status, who claimed it), each
 * message sent for that subject gets the new card. A copy not sent yet simply has its content replaced; a sent
 * one gets a durable patch in the outbox (im.v1.message.patch), and an older patch still waiting is superseded.
 */
import { assertCardSize } from '../../cards/kit.js';
import type { Tx } from '../db/tx.js';
import { notificationUuid } from './enqueue.js';
import { cardFor } from './policy.js';
import { replaceUnsentContent, supersedePatches } from './store.js';

export async function updateCards(
  tx: Tx,
  subject: string,
  card: Record<string, unknown>,
  version: number,
  opts: { exceptMessageId?: string | undefined } = {},
): Promise<number> {
  const copies = await tx.notification.findMany({
    where: { subject, operation: 'send', status: { notIn: ['failed', 'skipped'] }, msgType: 'interactive' },
  });
  let updated = 0;
  for (const copy of copies) {
    if (opts.exceptMessageId && copy.messageId === opts.exceptMessageId) continue;
    await patchMessage(tx, copy.id, card, `v${version}`);
    updated++;
  }
  return updated;
}

/**
 * A patch of one sent message (or its content replaced while unsent); an older waiting patch is superseded. A copy
 * sent to a person who chose a card language (`lang`) gets the card in that language, as its first version had.
 */
export async function patchMessage(
  tx: Tx,
  notificationId: string,
  card: Record<string, unknown>,
  version: string,
): Promise<void> {
  const copy = await tx.notification.findUnique({ where: { id: notificationId } });
  if (!copy || copy.status === 'failed' || copy.status === 'skipped') return;
  const theirs = await cardFor(tx, copy, card);
  assertCardSize(theirs);
  const content = JSON.stringify(theirs);
  if (await replaceUnsentContent(tx, notificationId, content)) return;
  await supersedePatches(tx, copy.id);
  const dedupeKey = `patch:${copy.id}:${version}`;
  await tx.notification.createMany({
    data: [
      {
        dedupeKey,
        kind: copy.kind,
        role: copy.role,
        receiveIdType: copy.receiveIdType,
        receiveId: copy.receiveId,
        subject: copy.subject,
        operation: 'patch',
        patchOf: copy.id,
        msgType: 'interactive',
        content,
        uuid: notificationUuid(dedupeKey),
      },
    ],
    skipDuplicates: true,
  });
}
