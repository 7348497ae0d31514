/**
 * The notification policy and personalisation, over a stand-in for the three tables they read (settings, routes,
 * user preferences): switched-off kinds, mutes, languages and team feeds.
 */
import { describe, expect, it } from 'vitest';
import { card, markdown, t } from '../../cards/kit.js';
import type { Tx } from '../../src/db/tx.js';
import type { NotificationDraft } from '../../src/domain/draft.js';
import { applyPolicy, personalise } from '../../src/outbox/policy.js';

interface Tables {
  settings?: { key: string; value: unknown }[];
  routes?: { kind: string; chatId: string; scope?: string }[];
  prefs?: { openId: string; lang?: string | null; mutedKinds?: string[]; timeZone?: string | null }[];
}

/** Answers the queries the policy makes (`where: { key|kind|openId: { in } }`), from arrays. */
function tables(data: Tables): Tx {
  const inList = (where: Record<string, { in: string[] }> | undefined, field: string, value: string) =>
    !where?.[field] || where[field]!.in.includes(value);
  const prefs = (data.prefs ?? []).map((p) => ({ lang: null, mutedKinds: [], timeZone: null, ...p }));
  return {
    setting: {
      findMany: async ({ where }: { where?: Record<string, { in: string[] }> }) =>
        (data.settings ?? []).filter((s) => inList(where, 'key', s.key)),
    },
    route: {
      findMany: async ({ where }: { where?: Record<string, { in: string[] }> }) =>
        (data.routes ?? []).filter((r) => inList(where, 'kind', r.kind)),
    },
    userPreference: {
      findMany: async ({ where }: { where?: Record<string, { in: string[] }> }) =>
        prefs.filter((p) => inList(where, 'openId', p.openId)),
      findUnique: async ({ where }: { where: { openId: string } }) =>
        prefs.find((p) => p.openId === where.openId) ?? null,
    },
  } as unknown as Tx;
}

const bilingual = () =>
  card({
    title: t('完成', 'Done'),
    template: 'green',
    summary: t('完成', 'Done'),
    elements: [markdown(t('你好', 'Hello'), 'm')],
  });
const locales = (c: Record<string, unknown> | undefined) => (c as { config?: { locales?: string[] } }).config?.locales;

const toLearner = (openId: string, extra: Partial<NotificationDraft> = {}): NotificationDraft => ({
  key: `k:${openId}`,
  kind: 'completions',
  role: 'learner',
  receiveIdType: 'open_id',
  receiveId: openId,
  card: bilingual(),
  ...extra,
});

describe('applyPolicy', () => {
  it('drops every draft of a kind an admin switched off, and keeps the others', async () => {
    const tx = tables({
      settings: [
        { key: 'notify.completions', value: false },
        { key: 'notify.exams', value: true },
      ],
    });
    const kept = await applyPolicy(tx, [toLearner('ou_a'), toLearner('ou_b', { kind: 'exams', key: 'e' })]);
    expect(kept.map((d) => d.key)).toEqual(['e']);
  });

  it('never drops a kind that cannot be switched off (a chat reply)', async () => {
    const tx = tables({ settings: [{ key: 'notify.reply', value: false }] });
    const reply: NotificationDraft = {
      key: 'reply',
      kind: 'reply',
      role: 'chat',
      receiveIdType: 'chat_id',
      receiveId: 'oc_1',
      card: bilingual(),
    };
    expect(await applyPolicy(tx, [reply])).toHaveLength(1);
  });

  it('adds one team-feed copy per chat routed for the kind; strips the feed card from the personal draft', async () => {
    const feedCard = bilingual();
    const tx = tables({
      routes: [
        { kind: 'completions', chatId: 'oc_team' },
        { kind: 'exams', chatId: 'oc_exams' },
      ],
    });
    const out = await applyPolicy(tx, [toLearner('ou_a', { feedCard, subject: 'record:1' })]);
    expect(out).toHaveLength(2);
    expect(out[0]).not.toHaveProperty('feedCard');
    expect(out[1]).toMatchObject({
      key: 'k:ou_a:feed:oc_team',
      kind: 'completions',
      role: 'chat',
      receiveIdType: 'chat_id',
      receiveId: 'oc_team',
      subject: 'record:1',
    });
    expect(out[1]!.card).toEqual(feedCard);
  });

  it('drops the team feed along with its draft when the kind is switched off', async () => {
    const tx = tables({
      settings: [{ key: 'notify.completions', value: false }],
      routes: [{ kind: 'completions', chatId: 'oc_team' }],
    });
    expect(await applyPolicy(tx, [toLearner('ou_a', { feedCard: bilingual() })])).toEqual([]);
  });
});

describe('personalise', () => {
  it("drops a learner's draft of a kind they muted, but not a manager's notice of that kind", async () => {
    const tx = tables({ prefs: [{ openId: 'ou_a', mutedKinds: ['completions'] }] });
    const out = await personalise(tx, [toLearner('ou_a'), toLearner('ou_a', { key: 'm', role: 'manager' })]);
    expect(out.map((d) => d.key)).toEqual(['m']);
  });

  it('keeps a muted kind for other recipients and other kinds for the one who muted', async () => {
    const tx = tables({ prefs: [{ openId: 'ou_a', mutedKinds: ['exams'] }] });
    const out = await personalise(tx, [toLearner('ou_a'), toLearner('ou_b', { kind: 'exams', key: 'b' })]);
    expect(out.map((d) => d.key)).toEqual(['k:ou_a', 'b']);
  });

  it("puts a card in the recipient's chosen language, and leaves it bilingual without a choice", async () => {
    const tx = tables({
      prefs: [
        { openId: 'ou_en', lang: 'en' },
        { openId: 'ou_zh', lang: 'zh' },
      ],
    });
    const [en, zh, none] = await personalise(tx, [toLearner('ou_en'), toLearner('ou_zh'), toLearner('ou_x')]);
    expect(JSON.stringify(en!.card)).toContain('Hello');
    expect(JSON.stringify(en!.card)).not.toContain('你好');
    expect(JSON.stringify(zh!.card)).toContain('你好');
    expect(JSON.stringify(zh!.card)).not.toContain('Hello');
    expect(locales(none!.card)).toEqual(locales(bilingual()));
  });

  it('leaves drafts to chats untouched and reads no preferences for them', async () => {
    const tx = tables({ prefs: [{ openId: 'oc_1', lang: 'en', mutedKinds: ['completions'] }] });
    const chat: NotificationDraft = {
      key: 'c',
      kind: 'completions',
      role: 'chat',
      receiveIdType: 'chat_id',
      receiveId: 'oc_1',
      card: bilingual(),
    };
    expect(await personalise(tx, [chat])).toEqual([chat]);
  });
});
