import { ErrorCode } from '@linli/shared';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTcpProxy, TcpProxy } from './support/tcp-proxy';
import { loginMember, startTestApp, TestApp } from './support/test-app';

describe('a database outage', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const direct = new URL(database.url);
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    const viaProxy = new URL(database.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    t = await startTestApp(
      {
        DATABASE_URL: viaProxy.toString(),
        DB_CONNECT_TIMEOUT_MS: '1000',
        DB_STATEMENT_TIMEOUT_MS: '1500',
      },
      { database },
    );
    token = (await loginMember(t, 'outage')).accessToken;
  });
  afterAll(async () => {
    proxy.setMode('forward');
    await t.close();
    await proxy.close();
    await database.drop();
  });

  it('is healthy while the database answers', async () => {
    expect((await t.http().get('/api/health').expect(200)).body).toEqual({
      status: 'ok',
      checks: { database: 'up' },
    });
  });

  it.each(['refuse', 'blackhole'] as const)(
    'turns health and requests into prompt 503s when connections %s',
    async (mode) => {
      proxy.setMode(mode);
      const started = Date.now();
      const health = await t.http().get('/api/health').expect(503);
      expect(health.body.error.code).toBe(ErrorCode.ServiceUnavailable);
      const me = await t.http().get('/api/v1/me').auth(token, { type: 'bearer' }).expect(503);
      expect(me.body).toEqual({
        error: { code: ErrorCode.ServiceUnavailable, message: expect.any(String) },
      });
      const login = await t
        .http()
        .post('/api/v1/auth/wechat-login')
        .send({ code: 'dev:outage' })
        .expect(503);
      expect(login.body.error.code).toBe(ErrorCode.ServiceUnavailable);
      // Each of the three gave up within its connect timeout instead of hanging.
      expect(Date.now() - started).toBeLessThan(15_000);

      proxy.setMode('forward');
      await t.http().get('/api/health').expect(200);
      await t.http().get('/api/v1/me').auth(token, { type: 'bearer' }).expect(200);
    },
  );
});
