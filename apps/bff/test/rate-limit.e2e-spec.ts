import { ErrorCode } from '@linli/shared';
import { randomBytes } from 'node:crypto';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TestApp } from './support/test-app';

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
});
