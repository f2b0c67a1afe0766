import { ErrorCode } from '@linli/shared';
import { randomBytes } from 'node:crypto';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTcpProxy, TcpProxy } from './support/tcp-proxy';
import { startTestApp, TestApp, TEST_ADMIN } from './support/test-app';

describe('a Redis outage', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let t: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    const redis = new URL(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
    proxy = await startTcpProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
    redis.port = String(proxy.port);
    t = await startTestApp(
      {
        REDIS_URL: redis.toString(),
        REDIS_KEY_PREFIX: `linli-test-${randomBytes(6).toString('hex')}:`,
      },
      { database },
    );
  });
  afterAll(async () => {
    proxy.setMode('forward');
    await t.close();
    await proxy.close();
    await database.drop();
  });

  it('answers log-ins 503 while Redis cannot be reached, and serves them again once it is back', async () => {
    await t.http().post('/api/v1/auth/wechat-login').send({ code: 'dev:redis-1' }).expect(200);
    proxy.setMode('refuse');
    const member = await t.http().post('/api/v1/auth/wechat-login').send({ code: 'dev:redis-2' });
    expect(member.status).toBe(503);
    expect(member.body).toEqual({
      error: { code: ErrorCode.ServiceUnavailable, message: expect.any(String) },
    });
    const admin = await t.http().post('/api/v1/admin/auth/login').send(TEST_ADMIN);
    expect(admin.status).toBe(503);
    expect(admin.body.error.code).toBe(ErrorCode.ServiceUnavailable);

    proxy.setMode('forward');
    await t.http().post('/api/v1/auth/wechat-login').send({ code: 'dev:redis-2' }).expect(200);
    await t.http().post('/api/v1/admin/auth/login').send(TEST_ADMIN).expect(200);
  });

  it('answers log-ins 503 at once while Redis hangs (takes connections, answers nothing), rather than keeping them waiting', async () => {
    proxy.setMode('blackhole');
    const member = await t.http().post('/api/v1/auth/wechat-login').send({ code: 'dev:redis-3' });
    expect(member.status).toBe(503);
    expect(member.body.error.code).toBe(ErrorCode.ServiceUnavailable);

    proxy.setMode('forward');
    for (let attempt = 0; ; attempt += 1) {
      const back = await t.http().post('/api/v1/auth/wechat-login').send({ code: 'dev:redis-3' });
      if (back.status === 200) break;
      // The client reconnects by itself, within a second or so of Redis answering again.
      if (attempt === 40) throw new Error(`still ${back.status} once Redis answers`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }, 8_000);
});
