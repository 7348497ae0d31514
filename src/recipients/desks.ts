/**
 * A helpdesk chat (a chat routed for tickets) as a desk: who is on duty, who leads, and how its unclaimed tickets
 * escalate. Read and written here and nowhere else; a chat never set up has the defaults.
 */
import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import type { Tx } from '../db/tx.js';
import type { CountingClock } from '../domain/working-time.js';

type DeskReader = Pick<Db, 'helpdeskDesk'> | Tx;

/** ISO weekday ("1" Monday … "7" Sunday) → open_ids on duty that day. */
export type Rota = Partial<Record<string, string[]>>;

export interface Desk {
  chatId: string;
  duty: string[];
  leads: string[];
  rota: Rota;
  /** Minutes unclaimed before the people on duty are pinged; 0: never. */
  remindAfter: number;
  /** Minutes unclaimed before the leads are told; 0: never. */
  leadAfter: number;
  clock: CountingClock;
  urgent: boolean;
  summary: boolean;
}

export type DeskDefaults = Pick<Config, 'HELPDESK_REMIND_AFTER_MINUTES' | 'HELPDESK_LEAD_AFTER_MINUTES'>;

const ids = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function rotaOf(v: unknown): Rota {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return {};
  const out: Rota = {};
  for (const [day, people] of Object.entries(v)) if (/^[1-7]$/.test(day)) out[day] = ids(people);
  return out;
}

/** The desk of each chat (defaults for a chat never set up), in the order asked. */
export async function desksOf(db: DeskReader, defaults: DeskDefaults, chatIds: readonly string[]): Promise<Desk[]> {
  const rows = await db.helpdeskDesk.findMany({ where: { chatId: { in: [...chatIds] } } });
  const byChat = new Map(rows.map((r) => [r.chatId, r]));
  return chatIds.map((chatId) => {
    const r = byChat.get(chatId);
    return {
      chatId,
      duty: r?.duty ?? [],
      leads: r?.leads ?? [],
      rota: rotaOf(r?.rota),
      remindAfter: r?.remindAfter ?? defaults.HELPDESK_REMIND_AFTER_MINUTES,
      leadAfter: r?.leadAfter ?? defaults.HELPDESK_LEAD_AFTER_MINUTES,
      clock: r?.clock === 'always' ? 'always' : 'working',
      urgent: r?.urgent ?? false,
      summary: r?.summary ?? true,
    };
  });
}

export async function deskOf(db: DeskReader, defaults: DeskDefaults, chatId: string): Promise<Desk> {
  const [desk] = await desksOf(db, defaults, [chatId]);
  return desk!;
}

/** Who is on duty on ISO weekday `weekday`: the rota's people for that day when it names any, else `duty`. */
export function onDuty(desk: Pick<Desk, 'duty' | 'rota'>, weekday: number): string[] {
  const rota = desk.rota[String(weekday)];
  return rota && rota.length > 0 ? rota : desk.duty;
}

/** What an admin may change on a desk. */
export type DeskChange =
  | { duty: string[] }
  | { leads: string[] }
  | { rota: Rota }
  | { remindAfter: number }
  | { leadAfter: number }
  | { clock: CountingClock }
  | { urgent: boolean }
  | { summary: boolean };

/** Applies one change to the chat's desk (creating it with the defaults otherwise). */
export async function changeDesk(tx: Tx, chatId: string, change: DeskChange, by: string, now: Date): Promise<void> {
  const data = { ...change, updatedBy: by, updatedAt: now };
  await tx.helpdeskDesk.upsert({ where: { chatId }, create: { chatId, ...data }, update: data });
}
