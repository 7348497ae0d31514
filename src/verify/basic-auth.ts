/** HTTP Basic credentials (the ALM webhook), checked in constant time. Pure. */
import { safeEqual } from './equal.js';
import { accept, refuse, type Verified } from './result.js';

export function checkBasicAuth(header: string | undefined, user: string, password: string): boolean {
  const m = header && /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return false;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const sep = decoded.indexOf(':');
  if (sep < 0) return false;
  // Both halves are compared whatever the first gives, so the timing says nothing about which one was wrong.
  const userOk = safeEqual(decoded.slice(0, sep), user);
  const passwordOk = safeEqual(decoded.slice(sep + 1), password);
  return userOk && passwordOk;
}

/** The `Authorization` header against the configured pair; refused when no pair is configured. */
export function verifyBasicAuth(
  header: string | undefined,
  user: string | undefined,
  password: string | undefined,
): Verified<void> {
  if (!user || !password) {
    return refuse(
      'not_configured',
      'The ALM webhook is not configured on this bot (ALM_WEBHOOK_USER / ALM_WEBHOOK_PASSWORD).',
    );
  }
  if (!checkBasicAuth(header, user, password))
    return refuse('bad_credentials', 'HTTP Basic credentials are missing or wrong.');
  return accept(undefined);
}

/** A shared secret carried in the body (Qingsuyun's `secretKey`); refused when none is configured. */
export function verifySecretKey(given: unknown, secret: string | undefined): Verified<void> {
  if (!secret)
    return refuse('not_configured', 'The Qingsuyun callback is not configured on this bot (QINGSUYUN_SECRET_KEY).');
  if (typeof given !== 'string' || !safeEqual(given, secret))
    return refuse('bad_secret_key', 'secretKey is missing or wrong.');
  return accept(undefined);
}
