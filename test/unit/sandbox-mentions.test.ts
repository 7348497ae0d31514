import { describe, expect, it } from 'vitest';
import { mentionsIn } from '../../src/sandbox/mentions.js';

const bot = { open_id: 'ou_bot', name: '学习助手 Learning assistant' };
const users = [
  { open_id: 'ou_li', user_id: 'lilei', name: '李雷', en_name: 'Li Lei' },
  { open_id: 'ou_l', user_id: 'li', name: 'Li' },
];

describe('console mentions', () => {
  it('turns @bot and @names into @_user_N keys with the people they name', () => {
    expect(mentionsIn('@bot manager @李雷 @Li Lei', bot, users)).toEqual({
      text: '@_user_1 manager @_user_2 @_user_3',
      mentions: [
        { open_id: 'ou_bot', name: bot.name },
        { open_id: 'ou_li', user_id: 'lilei', name: '李雷' },
        { open_id: 'ou_li', user_id: 'lilei', name: '李雷' },
      ],
    });
  });

  it('prefers the longest name and leaves other text and unknown names alone', () => {
    expect(mentionsIn('@Li hi a@b.c @nobody', bot, users)).toEqual({
      text: '@_user_1 hi a@b.c @nobody',
      mentions: [{ open_id: 'ou_l', user_id: 'li', name: 'Li' }],
    });
  });
});
