import { ErrorCode } from '@linli/shared';
import { randomBytes } from 'node:crypto';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TEST_ADMIN, TestApp } from './support/test-app';

/** An admin log-in from a client address, as a proxy on this machine forwards it. */
const adminLogIn = (t: TestApp, from: string, body: { username: string; password: string }) =>
  t.http().post('/api/v1/admin/auth/login').set('X-Forwarded-For', from).send(body);

describe('log-in rate limit in process memory', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ LOGIN_RATE_LIMIT: '3', LOGIN_RATE_WINDOW_SECONDS: '60' });
  });
  afterAll(() => t.close());

  it('refuses the fourth log-in within the window with RATE_LIMITED', async () => {
    for (let i = 0; i < 3; i++) {
      await t.http().post('/api/v1/auth/wechat-login').send({ code: 'dev:rl' }).expect(200);
    }
    const res = await t
      .http()
      .post('/api/v1/auth/wechat-login')
      .send({ code: 'dev:rl' })
      .expect(429);
    expect(res.body.error.code).toBe(ErrorCode.RateLimited);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('does not limit other routes', async () => {
    for (let i = 0; i < 5; i++) await t.http().get('/api/health').expect(200);
  });
});

describe('log-in rate limit behind one load balancer (TRUST_PROXY=1)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: '1', LOGIN_RATE_LIMIT: '2' });
  });
  afterAll(() => t.close());

  const logIn = (from: string) =>
    t
      .http()
      .post('/api/v1/auth/wechat-login')
      .set('X-Forwarded-For', from)
      .send({ code: 'dev:behind-lb' });

  it('counts each client the balancer names apart, not all of them as the balancer', async () => {
    await logIn('198.51.100.1').expect(200);
    await logIn('198.51.100.1').expect(200);
    await logIn('198.51.100.1').expect(429);
    await logIn('198.51.100.2').expect(200);
  });
});

describe('wrong admin passwords counted per account, from whatever address they come', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      TRUST_PROXY: 'loopback',
      LOGIN_RATE_LIMIT: '2',
      ADMIN_LOGIN_FAILURE_LIMIT: '5',
    });
  });
  afterAll(() => t.close());

  it('pauses an account after its limit of wrong passwords, however many addresses guess at once', async () => {
    const guesses = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        adminLogIn(t, `203.0.113.${i + 1}`, { ...TEST_ADMIN, password: `guess-${i}` }),
      ),
    );
    expect(guesses.filter((r) => r.status === 401)).toHaveLength(5);
    expect(guesses.filter((r) => r.status === 429)).toHaveLength(7);
    const right = await adminLogIn(t, '203.0.113.100', TEST_ADMIN).expect(429);
    expect(right.body.error.code).toBe(ErrorCode.RateLimited);
    await adminLogIn(t, '203.0.113.101', { username: 'other', password: 'wrong-password' }).expect(
      401,
    );
  });
});

describe('wrong admin passwords from an address the account logged in from lately, counted apart', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      TRUST_PROXY: 'loopback',
      LOGIN_RATE_LIMIT: '100',
      ADMIN_LOGIN_FAILURE_LIMIT: '5',
    });
  });
  afterAll(() => t.close());

  it('lets its operator in from an address they logged in from lately, however many guesses lock the account elsewhere', async () => {
    const operator = TEST_ADMIN;
    const office = '192.0.2.10';
    await adminLogIn(t, office, operator).expect(200);
    for (let i = 0; i < 6; i++)
      await adminLogIn(t, `203.0.113.${50 + i}`, { ...operator, password: `guess-${i}` });
    await adminLogIn(t, '203.0.113.99', operator).expect(429);
    await adminLogIn(t, office, operator).expect(200);
    // The known address has a budget of wrong passwords of its own, as limited.
    const fromOffice = [];
    for (let i = 0; i < 6; i++)
      fromOffice.push((await adminLogIn(t, office, { ...operator, password: `typo-${i}` })).status);
    expect(fromOffice).toEqual([401, 401, 401, 401, 401, 429]);
    await adminLogIn(t, office, operator).expect(429);
  });
});

describe('log-in rate limit shared through Redis by two BFF instances', () => {
  let database: TestDatabase;
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    database = await createTestDatabase();
    const env = {
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: `linli-test-${randomBytes(6).toString('hex')}:`,
      LOGIN_RATE_LIMIT: '4',
      LOGIN_RATE_WINDOW_SECONDS: '60',
      TRUST_PROXY: 'loopback',
      ADMIN_LOGIN_FAILURE_LIMIT: '5',
    };
    first = await startTestApp(env, { database });
    second = await startTestApp(env, { database });
  });
  afterAll(async () => {
    await first.close();
    await second.close();
    await database.drop();
  });

  it('counts log-ins on both instances against one limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const instance = i % 2 === 0 ? first : second;
      const res = await instance
        .http()
        .post('/api/v1/admin/auth/login')
        .send({ username: 'admin', password: 'wrong-password' });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
  });

  it("counts an account's wrong passwords on both instances against one limit", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await adminLogIn(i % 2 === 0 ? first : second, `198.51.100.${i + 1}`, {
        username: 'operator',
        password: 'wrong-password',
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
  });
});
