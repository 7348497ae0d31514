/**
 * The sandbox console in a real browser (Debian's headless Chromium driven by playwright-core): each scenario goes
 * through the console's own controls, the bot's real endpoints and the Feishu emulator, and waits on conditions.
 * Screenshots are taken in every run; with SANDBOX_SCREENSHOTS=1 they replace the README's in docs/screenshots/,
 * otherwise they go to a temporary directory, so a test run leaves the checkout as it was. Skipped without
 * /usr/bin/chromium, except in CI.
 */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/start.js';
import { DEFAULT_WINDOW, WorkCalendar } from '../../src/domain/calendar.js';
import { galleryCards } from '../../src/sandbox/gallery.js';
import { DEMO_USERS, DUTY_GROUP, HELPDESK_GROUP } from '../../src/sandbox/demo.js';
import { eventually } from '../helpers/harness.js';
import {
  fillForm,
  latestFormMessageId,
  messageCard,
  missingFields,
  pressFormButton,
  readForm,
} from '../helpers/console-forms.js';
import { everyComponentForm } from '../helpers/form-card.js';
import { sandboxApi, sendCardAsBot, type SentCallback } from '../helpers/sandbox-forms.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS =
  process.env.SANDBOX_SCREENSHOTS === '1'
    ? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
    : `${mkdtempSync(join(tmpdir(), 'sandbox-shots-'))}/`;
const user = (userId: string) => DEMO_USERS.find((u) => u.user_id === userId)!;

