/**
 * A submitted admin form (`settings`, `settings routes`, `settings courses`): only an admin may submit; the values
 * are checked in full, then saved all together in one transaction with one audit row naming, per changed field,
 * the value before and after. A repeated delivery of the same submit (Feishu retries) is answered from that row
 * and changes nothing. The answer is a toast and the form again, its initial values the ones now in force.
 */
import { localize, t, type I18nText } from '../../cards/kit.js';
import { coursesFormCard } from '../../cards/courses-form.js';
import { peopleFormCard } from '../../cards/people-form.js';
import { toast } from '../../cards/reply.js';
import { settingsFormCard } from '../../cards/settings-form.js';
import { audited } from '../commands/run/common.js';
import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import type { Tx } from '../db/tx.js';
import type { Clock } from '../domain/clock.js';
import { changesDetail, type FormChange, type FormSubmit } from '../forms/changes.js';
import { coursesChanges, coursesFormInput } from '../forms/courses.js';
import { peopleChanges, peopleFormInput } from '../forms/people.js';
import { settingsChanges, settingsFormInput } from '../forms/settings.js';
import { FormProblem } from '../forms/values.js';
import { isAdmin } from '../recipients/admins.js';
import { preferencesFor } from '../recipients/preferences.js';
import type { Services } from '../services/index.js';
import { CLICK_LOOKUP_BUDGET_MS, type CardAction, type CardActionResult } from './callback.js';
import { recordAction } from './record.js';

export interface FormDeps {
  db: Db;
  config: Config;
  clock: Clock;
  services: Services;
}

export const FORM_KINDS = ['settings', 'people', 'courses'] as const;
export type FormKind = (typeof FORM_KINDS)[number];
export const isFormKind = (v: unknown): v is FormKind => FORM_KINDS.includes(v as FormKind);

interface FormSpec {
  changes: (submit: FormSubmit) => Promise<FormChange[]>;
  /** The form as it is now, with the outcome of the submit at its top. */
  card: (
    tx: Tx,
    config: Config,
    openId: string,
    now: Date,
    found: Lookups,
    outcome: I18nText,
    /** The chat listed first on the submitted card, listed first again. */
    first: string | undefined,
  ) => Promise<Record<string, unknown>>;
}

const FORMS: Record<FormKind, FormSpec> = {
  settings: {
    changes: settingsChanges,
    card: async (tx, config, openId, now, found, outcome, first) =>
      settingsFormCard({ ...(await settingsFormInput(tx, config, openId, now, found.names, first)), outcome }),
  },
  people: {
    changes: peopleChanges,
    card: async (tx, config, _openId, _now, found, outcome, first) =>
      peopleFormCard({ ...(await peopleFormInput(tx, config, found.names, first, found.members)), outcome }),
  },
  courses: {
    changes: coursesChanges,
    card: async (tx, _config, _openId, _now, _found, outcome) =>
      coursesFormCard({ ...(await coursesFormInput(tx)), outcome }),
  },
};

/** What the answer card shows from Feishu: the chats' names, and the people in the helpdesk chats listed. */
interface Lookups {
  names: Map<string, string>;
  members: Map<string, string[]>;
}

const stringsIn = (v: unknown) => (Array.isArray(v) ? v : []).filter((x): x is string => typeof x === 'string');

/** What `lookup` gives when it comes within the click's lookup budget, else `fallback`. */
async function inBudget<T>(lookup: Promise<T>, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), CLICK_LOOKUP_BUDGET_MS);
  });
  try {
    return await Promise.race([lookup.catch(() => fallback), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The lookups for the answer card, each as far as it comes within the click's lookup budget. */
async function lookups(services: Services, button: Record<string, unknown>): Promise<Lookups> {
  const ids = [...new Set([...stringsIn(button.chats), ...stringsIn(button.desks)])].slice(0, 60);
  const desks = stringsIn(button.desks).slice(0, 5);
  const [names, members] = await Promise.all([
    ids.length > 0 ? inBudget(services.chats.names(ids), new Map<string, string>()) : new Map<string, string>(),
    Promise.all(desks.map(async (c) => [c, await inBudget(services.chats.members(c), [])] as const)),
  ]);
  return { names, members: new Map(members) };
}

/** The first chat the submitted card listed among the helpdesk chats. */
const firstChat = (button: Record<string, unknown>): string | undefined => {
  const list = Array.isArray(button.desks) ? button.desks : Array.isArray(button.chats) ? button.chats : [];
  return typeof list[0] === 'string' ? list[0] : undefined;
};

const savedText = (n: number) => t(`已保存 ${n} 项更改。`, `Saved ${n} ${n === 1 ? 'change' : 'changes'}.`);

export async function submitForm(deps: FormDeps, action: CardAction, kind: FormKind): Promise<CardActionResult> {
  const { db, config } = deps;
  const openId = action.operatorOpenId;
  if (!(await isAdmin(db, config, openId))) {
    await db.$transaction((tx) => recordAction(tx, action, 'form', kind, 'not_admin'));
    return {
      toast: toast(
        'error',
        t('只有管理员可以修改设置，什么都没有改变。', 'Only admins can change settings; nothing was changed.'),
      ),
    };
  }
  const spec = FORMS[kind];
  const found = await lookups(deps.services, action.value);
  let saved: number | null = null;
  try {
    const { card } = await audited(
      {
        db,
        config,
        services: deps.services,
        actor: { openId },
        // A repeated delivery of this submit is answered with the reply stored with the change.
        requestId: `card:${action.id}`,
        chat: { chatId: action.chatId ?? '', chatType: 'group' },
        wakeWaiting: () => {},
        now: () => deps.clock.now(),
      },
      `form ${kind}`,
      async (tx, now) => {
        const changes = await spec.changes({
          tx,
          config,
          openId,
          now,
          form: action.formValue,
          button: action.value,
        });
        for (const change of changes) await change.write(tx);
        saved = changes.length;
        await recordAction(tx, action, 'form', kind, changes.length > 0 ? 'saved' : 'unchanged');
        const outcome =
          changes.length > 0
            ? savedText(changes.length)
            : t('没有更改：所有值与当前设置相同。', 'Nothing changed: every value was already in force.');
        const card = await spec.card(tx, config, openId, now, found, outcome, firstChat(action.value));
        return { card, detail: changes.length > 0 ? changesDetail(kind, changes) : null };
      },
    );
    const { lang } = await preferencesFor(db, config, openId);
    const answer = lang ? localize(card, lang) : card;
    if (saved === 0)
      return {
        toast: toast(
          'info',
          t('没有更改：所有值与当前设置相同。', 'Nothing changed: every value was already in force.'),
        ),
        card: answer,
      };
    // `saved` is null when this submit was saved before (a repeated delivery): it is answered as then.
    return { toast: toast('success', saved === null ? t('已保存。', 'Saved.') : savedText(saved)), card: answer };
  } catch (err) {
    if (err instanceof FormProblem) {
      await db.$transaction((tx) => recordAction(tx, action, 'form', kind, 'refused'));
      return { toast: toast('error', err.problem) };
    }
    throw err;
  }
}
