import { ErrorCode } from '@linli/shared';
import { FakeWechat, startFakeWechat } from './support/fake-wechat';
import { startTestApp, TestApp } from './support/test-app';

describe('WeChat log-in through code2Session', () => {
  let wechat: FakeWechat;
  let t: TestApp;
  beforeAll(async () => {
    wechat = await startFakeWechat('wx-test-app', 'test-secret');
    t = await startTestApp({
      WECHAT_APP_ID: 'wx-test-app',
      WECHAT_APP_SECRET: 'test-secret',
      WECHAT_API_BASE: wechat.url,
      WECHAT_TIMEOUT_MS: '500',
      AUTH_DEV_LOGIN: 'false',
    });
  });
  afterAll(async () => {
    await t.close();
    await wechat.close();
  });

  it('exchanges the code, creates the member and keeps the session key in the BFF', async () => {
    const res = await t
      .http()
      .post('/api/v1/auth/wechat-login')
      .send({ code: 'ok-mei' })
      .expect(200);
    expect(res.body.member).toEqual({
      id: expect.any(String),
      nickname: expect.stringMatching(/^邻居/),
      tier: 'regular',
    });
    expect(JSON.stringify(res.body)).not.toContain('sk_mei');
    const [row] = await t.dataSource.query(
      `SELECT openid, unionid, session_key FROM members WHERE id = $1`,
      [res.body.member.id],
    );
    expect(row).toEqual({ openid: 'o_mei', unionid: 'u_mei', session_key: 'sk_mei' });
    const call = wechat.requests.at(-1)!;
    expect(Object.fromEntries(call.searchParams)).toEqual({
      appid: 'wx-test-app',
      secret: 'test-secret',
      js_code: 'ok-mei',
      grant_type: 'authorization_code',
    });
    const me = await t
      .http()
      .get('/api/v1/me')
      .auth(res.body.accessToken, { type: 'bearer' })
      .expect(200);
    expect(me.body.id).toBe(res.body.member.id);
  });

  it('finds the same member on the next log-in', async () => {
    const first = await t
      .http()
      .post('/api/v1/auth/wechat-login')
      .send({ code: 'ok-lin' })
      .expect(200);
    const second = await t
      .http()
      .post('/api/v1/auth/wechat-login')
      .send({ code: 'ok-lin' })
      .expect(200);
    expect(second.body.member.id).toBe(first.body.member.id);
  });

  it('answers a refused code with WECHAT_LOGIN_FAILED', async () => {
    const res = await t.http().post('/api/v1/auth/wechat-login').send({ code: 'bad' }).expect(401);
    expect(res.body.error).toEqual({
      code: ErrorCode.WechatLoginFailed,
      message: expect.any(String),
      details: { wechatErrcode: 40029 },
    });
  });

  it.each(['busy', 'slow', 'html'])(
    'answers a WeChat failure (%s) with WECHAT_UNAVAILABLE',
    async (code) => {
      const res = await t.http().post('/api/v1/auth/wechat-login').send({ code }).expect(502);
      expect(res.body.error.code).toBe(ErrorCode.WechatUnavailable);
    },
  );

  it('holds no database connection while WeChat is slow to answer', async () => {
    const asked = wechat.requests.length;
    const logins = Array.from({ length: 3 }, () =>
      t
        .http()
        .post('/api/v1/auth/wechat-login')
        .send({ code: 'slow' })
        .then((r) => r),
    );
    while (wechat.requests.length < asked + 3) await new Promise((r) => setImmediate(r));
    const [{ open }] = await t.dataSource.query(
      `SELECT count(*)::int AS open FROM pg_stat_activity
       WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
    );
    expect(open).toBe(0);
    expect((await Promise.all(logins)).map((r) => r.status)).toEqual([502, 502, 502]);
  });

  it('does not treat dev codes specially when the dev provider is off', async () => {
    const res = await t
      .http()
      .post('/api/v1/auth/wechat-login')
      .send({ code: 'dev:alice' })
      .expect(403);
    expect(res.body.error.code).toBe(ErrorCode.DevLoginDisabled);
  });

  it('creates no member when WeChat refuses', async () => {
    const [{ count }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM members`);
    expect(count).toBe(2);
  });
});

describe('WeChat log-in without an app id', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ AUTH_DEV_LOGIN: 'false' });
  });
  afterAll(() => t.close());

  it('says WeChat log-in is unavailable', async () => {
    const res = await t
      .http()
      .post('/api/v1/auth/wechat-login')
      .send({ code: 'ok-anyone' })
      .expect(503);
    expect(res.body.error.code).toBe(ErrorCode.WechatUnavailable);
  });
});