describe.skipIf(!existsSync(CHROMIUM) && !process.env.CI)('sandbox console in a browser', { timeout: 120_000 }, () => {
  let sandbox: Sandbox;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    sandbox = await startSandbox({ env: { PORT: '0', DATA_DIR: 'memory://' }, log: createLogger('silent') });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await page.goto(sandbox.consoleUrl);
    await page.waitForSelector('body[data-ready="true"]');
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop();
  });

  const openChat = async (chatId: string) => {
    await page.click('button.tab[data-tab="chats"]');
    await page.click(`.chat-item[data-chat="${chatId}"]`);
  };
  const p2p = (userId: string) => sandbox.feishu.p2pChatId(user(userId).open_id);
  const fireSeed = async (seedId: string) => {
    await page.click('button.tab[data-tab="events"]');
    await page.click(`.seed-item[data-seed="${seedId}"]`);
    await page.locator('#fire-result').evaluate((node) => node.removeAttribute('data-status'));
    await page.click('#fire');
    await page.waitForSelector('#fire-result[data-status]');
    return page.getAttribute('#fire-result', 'data-status');
  };
  const waitForCard = (title: string) =>
    page.waitForSelector(`#messages .card-title:text-is("${title}")`, { timeout: 30_000 });
  const say = async (text: string) => {
    await page.fill('#text', text);
    await page.click('.composer button[type="submit"]');
  };

  it('a first chat renders the onboarding card', async () => {
    expect(await fireSeed('first-chat-v1')).toBe('200');
    await page.screenshot({ path: `${SHOTS}events.png` });
    await openChat(p2p('lilei'));
    await waitForCard('欢迎使用学习助手');
    // The card's own i18n content follows the console's language switch.
    await page.selectOption('#lang', 'en_us');
    await waitForCard('Welcome to the learning assistant');
    await page.selectOption('#lang', 'zh_cn');
    await page.screenshot({ path: `${SHOTS}onboarding.png` });
  });

  it("a passed course shows the learner's and the manager's cards", async () => {
    expect(await fireSeed('elearning-updated')).toBe('200');
    await openChat(p2p('lilei'));
    await waitForCard('课程已通过');
    await page.screenshot({ path: `${SHOTS}course-passed-learner.png` });
    await openChat(p2p('wangfang'));
    await waitForCard('团队成员通过了学习');
    const notice = page.locator('#messages .card:has(.card-title:text-is("团队成员通过了学习")) .card-md');
    expect(await notice.first().innerText()).toContain('李雷');
    await page.screenshot({ path: `${SHOTS}course-passed-manager.png` });
  });

  it('Claim on a ticket shows its toast and every copy of the card changes', async () => {
    expect(await fireSeed('ticket-created')).toBe('200');
    const copies = () =>
      sandbox.feishu.messages.filter((m) => m.chat_id === HELPDESK_GROUP.chat_id || m.chat_id === DUTY_GROUP.chat_id);
    await eventually(() => copies().length === 2, 30_000, 'a ticket card in each routed group');
    await openChat(HELPDESK_GROUP.chat_id);
    await waitForCard(cardTitleOf(copies()[0]!.content));
    await page.selectOption('#as-user', user('zhaomin').open_id);
    await page.click('#messages .card-button[data-value*="claim_ticket"]');
    await page.waitForSelector('.toast', { timeout: 30_000 });
    expect(await page.locator('.toast').first().innerText()).not.toBe('');
    await eventually(
      () => copies().every((m) => m.updated && m.content.includes(`<at id=${user('zhaomin').open_id}>`)),
      30_000,
      'both copies claimed',
    );
    await page.waitForSelector('#messages .msg.from-bot .who:has-text("updated")');
    await page.screenshot({ path: `${SHOTS}ticket-claimed.png` });
    await openChat(DUTY_GROUP.chat_id);
    await page.waitForSelector('#messages .card:has-text("赵敏")');
    expect(await page.locator('#messages .card-button[data-value*="claim_ticket"]').count()).toBe(0);
    expect(await page.locator('#messages .card').last().innerText()).toContain('VPN 连不上');

    // "New ids" gives new event ids and keeps the ticket: its update changes the same two cards.
    await page.click('button.tab[data-tab="events"]');
    const before = await page.inputValue('#seed-body');
    await page.click('#reload-seed');
    await eventually(async () => (await page.inputValue('#seed-body')) !== before, 30_000, 'new event ids');
    expect(await fireSeed('ticket-updated')).toBe('200');
    await eventually(
      () => copies().every((m) => m.content.includes('处理中')),
      30_000,
      'both copies show the new status',
    );
    expect(copies()).toHaveLength(2);
  });

  it('opening a new chat is a first chat (welcome card); typing help shows the help card', async () => {
    await openChat(p2p('hanmeimei'));
    await waitForCard('欢迎使用学习助手');
    await say('help');
    await waitForCard('命令帮助');
    expect(await page.locator('#messages .card-title:text-is("欢迎使用学习助手")').count()).toBe(1);
    await page.waitForSelector('#messages .msg.from-user .bubble:text-is("help")');
    await page.screenshot({ path: `${SHOTS}help.png` });
  });

  it('an assigned course left alone for a week: advancing the clock shows the reminder card', async () => {
    expect(await fireSeed('elearning-assigned-stall')).toBe('200');
    await eventually(
      async () => (await sandbox.bot.database.prisma.job.count({ where: { kind: 'reminder' } })) > 0,
      30_000,
      'the reminder planned',
    );
    // The opening of the first working day after a week has passed, plus 45 minutes (past the spread of sends).
    const calendar = new WorkCalendar(DEFAULT_WINDOW);
    const weekLater = new Date(sandbox.clock.now().getTime() + 7 * 86_400_000);
    const to = new Date(calendar.nextWorkingDayOpening(weekLater, 'Asia/Shanghai').getTime() + 45 * 60_000);
    const res = await fetch(`${sandbox.consoleUrl}/api/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to: to.toISOString() }),
    });
    expect(res.status).toBe(200);
    await openChat(p2p('hanmeimei'));
    await waitForCard('学习提醒');
    expect(await page.locator('#messages .card:has-text("学习提醒")').last().innerText()).toContain(
      '飞书学习中的一门课程',
    );
    await page.screenshot({ path: `${SHOTS}reminder.png` });
    // In a direct chat the console clicks as the chat's person: the learner the reminder is for.
    await page.click('#messages .card-button[data-value*="reminder_snooze"]');
    await page.waitForSelector('.toast', { timeout: 30_000 });
    await page.waitForSelector('#messages .card:has-text("将在")', { timeout: 30_000 });
  });

  it('a 429 from the emulator is retried and the card arrives', async () => {
    // The chat is opened (and its welcome card sent) before the failures are scripted: they are for the answer.
    await openChat(p2p('zhangwei'));
    await waitForCard('欢迎使用学习助手');
    await page.click('button.tab[data-tab="queues"]');
    await page.fill('#fail-times', '2');
    await page.selectOption('#fail-kind', '429');
    await page.click('#fail');
    await page.waitForSelector('#pending-failures:has-text("2 scripted")');
    await openChat(p2p('zhangwei'));
    await say('help');
    await waitForCard('命令帮助');
    const refused = sandbox.feishu.requests.filter((r) => r.scripted === 'status' && r.status === 429);
    expect(refused.length).toBe(2);
    await page.click('button.tab[data-tab="queues"]');
    await page.waitForSelector('#outbox tbody tr.status-sent td:nth-child(5):text-is("3")');
    // The errors of the refused attempts stay in the row that went through.
    const row = page.locator('#outbox tbody tr.status-sent:has(td:nth-child(5):text-is("3"))').first();
    expect(await row.locator('td:nth-child(6)').innerText()).toContain('429');
    await page.screenshot({ path: `${SHOTS}queues-429-retried.png` });
  });

  it('a form card: initial values, required fields, reset, form_value to the bot, its answer in place', async () => {
    const admin = user('zhaomin');
    const people = DEMO_USERS.map((u) => u.open_id);
    // The form's submit claims the demo ticket, which the bot answers with the ticket's card.
    expect(await fireSeed('ticket-created')).toBe('200');
    const seeds = (await (await sandboxApi(sandbox, 'seeds')).json()) as Seed[];
    const ticketId = seeds.find((s) => s.id === 'ticket-created')!.body.event.ticket_id;
    await eventually(
      async () => (await sandbox.bot.database.prisma.helpdeskTicket.count({ where: { ticketId } })) === 1,
      30_000,
      'the ticket stored',
    );
    const sent = await sendCardAsBot(
      sandbox,
      admin.open_id,
      everyComponentForm(people, { action: 'claim_ticket', ticket: ticketId }),
    );
    expect(sent.status).toBe(200);
    const messageId = sent.body.data.message_id;
    await openChat(p2p('zhaomin'));
    expect(await latestFormMessageId(page)).toBe(messageId);
    const card = messageCard(page, messageId);
    const initial = {
      title: 'Security basics',
      notes: '',
      level: 'basic',
      days: ['mon'],
      owner: '',
      reviewers: [people[0]],
      due: '2026-12-24',
      at: '',
      starts: '2026-12-28 09:30',
      notify: true,
    };
    expect(await readForm(card)).toEqual(initial);
    // Person pickers show the people by name.
    expect(await card.getByLabel('Owner', { exact: true }).locator('option').allTextContents()).toEqual(
      expect.arrayContaining(DEMO_USERS.map((u) => u.name)),
    );

    const submits: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/sandbox/api/submit')) submits.push(r.url());
    });
    await fillForm(card, { Owner: '王芳' });
    await pressFormButton(card, 'Save');
    await card.locator('.form-error:text-is("有必填项未填写")').waitFor();
    expect(await missingFields(card)).toEqual(['at']);
    expect(await card.getByLabel('Reminder time', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(submits).toEqual([]);
    await page.screenshot({ path: `${SHOTS}form-required.png` });

    const filled = {
      Title: '信息安全 2027',
      Notes: 'Bring a laptop',
      Level: 'Advanced',
      Days: ['Wednesday', 'Friday'],
      Owner: '王芳',
      Reviewers: ['韩梅梅', '张伟'],
      'Due date': '2027-01-04',
      'Reminder time': '18:05',
      Starts: '2027-01-05 08:00',
      'Notify managers': false,
    };
    await fillForm(card, filled);
    await pressFormButton(card, 'Reset');
    expect(await readForm(card)).toEqual(initial);
    expect(await missingFields(card)).toEqual([]);

    // What was typed stays while other messages arrive and the chat is drawn again.
    await fillForm(card, filled);
    await say('help');
    await waitForCard('命令帮助');
    const id = (userId: string) => user(userId).open_id;
    const expected = {
      title: '信息安全 2027',
      notes: 'Bring a laptop',
      level: 'advanced',
      days: ['wed', 'fri'],
      owner: id('wangfang'),
      reviewers: [id('hanmeimei'), id('zhangwei')],
      due: '2027-01-04',
      at: '18:05',
      starts: '2027-01-05 08:00',
      notify: false,
    };
    expect(await readForm(card)).toEqual(expected);
    await page.screenshot({ path: `${SHOTS}form-filled.png` });

    const callbacksBefore = (await (await sandboxApi(sandbox, 'callbacks')).json()) as SentCallback[];
    await pressFormButton(card, 'Save');
    await page.waitForSelector('.toast', { timeout: 30_000 });
    const last = await eventually(
      async () => {
        const all = (await (await sandboxApi(sandbox, 'callbacks')).json()) as SentCallback[];
        return all.length > callbacksBefore.length ? all.at(-1) : undefined;
      },
      30_000,
      'the callback sent',
    );
    expect(submits).toHaveLength(1);
    expect(last.message_id).toBe(messageId);
    expect(last.action).toEqual({
      value: { action: 'claim_ticket', ticket: ticketId },
      tag: 'button',
      timezone: 'Asia/Shanghai',
      name: 'save',
      form_value: {
        ...expected,
        due: '2027-01-04 +0800',
        at: '18:05 +0800',
        starts: '2027-01-05 08:00 +0800',
      },
    });
    // The answer's card (the ticket) is shown in place of the form.
    await card.locator('.card-title').filter({ hasNotText: '表单演示' }).waitFor({ timeout: 30_000 });
    expect(await card.locator('form.card-form').count()).toBe(0);
    expect(await card.locator('.who').innerText()).toContain('updated');
    await page.screenshot({ path: `${SHOTS}form-answered.png` });
    // The queues panel lists the callback with its form values.
    await page.click('button.tab[data-tab="queues"]');
    const row = page.locator('#callbacks tbody tr').first();
    await row.locator('td:has-text("18:05 +0800")').waitFor({ timeout: 30_000 });
    expect(await row.locator('td:nth-child(3)').innerText()).toBe('save');
  });

  it('the card gallery renders every card in both languages', async () => {
    const gallery = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await gallery.goto(`${sandbox.consoleUrl}/cards`);
    await gallery.waitForSelector('body[data-ready]');
    const expected = galleryCards().length;
    expect(await gallery.locator('.gallery-cell[data-lang="zh_cn"] .card').count()).toBe(expected);
    expect(await gallery.locator('.gallery-cell[data-lang="en_us"] .card').count()).toBe(expected);
    expect(await gallery.locator('.gallery-cell[data-lang="en_us"] .card-title').allTextContents()).toContain(
      'Commands',
    );
    // A mention shows the person's name, as Feishu shows it, never the open_id.
    const mentions = (lang: string) => gallery.locator(`.gallery-cell[data-lang="${lang}"] .md-at`).allTextContents();
    expect(await mentions('zh_cn')).toContain('@赵敏');
    expect(await mentions('en_us')).toContain('@Zhao Min');
    expect([...(await mentions('zh_cn')), ...(await mentions('en_us'))].join(' ')).not.toContain('ou_demo');
    // Every component is drawn (none shown as an unknown tag); each card with a form shows it with its controls.
    expect(await gallery.locator('.card-unknown').allTextContents()).toEqual([]);
    const withForms = galleryCards().filter((c) => JSON.stringify(c.card).includes('"tag":"form"'));
    expect(await gallery.locator('.gallery-cell[data-lang="en_us"] .card:has(form.card-form)').count()).toBe(
      withForms.length,
    );
    for (const form of await gallery.locator('.gallery-cell form.card-form').all()) {
      expect(await form.locator('.form-control').count()).toBeGreaterThan(0);
      expect(await form.locator('button[data-form-action="submit"]').count()).toBeGreaterThan(0);
    }
    await gallery.screenshot({ path: `${SHOTS}card-gallery.png`, fullPage: false });
    await gallery.close();
  });
});

interface Seed {
  id: string;
  body: { event: { ticket_id: string } };
}

function cardTitleOf(content: string): string {
  const card = JSON.parse(content) as { header?: { title?: { content?: string } } };
  return card.header?.title?.content ?? '';
}
