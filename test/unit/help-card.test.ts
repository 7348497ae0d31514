import { describe, expect, it } from 'vitest';
import { helpCard as buildHelpCard } from '../../cards/help.js';
import { helpCardInput } from '../../src/commands/catalog.js';

import { MAX_CARD_BYTES, assertCardSize, cardBytes } from '../../cards/kit.js';
import { COMMANDS } from '../../src/commands/catalog.js';

const helpCard = ({ isAdmin }: { isAdmin: boolean }) => buildHelpCard(helpCardInput(isAdmin));

type Md = { tag: string; content?: string; i18n_content?: { zh_cn: string; en_us: string } };
const texts = (card: Record<string, unknown>) =>
  (card as { body: { elements: Md[] } }).body.elements
    .flatMap((e) => (e.tag === 'markdown' ? [e.content!, e.i18n_content!.en_us] : []))
    .join('\n');

const learner = COMMANDS.filter((c) => !c.adminOnly);
const admin = COMMANDS.filter((c) => c.adminOnly);

describe('help card', () => {
  it.each([false, true])('matches its snapshot (admin: %s)', (isAdmin) => {
    expect(helpCard({ isAdmin })).toMatchSnapshot();
  });

  it.each([false, true])('is card JSON 2.0 under 30 KB (admin: %s)', (isAdmin) => {
    const card = helpCard({ isAdmin }) as { schema: string; config: { locales: string[] } };
    expect(card.schema).toBe('2.0');
    expect(card.config.locales).toEqual(['zh_cn', 'en_us']);
    expect(() => assertCardSize(card)).not.toThrow();
    // Every command in both languages, with room to spare: at most half of what Feishu accepts.
    expect(cardBytes(card)).toBeLessThan(MAX_CARD_BYTES / 2);
  });

  it('lists the learner commands, in both languages, to everyone', () => {
    for (const isAdmin of [false, true]) {
      const text = texts(helpCard({ isAdmin }));
      for (const c of learner) {
        expect(text).toContain(`**${c.zh}**（${c.name}）`);
        expect(text).toContain(`**${c.name}** (${c.zh})`);
        expect(text).toContain(c.description.en);
      }
    }
  });

  it('lists the admin commands to admins only', () => {
    const forAdmin = texts(helpCard({ isAdmin: true }));
    const forLearner = texts(helpCard({ isAdmin: false }));
    for (const c of admin) {
      expect(forAdmin).toContain(`**${c.name}** (${c.zh})`);
      expect(forAdmin).toContain(c.description.zh);
      expect(forLearner).not.toContain(`**${c.name}**`);
      expect(forLearner).not.toContain(`**${c.zh}**`);
      expect(forLearner).not.toContain(c.description.en);
    }
    expect(JSON.stringify(helpCard({ isAdmin: false }))).not.toContain('admin_commands');
  });

  it('escapes the placeholders Feishu markdown would take for tags', () => {
    const text = texts(helpCard({ isAdmin: true }));
    expect(text).not.toMatch(/[<>]/);
    expect(text).toContain('&#60;kind&#62;');
    expect(text).toContain('&#60;类型&#62;');
  });
});
