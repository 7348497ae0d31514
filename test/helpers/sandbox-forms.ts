/** The sandbox's Feishu emulator used as the bot uses it (its own token, the message API), and the console's API. */
import type { Sandbox } from '../../src/sandbox/start.js';

/** A card callback the console sent to the bot (GET /sandbox/api/callbacks). */
export interface SentCallback {
  at: string;
  message_id: string;
  action: Record<string, unknown>;
  answer: { status: number; body: unknown };
}

export function sandboxApi(sandbox: Sandbox, path: string, body?: unknown): Promise<Response> {
  return fetch(
    `${sandbox.consoleUrl}/api/${path}`,
    body === undefined
      ? {}
      : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
  );
}

/**
 * Sends `card` to a person as the bot would: a tenant_access_token for the bot's app, then im/v1/messages. Answers
 * the emulator's status and body (`{code, msg, data: {message_id, ...}}`).
 */
export async function sendCardAsBot(
  sandbox: Sandbox,
  openId: string,
  card: object,
): Promise<{ status: number; body: { code: number; msg: string; data: { message_id: string } } }> {
  const auth = await fetch(`${sandbox.feishu.url}/open-apis/auth/v3/tenant_access_token/internal`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ app_id: sandbox.config.FEISHU_APP_ID, app_secret: sandbox.config.FEISHU_APP_SECRET }),
  });
  const { tenant_access_token: token } = (await auth.json()) as { tenant_access_token: string };
  const res = await fetch(`${sandbox.feishu.url}/open-apis/im/v1/messages?receive_id_type=open_id`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ receive_id: openId, msg_type: 'interactive', content: JSON.stringify(card) }),
  });
  return { status: res.status, body: (await res.json()) as never };
}
