import { describe, expect, it } from 'vitest';
import { onboardingCard } from '../../cards/onboarding.js';
import { MAX_CARD_BYTES, assertCardSize, cardBytes } from '../../cards/kit.js';

describe('onboarding card', () => {
  it.each([false, true])('matches its snapshot (admin: %s)', (isAdmin) => {
    expect(onboardingCard({ isAdmin })).toMatchSnapshot();
  });

  it('is card JSON 2.0, Chinese by default with English i18n, and under 30 KB', () => {
    const card = onboardingCard({ isAdmin: false }) as {
      schema: string;
      config: { locales: string[] };
      header: { title: { content: string; i18n_content: { en_us: string } } };
      body: { elements: { tag: string; content?: string }[] };
    };
    expect(card.schema).toBe('2.0');
    expect(card.config.locales).toEqual(['zh_cn', 'en_us']);
    expect(card.header.title.content).toMatch(/[\u4e00-\u9fff]/);
    expect(card.header.title.i18n_content.en_us).toMatch(/^[\x20-\x7e]+$/);
    const text = JSON.stringify(card);
    for (const word of ['学员', '经理', '管理员', 'help', 'Learners', 'Managers', 'Admins'])
      expect(text).toContain(word);
    expect(cardBytes(card)).toBeLessThan(MAX_CARD_BYTES);
  });

  it('tells admins about the admin commands, and only admins', () => {
    // The line that names the admin command, in both languages; the non-admin card mentions "status" elsewhere.
    const adminLine = ['发送「状态」', 'send `status` to see how it is doing'];
    const admin = JSON.stringify(onboardingCard({ isAdmin: true }));
    const learner = JSON.stringify(onboardingCard({ isAdmin: false }));
    for (const text of adminLine) {
      expect(admin).toContain(text);
      expect(learner).not.toContain(text);
    }
  });

  it('assertCardSize refuses a card over 30 KB', () => {
    expect(() => assertCardSize({ big: 'x'.repeat(MAX_CARD_BYTES) })).toThrow(/at most/);
  });
});
