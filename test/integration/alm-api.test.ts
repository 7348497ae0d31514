import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AlmApi, AlmApiError, AlmBudgetExhausted, type AlmApiOptions } from '../../src/alm/api.js';
import { ApiBudget } from '../../src/alm/budget.js';
import type { Database } from '../../src/db/index.js';
import { createLogger } from '../../src/logger.js';
import { AlmEmulator } from '../../src/emulator/alm/index.js';
import { LANES, createTestDatabase, type TestDatabase } from '../helpers/databases.js';

const CREDS = { clientId: 'cid-test', clientSecret: 'csecret-test-9f2', refreshToken: 'rtok-test-71c' };
const HOUR = 60 * 60 * 1000;
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

/** Settles every promise; returns the values and errors. */
async function settle<T>(ps: Promise<T>[]): Promise<{ ok: T[]; errors: unknown[] }> {
  const rs = await Promise.allSettled(ps);
  return {
    ok: rs.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])),
    errors: rs.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : [])),
  };
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe.each(LANES)('ALM API client and budget (%s)', (lane) => {
  let emu: AlmEmulator;
  let testDb: TestDatabase;
  /** Two handles on one database: on PostgreSQL separate connection pools, as two bot instances would have. */
  let dbs: [Database, Database];
  let seq = 0;
  let apiName = '';

  const budget = (limit = 100, opts: { db?: Database; now?: () => number; windowMs?: number } = {}) =>
    new ApiBudget((opts.db ?? dbs[0]).prisma, { api: apiName, limit, windowMs: opts.windowMs ?? HOUR, now: opts.now });
  const client = (over: Partial<AlmApiOptions> = {}, target: AlmEmulator = emu) =>
    new AlmApi({ baseUrl: target.url, ...CREDS, budget: budget(), ...over });

  beforeAll(async () => {
    emu = await AlmEmulator.start({ ...CREDS });
    emu.addUser({ id: 12345678, email: 'learner@example.com', name: 'Li Lei' });
    emu.addLearningObject({ id: 'course:12345678', name: 'Safety basics', loType: 'course' });
    emu.addLearningObject({
      id: 'learningProgram:123836',
      name: 'Onboarding',
      names: { 'zh-CN': '入职培训', 'fr-FR': 'Intégration' },
    });
    emu.addLearningObject({
      id: 'certification:777',
      name: 'Erste Hilfe',
      locale: 'de-DE',
      names: { 'fr-FR': 'Premiers secours' },
    });
    emu.addInstance({ id: 'course:12345678_14450088', completionDeadline: '2026-11-20T15:59:59.000Z' });
    emu.addInstance({ id: 'course:12345678_14450089' });
    testDb = await createTestDatabase(lane);
    const first = await testDb.open();
    dbs = lane === 'postgres' ? [first, await testDb.open()] : [first, first];
  });
  afterAll(async () => {
    for (const db of new Set(dbs)) await db.close();
    await testDb?.dispose();
    await emu?.stop();
  });
  beforeEach(() => {
    emu.reset();
    apiName = `alm-test-${++seq}`;
  });

  it('looks up users and learning objects', async () => {
    const api = client();
    expect(await api.getUser(12345678)).toEqual({ id: '12345678', email: 'learner@example.com', name: 'Li Lei' });
    expect(await api.getUser('12345678')).toEqual({ id: '12345678', email: 'learner@example.com', name: 'Li Lei' });
    expect(await api.getLearningObject('course:12345678')).toEqual({
      id: 'course:12345678',
      name: 'Safety basics',
      loType: 'course',
      state: 'Published',
    });
    // zh-CN first, then en-US, then the first locale.
    expect((await api.getLearningObject('learningProgram:123836'))?.name).toBe('入职培训');
    expect((await api.getLearningObject('certification:777'))?.name).toBe('Erste Hilfe');
    const prime = emu.primeRequests();
    expect(prime.map((r) => r.path)).toContain('/primeapi/v2/learningObjects/course%3A12345678');
    expect(prime.every((r) => r.status === 200 && r.accept === 'application/vnd.api+json')).toBe(true);
  });

  it('answers null for unknown ids (404)', async () => {
    const api = client();
    expect(await api.getUser(999)).toBeNull();
    expect(await api.getLearningObject('course:999')).toBeNull();
    expect(emu.primeRequests().map((r) => r.status)).toEqual([404, 404]);
  });

  it('looks up a course instance and its completion deadline, through the budget', async () => {
    const tight = budget(2);
    const api = client({ budget: tight });
    expect(await api.getInstance('course:12345678', 'course:12345678_14450088')).toEqual({
      id: 'course:12345678_14450088',
      completionDeadline: '2026-11-20T15:59:59.000Z',
      state: 'Active',
    });
    // No deadline set: the attribute is absent.
    expect(await api.getInstance('course:12345678', 'course:12345678_14450089')).toEqual({
      id: 'course:12345678_14450089',
      state: 'Active',
    });
    expect(emu.primeRequests().map((r) => r.path)).toEqual([
      '/primeapi/v2/learningObjects/course%3A12345678/instances/course%3A12345678_14450088',
      '/primeapi/v2/learningObjects/course%3A12345678/instances/course%3A12345678_14450089',
    ]);
    // Two calls took the budget of two: the third is refused without being sent.
    expect(await rejection(api.getInstance('course:12345678', 'course:12345678_14450088'))).toBeInstanceOf(
      AlmBudgetExhausted,
    );
    expect(emu.primeRequests()).toHaveLength(2);
  });

  it('answers null for an unknown instance, or one of another learning object (404)', async () => {
    const api = client();
    expect(await api.getInstance('course:12345678', 'course:12345678_1')).toBeNull();
    expect(await api.getInstance('course:999', 'course:12345678_14450088')).toBeNull();
    expect(await api.getInstance('learningProgram:123836', 'course:12345678_14450088')).toBeNull();
    expect(emu.primeRequests().map((r) => r.status)).toEqual([404, 404, 404]);
  });

  it('refreshes the token once, shared by concurrent calls, and reuses it', async () => {
    const api = client();
    const users = await Promise.all(Array.from({ length: 20 }, () => api.getUser(12345678)));
    expect(users.every((u) => u?.email === 'learner@example.com')).toBe(true);
    await api.getLearningObject('course:12345678');
    expect(emu.refreshRequests()).toHaveLength(1);
    expect(emu.primeRequests()).toHaveLength(21);
  });

  it('renews an expired token once and retries the call', async () => {
    const api = client();
    await api.getUser(12345678);
    emu.expireTokens();
    const users = await Promise.all(Array.from({ length: 10 }, () => api.getUser(12345678)));
    expect(users.every((u) => u?.name === 'Li Lei')).toBe(true);
    expect(emu.refreshRequests()).toHaveLength(2); // the first token, and one renewal for all ten 401s
    const statuses = emu.primeRequests().map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 200)).toHaveLength(11);
  });

  it('renews the token when its lifetime is nearly over', async () => {
    const short = await AlmEmulator.start({ ...CREDS, tokenTtlSeconds: 3600 });
    try {
      short.addUser({ id: 1, email: 'a@example.com', name: 'A' });
      let now = T0;
      const api = client({ now: () => now }, short);
      await api.getUser(1);
      now += 50 * 60_000;
      await api.getUser(1);
      expect(short.refreshRequests()).toHaveLength(1);
      now += 6 * 60_000; // 4 minutes left: under 10% of the lifetime
      await api.getUser(1);
      expect(short.refreshRequests()).toHaveLength(2);
      expect(short.primeRequests().map((r) => r.status)).toEqual([200, 200, 200]);
    } finally {
      await short.stop();
    }
  });

  it('gives up after one renewal when ALM still answers 401', async () => {
    const api = client();
    emu.failNext({ status: 401, times: 2 });
    const err = await rejection(api.getUser(12345678));
    expect(err).toBeInstanceOf(AlmApiError);
    expect(err).toMatchObject({ status: 401, retryable: false });
    expect(emu.primeRequests()).toHaveLength(2);
    expect(emu.refreshRequests()).toHaveLength(2);
  });

  it('fails without calling primeapi when the credentials are wrong', async () => {
    const api = client({ clientSecret: 'wrong-secret-value' });
    const err = await rejection(api.getUser(12345678));
    expect(err).toBeInstanceOf(AlmApiError);
    expect(err).toMatchObject({ status: 401, retryable: false });
    expect(String((err as Error).message)).not.toContain('wrong-secret-value');
    expect(emu.primeRequests()).toHaveLength(0);
    // A failed refresh is not cached: the next call tries again.
    await rejection(api.getUser(12345678));
    expect(emu.refreshRequests()).toHaveLength(2);
  });

  it('turns a 429 into AlmBudgetExhausted at Retry-After and holds calls until then', async () => {
    let now = T0;
    const api = client({ now: () => now });
    emu.failNext({ status: 429, headers: { 'retry-after': '120' } });
    const err = await rejection(api.getUser(12345678));
    expect(err).toBeInstanceOf(AlmBudgetExhausted);
    expect((err as AlmBudgetExhausted).retryAt.getTime()).toBe(T0 + 120_000);
    expect((err as AlmBudgetExhausted).source).toBe('rate-limited');

    now += 119_000; // still blocked: nothing is sent
    expect(await rejection(api.getUser(12345678))).toBeInstanceOf(AlmBudgetExhausted);
    expect(emu.primeRequests()).toHaveLength(1);
    now += 1_000;
    expect(await api.getUser(12345678)).not.toBeNull();

    emu.failNext({ status: 429 }); // no Retry-After: 60 s
    const err2 = await rejection(api.getUser(12345678));
    expect((err2 as AlmBudgetExhausted).retryAt.getTime()).toBe(now + 60_000);
  });

  it("maps the emulator's own hourly limit to AlmBudgetExhausted", async () => {
    const strict = await AlmEmulator.start({ ...CREDS, ratePerHour: 3 });
    try {
      strict.addUser({ id: 1, email: 'a@example.com', name: 'A' });
      const api = client({}, strict);
      for (let i = 0; i < 3; i++) await api.getUser(1);
      const before = Date.now();
      const err = await rejection(api.getUser(1));
      expect(err).toBeInstanceOf(AlmBudgetExhausted);
      expect((err as AlmBudgetExhausted).retryAt.getTime()).toBeGreaterThan(before + HOUR - 60_000);
      expect(strict.primeRequests().map((r) => r.status)).toEqual([200, 200, 200, 429]);
    } finally {
      await strict.stop();
    }
  });

  it('stops at the budget without reaching ALM, and resumes once the window has passed', async () => {
    let now = T0;
    const api = client({ budget: budget(5, { now: () => now, windowMs: 60_000 }) });
    for (let i = 0; i < 5; i++) {
      now += 1_000;
      await api.getUser(12345678);
    }
    now += 1_000;
    const err = await rejection(api.getUser(12345678));
    expect(err).toBeInstanceOf(AlmBudgetExhausted);
    expect((err as AlmBudgetExhausted).source).toBe('budget');
    expect((err as AlmBudgetExhausted).retryAt.getTime()).toBe(T0 + 1_000 + 60_000); // the oldest call leaves
    expect(emu.primeRequests()).toHaveLength(5);

    now = T0 + 1_000 + 60_000 - 1;
    await rejection(api.getUser(12345678));
    now += 1;
    expect(await api.getUser(12345678)).not.toBeNull();
    expect(emu.primeRequests()).toHaveLength(6);
  });

  it('counts the retry after a 401 against the budget', async () => {
    const api = client({ budget: budget(3) });
    await api.getUser(12345678);
    emu.expireTokens();
    await api.getUser(12345678); // 401 + retry: two calls
    expect(await rejection(api.getUser(12345678))).toBeInstanceOf(AlmBudgetExhausted);
    expect(emu.primeRequests().map((r) => r.status)).toEqual([200, 401, 200]);

    // With room for only one more call, the retry after a 401 is deferred, not sent.
    emu.reset();
    const tight = client({
      budget: new ApiBudget(dbs[0].prisma, { api: `${apiName}:tight`, limit: 2, windowMs: HOUR }),
    });
    await tight.getUser(12345678);
    emu.expireTokens();
    expect(await rejection(tight.getUser(12345678))).toBeInstanceOf(AlmBudgetExhausted);
    expect(emu.primeRequests().map((r) => r.status)).toEqual([200, 401]);
  });

  it('shares one budget between two ApiBudget instances on one database', async () => {
    let now = T0;
    const a = budget(3, { now: () => now, windowMs: 60_000 });
    const b = budget(3, { db: dbs[1], now: () => now, windowMs: 60_000 });
    expect(await a.tryTake()).toEqual({ ok: true });
    now += 10;
    expect(await b.tryTake()).toEqual({ ok: true });
    expect(await a.tryTake()).toEqual({ ok: true });
    expect(await b.tryTake()).toEqual({ ok: false, retryAt: new Date(T0 + 60_000) });
    expect(await a.tryTake()).toEqual({ ok: false, retryAt: new Date(T0 + 60_000) });
    now = T0 + 60_000;
    expect(await b.tryTake()).toEqual({ ok: true });
    expect(await a.tryTake()).toEqual({ ok: false, retryAt: new Date(T0 + 10 + 60_000) });
  });

  it('never lets concurrent calls from two instances exceed the limit ALM enforces', async () => {
    const limited = await AlmEmulator.start({ ...CREDS, ratePerHour: 20 });
    try {
      limited.addUser({ id: 1, email: 'a@example.com', name: 'A' });
      const apis = [client({ budget: budget(20) }, limited), client({ budget: budget(20, { db: dbs[1] }) }, limited)];
      const { ok, errors } = await settle(Array.from({ length: 40 }, (_, i) => apis[i % 2]!.getUser(1)));
      expect(ok).toHaveLength(20);
      expect(errors).toHaveLength(20);
      expect(errors.every((e) => e instanceof AlmBudgetExhausted && e.source === 'budget')).toBe(true);
      const prime = limited.primeRequests();
      expect(prime).toHaveLength(20);
      expect(prime.every((r) => r.status === 200)).toBe(true);
    } finally {
      await limited.stop();
    }
  });

  it('purges calls that have left the window', async () => {
    let now = T0;
    const b = budget(10, { now: () => now, windowMs: 60_000 });
    for (let i = 0; i < 4; i++) await b.tryTake();
    now += 60_000;
    await b.tryTake();
    const rows = await dbs[0].prisma.apiCall.findMany({ where: { api: apiName } });
    expect(rows.map((r) => r.at.getTime())).toEqual([T0 + 60_000]);
  });

  it('reports 5xx, timeouts and network errors as retryable, other 4xx as not', async () => {
    const api = client({ timeoutMs: 200 });
    emu.failNext({ status: 503 });
    expect(await rejection(api.getUser(12345678))).toMatchObject({ name: 'AlmApiError', status: 503, retryable: true });
    emu.failNext({ status: 400 });
    expect(await rejection(api.getUser(12345678))).toMatchObject({
      name: 'AlmApiError',
      status: 400,
      retryable: false,
    });
    emu.failNext({ delayMs: 2_000 });
    const timeout = await rejection(api.getUser(12345678));
    expect(timeout).toBeInstanceOf(AlmApiError);
    expect(timeout).toMatchObject({ retryable: true, status: undefined });
    expect(await api.getUser(12345678)).not.toBeNull();

    const down = client({ baseUrl: 'http://127.0.0.1:9' });
    expect(await rejection(down.getUser(1))).toMatchObject({ name: 'AlmApiError', retryable: true });
  });

  it('logs no token, secret or email', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const issued: string[] = [];
    const spyFetch: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (String(input).endsWith('/oauth/token/refresh') && res.ok) {
        issued.push(((await res.clone().json()) as { access_token: string }).access_token);
      }
      return res;
    };
    const api = client({ log: createLogger('debug', sink), fetch: spyFetch, budget: budget(4) });
    await api.getUser(12345678);
    emu.expireTokens();
    await api.getUser(12345678);
    emu.failNext({ status: 500 });
    await rejection(api.getUser(12345678));
    await rejection(api.getUser(12345678)); // budget spent
    emu.failNext({ status: 429, match: { path: '/oauth/token/refresh' } });
    await rejection(client({ log: createLogger('debug', sink) }).getUser(12345678));

    const text = lines.join('');
    expect(issued).toHaveLength(2);
    expect(text).toContain('ALM access token renewed'); // the logger did write
    for (const secret of [...issued, CREDS.clientSecret, CREDS.refreshToken, 'learner@example.com']) {
      expect(text).not.toContain(secret);
    }
  });
});
