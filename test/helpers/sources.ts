/** Requests as ALM and Qingsuyun send them. */
export const ALM_USER = 'alm-hook';
export const ALM_PASSWORD = 'alm-hook-password';
export const QSY_KEY = '2918148edb9a4939857a8b3a387127f6';

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export async function postAlm(
  baseUrl: string,
  body: unknown,
  auth: string | null = basicAuth(ALM_USER, ALM_PASSWORD),
): Promise<Response> {
  return fetch(`${baseUrl}/webhook/alm`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export async function postQingsuyun(baseUrl: string, body: unknown): Promise<Response> {
  return fetch(`${baseUrl}/webhook/qingsuyun`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** One ALM event in a batch of its own. */
export function almBatch(...events: object[]): { accountId: number; events: object[] } {
  return { accountId: 1234, events };
}
