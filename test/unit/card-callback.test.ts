import { describe, expect, it } from 'vitest';
import { cardActionFromV1, cardActionFromV2 } from '../../src/actions/callback.js';

// PostgreSQL refuses a NUL in text and jsonb; every string of a click is recorded (card_action), nested ones too.
const NUL = '\u0000';

describe('card callbacks read into a storable click', () => {
  it('v2: the event id and every string of the button value, nested ones included, lose their NULs', () => {
    const action = cardActionFromV2(`ev${NUL}1`, {
      event: {
        operator: { open_id: `ou${NUL}x` },
        action: { value: { action: [`a${NUL}b`, { deep: [`c${NUL}`] }], [`k${NUL}`]: 'v' } },
        context: { open_message_id: `om${NUL}`, open_chat_id: 'oc_1' },
      },
    });
    expect(JSON.stringify(action)).not.toContain('\\u0000');
    expect(String(action.value.action)).toBe('a\ufffdb,[object Object]');
    expect(action.id).toBe('ev\ufffd1');
  });

  it('v1: the token and the button value lose their NULs', () => {
    const action = cardActionFromV1({ open_id: 'ou_1', token: `t${NUL}`, action: { value: { ticket: [`${NUL}`] } } });
    expect(JSON.stringify(action)).not.toContain('\\u0000');
  });
});
