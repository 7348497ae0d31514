import { describe, expect, it } from 'vitest';
import { SendRateLimiter, SlidingWindow } from '../../src/outbox/rate-limiter.js';

describe('SlidingWindow', () => {
  it('allows `limit` slots, then waits until the oldest response is a window old', () => {
    const w = new SlidingWindow(2, 1000);
    const a = w.take();
    const b = w.take();
    expect(w.waitTime(0)).toBe(5); // both in flight: look again shortly
    a.release(100);
    b.release(150);
    expect(w.waitTime(200)).toBe(900);
    expect(w.waitTime(1099)).toBe(1);
    expect(w.waitTime(1100)).toBe(0);
  });
});

describe('SendRateLimiter', () => {
  it('limits per recipient independently of the app-wide limit', () => {
    const l = new SendRateLimiter({ perSecond: 50, perMinute: 0, perRecipientPerSecond: 2 });
    const now = 1_000_000;
    const r1 = l.tryAcquire('ou_a', now);
    const r2 = l.tryAcquire('ou_a', now);
    const r3 = l.tryAcquire('ou_a', now);
    expect('release' in r1 && 'release' in r2).toBe(true);
    expect('wait' in r3).toBe(true);
    expect('release' in l.tryAcquire('ou_b', now)).toBe(true);
  });

  it('applies the app-wide per-second limit across recipients', () => {
    const l = new SendRateLimiter({ perSecond: 3, perMinute: 0, perRecipientPerSecond: 5 });
    const results = ['a', 'b', 'c', 'd'].map((r) => l.tryAcquire(r, 0));
    expect(results.filter((r) => 'release' in r)).toHaveLength(3);
  });

  it('applies the per-minute limit when set', () => {
    const l = new SendRateLimiter({ perSecond: 100, perMinute: 2, perRecipientPerSecond: 100 });
    const a = l.tryAcquire('x', 0);
    const b = l.tryAcquire('y', 0);
    if (!('release' in a) || !('release' in b)) throw new Error('expected slots');
    a.release();
    b.release();
    const c = l.tryAcquire('z', Date.now() + 2000);
    expect('wait' in c && c.wait).toBeGreaterThan(50_000);
  });

  it('takes all windows or none', () => {
    const l = new SendRateLimiter({ perSecond: 1, perMinute: 0, perRecipientPerSecond: 1 });
    expect('release' in l.tryAcquire('a', 0)).toBe(true);
    // app window is full: acquiring for 'b' must not consume b's recipient slot
    expect('wait' in l.tryAcquire('b', 0)).toBe(true);
    const l2 = new SendRateLimiter({ perSecond: 5, perMinute: 0, perRecipientPerSecond: 1 });
    expect('release' in l2.tryAcquire('b', 0)).toBe(true);
  });
});
