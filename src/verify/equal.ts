/** Constant-time comparisons of secrets and digests, for every source's verification. */
import { createHash, timingSafeEqual } from 'node:crypto';

/** Constant-time string comparison that does not leak the length through an early return on content. */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

/**
 * Constant-time comparison of a computed hex digest with the one a request carries. A digest's length is public, so
 * a different length is simply a mismatch (as in octokit/webhooks-methods); no extra hashing per request.
 */
export function sameDigest(expectedHex: string, givenHex: string): boolean {
  const expected = Buffer.from(expectedHex);
  // Compared as bytes: a header with non-ASCII characters can match in characters but not in bytes.
  const given = Buffer.from(givenHex.toLowerCase());
  return given.length === expected.length && timingSafeEqual(expected, given);
}
