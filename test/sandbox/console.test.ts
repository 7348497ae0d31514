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
    expect(await page.locator('#messages .card-md').first().innerText()).toContain('李雷');
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

  it('typing help shows the help card', async () => {
    await openChat(p2p('hanmeimei'));
    await say('help');
    await waitForCard('命令帮助');
    await page.waitForSelector('#messages .msg.from-user .bubble:text-is("help")');
    await page.screenshot({ path: `${SHOTS}help.png` });
  });

  it('a 429 from the emulator is retried and the card arrives', async () => {
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
    await page.screenshot({ path: `${SHOTS}queues-429-retried.png` });
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
    await gallery.screenshot({ path: `${SHOTS}card-gallery.png`, fullPage: false });
    await gallery.close();
  });
});

function cardTitleOf(content: string): string {
  const card = JSON.parse(content) as { header?: { title?: { content?: string } } };
  return card.header?.title?.content ?? '';
}
