/**
 * The admin forms in the sandbox console, in a real browser (Debian's headless Chromium driven by playwright-core):
 * the demo admin sends `settings`, changes settings in the card's form and submits; the bot's answer replaces the
 * card in place with the values now in force, the toast shows, and the settings really changed. A refused value
 * shows the error toast and changes neither the card nor the settings. Skipped without /usr/bin/chromium, except in
 * CI.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/start.js';
import { DEMO_ADMIN, DEMO_DESK, DEMO_USERS } from '../../src/sandbox/demo.js';
import { deskOf } from '../../src/recipients/desks.js';
import { routedChats } from '../../src/recipients/routes.js';
import { DAILY_CAP_SETTING } from '../../src/jobs/runner.js';
import { notifySettingKey } from '../../src/domain/keys.js';
import { fillForm, latestFormMessageId, messageCard, pressFormButton, readForm } from '../helpers/console-forms.js';
import { eventually } from '../helpers/harness.js';

const CHROMIUM = '/usr/bin/chromium';

describe.skipIf(!existsSync(CHROMIUM) && !process.env.CI)('admin forms in the console', { timeout: 120_000 }, () => {
  let sandbox: Sandbox;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    sandbox = await startSandbox({ env: { PORT: '0', DATA_DIR: 'memory://' }, log: createLogger('silent') });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await page.goto(sandbox.consoleUrl);
    await page.waitForSelector('body[data-ready="true"]');
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop();
  });

  const adminChat = () => sandbox.feishu.p2pChatId(DEMO_ADMIN.open_id);
  const openAdminChat = async () => {
    await page.click('button.tab[data-tab="chats"]');
    await page.click(`.chat-item[data-chat="${adminChat()}"]`);
  };
  const say = async (text: string) => {
    await page.fill('#text', text);
    await page.click('.composer button[type="submit"]');
  };
  const setting = async (key: string) =>
    (await sandbox.bot.database.prisma.setting.findUnique({ where: { key } }))?.value ?? null;
  const clearToasts = () => page.locator('#toasts').evaluate((node) => node.replaceChildren());
  /** A form card the bot sends after `text`, newer than the ones in the chat before. */
  const formAfter = async (text: string) => {
    const before = new Set(sandbox.feishu.messages.map((m) => m.message_id));
    await say(text);
    const message = await eventually(
      () => sandbox.feishu.messages.find((m) => !before.has(m.message_id) && m.content.includes('"tag":"form"')),
      30_000,
      `the form card for "${text}"`,
    );
    await eventually(async () => (await latestFormMessageId(page)) === message.message_id, 30_000, 'card shown');
    return message.message_id;
  };

  it('changing settings in the form updates the card in place; the change is saved', async () => {
    await openAdminChat();
    const messageId = await formAfter('settings');
    const card = messageCard(page, messageId);
    const shown = await readForm(card);
    expect(shown.notify_exams).toBe(true);
    const cap = String(sandbox.config.REMINDER_DAILY_CAP);
    expect(shown.daily_cap).toBe(cap);
    const newCap = cap === '7' ? '8' : '7';

    await clearToasts();
    await fillForm(card, { 考试: false, '每人每天最多提醒条数（0–20）': newCap });
    await pressFormButton(card, '保存');
    await page.locator('.toast.toast-success').waitFor({ timeout: 30_000 });
    expect(await page.locator('.toast.toast-success').innerText()).toBe('已保存 2 项更改。');
    // The answer's card replaces the form in place: the same message, its initial values the saved ones.
    await card.locator('.who:has-text("updated")').waitFor({ timeout: 30_000 });
    await card.locator('form.card-form').waitFor();
    expect(await card.innerText()).toContain('已保存 2 项更改。');
    expect(await readForm(card)).toEqual({ ...shown, notify_exams: false, daily_cap: newCap });
    expect(sandbox.feishu.messages.find((m) => m.message_id === messageId)?.updated).toBeTruthy();
    // The settings really changed, and a later `settings` shows them.
    expect(await setting(DAILY_CAP_SETTING)).toBe(Number(newCap));
    expect(await setting(notifySettingKey('exams'))).toBe(false);
    const again = messageCard(page, await formAfter('settings'));
    expect(await readForm(again)).toMatchObject({ notify_exams: false, daily_cap: newCap });
  });

  it('a refused value shows the error toast and changes neither the card nor the settings', async () => {
    await openAdminChat();
    const messageId = await formAfter('settings');
    const card = messageCard(page, messageId);
    const shown = await readForm(card);
    const stored = sandbox.feishu.messages.find((m) => m.message_id === messageId)!;
    const content = stored.content;
    const capBefore = await setting(DAILY_CAP_SETTING);
    const auditsBefore = await sandbox.bot.database.prisma.auditLog.count();

    await clearToasts();
    await fillForm(card, { '每人每天最多提醒条数（0–20）': '99', 考试: true });
    await pressFormButton(card, '保存');
    await page.locator('.toast.toast-error').waitFor({ timeout: 30_000 });
    expect(await page.locator('.toast.toast-error').innerText()).toContain('每人每天最多提醒条数');
    // The refused submit's callback is answered with the toast only: the card stays as it was sent.
    const callbacks = (await (await fetch(`${sandbox.consoleUrl}/api/callbacks`)).json()) as {
      message_id: string;
      answer: { body: { card?: unknown } };
    }[];
    expect(callbacks.at(-1)?.message_id).toBe(messageId);
    expect(callbacks.at(-1)?.answer.body.card).toBeUndefined();
    expect(sandbox.feishu.messages.find((m) => m.message_id === messageId)?.content).toBe(content);
    expect(await card.locator('.who').innerText()).not.toContain('updated');
    // What the admin typed stays in the form to correct; nothing was saved.
    expect(await readForm(card)).toEqual({ ...shown, daily_cap: '99', notify_exams: true });
    expect(await setting(DAILY_CAP_SETTING)).toEqual(capBefore);
    expect(await setting(notifySettingKey('exams'))).toBe(false);
    expect(await sandbox.bot.database.prisma.auditLog.count()).toBe(auditsBefore);
  });

  /** The value of the form's submit button on a card the bot sent (what the card offered and listed). */
  const submitValue = (messageId: string): Record<string, unknown> => {
    const content = sandbox.feishu.messages.find((m) => m.message_id === messageId)!.content;
    const found: Record<string, unknown>[] = [];
    JSON.parse(content, (_key, v: unknown) => {
      const b = v as { form_action_type?: string; behaviors?: { value: Record<string, unknown> }[] };
      if (b && b.form_action_type === 'submit' && b.behaviors) found.push(b.behaviors[0]!.value);
      return v;
    });
    return found[0]!;
  };
  const nameOf = (openId: string) => DEMO_USERS.find((u) => u.open_id === openId)?.name ?? openId;

  it("routes: a person picker in a direct chat offers the helpdesk chat's people; one is added", async () => {
    await openAdminChat();
    const messageId = await formAfter('settings routes');
    const card = messageCard(page, messageId);
    const desks = submitValue(messageId).desks as string[];
    const i = desks.indexOf(DEMO_DESK.chatId);
    expect(i).toBeGreaterThanOrEqual(0);
    const duty = card.locator(`select[name="desk${i}_duty"]`);
    // Offered by name: the people in the helpdesk chat, not only the one on duty now (in a direct chat a picker
    // without options would offer the admin alone).
    const offered = await duty.locator('option').allTextContents();
    const newcomer = DEMO_USERS.find((u) => u.open_id === 'ou_demo_wangfang')!;
    expect(DEMO_DESK.duty).not.toContain(newcomer.open_id);
    expect(offered).toEqual(expect.arrayContaining(['王芳', '张伟', '赵敏']));
    expect(await readForm(card)).toMatchObject({ [`desk${i}_duty`]: DEMO_DESK.duty });

    await clearToasts();
    await duty.selectOption([...DEMO_DESK.duty.map(nameOf), newcomer.name].map((label) => ({ label })));
    await pressFormButton(card, '保存');
    await page.locator('.toast.toast-success').waitFor({ timeout: 30_000 });
    await card.locator('.who:has-text("updated")').waitFor({ timeout: 30_000 });
    expect((await deskOf(sandbox.bot.database.prisma, sandbox.config, DEMO_DESK.chatId)).duty).toEqual([
      ...DEMO_DESK.duty,
      newcomer.open_id,
    ]);
    // The answer's card shows the saved people chosen, and still offers the others.
    await eventually(
      async () =>
        (await readForm(card))[`desk${i}_duty`]?.toString() === [...DEMO_DESK.duty, newcomer.open_id].toString(),
      30_000,
      'the answer card with the new person on duty',
    );
    expect(await card.locator(`select[name="desk${i}_leads"] option`).allTextContents()).toEqual(
      expect.arrayContaining(['王芳', '张伟', '赵敏']),
    );
  });

  it('emptying a person picker and a route clears them (Feishu leaves emptied fields out of a submit)', async () => {
    await openAdminChat();
    const messageId = await formAfter('settings routes');
    const card = messageCard(page, messageId);
    const desks = submitValue(messageId).desks as string[];
    const i = desks.indexOf(DEMO_DESK.chatId);
    const leadsBefore = (await deskOf(sandbox.bot.database.prisma, sandbox.config, DEMO_DESK.chatId)).leads;
    expect(leadsBefore.length).toBeGreaterThan(0);
    const ticketChats = await routedChats(sandbox.bot.database.prisma, 'tickets');
    expect(ticketChats.length).toBeGreaterThan(1);
    const dropped = ticketChats.find((c) => c !== DEMO_DESK.chatId)!;

    await clearToasts();
    await card.locator(`select[name="desk${i}_leads"]`).selectOption([]);
    // Tickets stay routed to the helpdesk chat only.
    const tickets = card.locator('select[name="route_tickets"]');
    const keep = await tickets.locator(`option[value="${DEMO_DESK.chatId}"]`).innerText();
    await tickets.selectOption([{ label: keep }]);
    const callbacksBefore = (await (await fetch(`${sandbox.consoleUrl}/api/callbacks`)).json()) as unknown[];
    await pressFormButton(card, '保存');
    await page.locator('.toast.toast-success').waitFor({ timeout: 30_000 });
    const callbacks = (await (await fetch(`${sandbox.consoleUrl}/api/callbacks`)).json()) as {
      action: { form_value: Record<string, unknown> };
    }[];
    expect(callbacks.length).toBe(callbacksBefore.length + 1);
    // The emptied picker was not submitted at all, as Feishu does.
    expect(Object.keys(callbacks.at(-1)!.action.form_value)).not.toContain(`desk${i}_leads`);
    expect((await deskOf(sandbox.bot.database.prisma, sandbox.config, DEMO_DESK.chatId)).leads).toEqual([]);
    expect(await routedChats(sandbox.bot.database.prisma, 'tickets')).not.toContain(dropped);
    await eventually(
      async () => {
        const shown = await readForm(card);
        return (
          JSON.stringify(shown[`desk${i}_leads`]) === '[]' && !JSON.stringify(shown.route_tickets).includes(dropped)
        );
      },
      30_000,
      'the answer card with no leads and the route removed',
    );
  });
});
