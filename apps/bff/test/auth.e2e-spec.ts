import jwt from 'jsonwebtoken';
import { ErrorCode } from '@linli/shared';
import { lockWaits } from './support/lock-waits';
import { loginAdmin, loginMember, startTestApp, TestApp } from './support/test-app';

describe('member log-in, tokens and roles', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('logs a dev user in and answers /me with their nickname and tier', async () => {
    const login = await loginMember(t, 'alice');
    expect(login.member).toEqual({ id: expect.any(String), nickname: 'alice', tier: 'regular' });
    const me = await t
      .http()
      .get('/api/v1/me')
      .auth(login.accessToken, { type: 'bearer' })
      .expect(200);
    expect(me.body).toMatchObject({
      id: login.member.id,
      nickname: 'alice',
      tier: 'regular',
      roles: ['shopper'],
      pickupPoint: null,
    });
    expect(JSON.stringify(me.body)).not.toMatch(/openid|session/i);
  });

  it('maps the same dev name to the same member every time', async () => {
    const first = await loginMember(t, 'bob');
    const second = await loginMember(t, 'bob');
    expect(second.member.id).toBe(first.member.id);
    const [{ count }] = await t.dataSource.query(
      `SELECT count(*)::int AS count FROM members WHERE nickname = 'bob'`,
    );
    expect(count).toBe(1);
  });

  it('binds a brand-new member to their inviter, never an existing one', async () => {
    const inviter = await loginMember(t, 'inviter');
    const { body: inviterMe } = await t
      .http()
      .get('/api/v1/me')
      .auth(inviter.accessToken, { type: 'bearer' });
    const invitee = await t
      .http()
      .post('/api/v1/auth/wechat-login')
      .send({ code: 'dev:invitee', inviteCode: inviterMe.inviteCode })
      .expect(200);
    await loginMember(t, 'existing');
    await t
      .http()
      .post('/api/v1/auth/wechat-login')
      .send({ code: 'dev:existing', inviteCode: inviterMe.inviteCode })
      .expect(200);
    const rows = await t.dataSource.query(
      `SELECT nickname, invited_by_member_id FROM members WHERE nickname IN ('invitee', 'existing') ORDER BY nickname`,
    );
    expect(rows).toEqual([
      { nickname: 'existing', invited_by_member_id: null },
      { nickname: 'invitee', invited_by_member_id: inviter.member.id },
    ]);
    expect(invitee.body.member.nickname).toBe('invitee');
  });

  it.each([
    [{ code: 'dev:carol', role: 'admin' }, 'property role should not exist'],
    [{ code: 42 }, 'code must be a string'],
    [{}, 'code must be a string'],
    [{ code: 'dev:carol', inviteCode: 'not valid!' }, 'inviteCode must match'],
  ])('refuses a malformed log-in body %j', async (body, message) => {
    const res = await t.http().post('/api/v1/auth/wechat-login').send(body).expect(400);
    expect(res.body.error.code).toBe(ErrorCode.ValidationFailed);
    expect(JSON.stringify(res.body.error.details)).toContain(message);
  });

  it('refuses a body that is not JSON with the error shape', async () => {
    const res = await t
      .http()
      .post('/api/v1/auth/wechat-login')
      .set('content-type', 'application/json')
      .send('{nope')
      .expect(400);
    expect(res.body.error.code).toBe(ErrorCode.ValidationFailed);
  });

  it('refuses a dev name that is not a name', async () => {
    const res = await t
      .http()
      .post('/api/v1/auth/wechat-login')
      .send({ code: 'dev:../../etc' })
      .expect(400);
    expect(res.body.error.code).toBe(ErrorCode.ValidationFailed);
  });

  it('rotates refresh tokens: each works once', async () => {
    const login = await loginMember(t, 'dave');
    const refreshed = await t
      .http()
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: login.refreshToken })
      .expect(200);
    expect(refreshed.body).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
    });
    await t
      .http()
      .get('/api/v1/me')
      .auth(refreshed.body.accessToken, { type: 'bearer' })
      .expect(200);
    const replay = await t
      .http()
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: login.refreshToken })
      .expect(401);
    expect(replay.body.error.code).toBe(ErrorCode.RefreshTokenInvalid);
  });

  it('ends a session on log-out: its refresh token is refused after, and other sessions go on', async () => {
    const phone = await loginMember(t, 'dora');
    const tablet = await loginMember(t, 'dora');
    const logOut = (refreshToken: string) =>
      t.http().post('/api/v1/auth/logout').send({ refreshToken });
    await logOut(phone.refreshToken).expect(204);
    await logOut(phone.refreshToken).expect(204); // once more, as a retry after a lost answer
    const refused = await t
      .http()
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: phone.refreshToken })
      .expect(401);
    expect(refused.body.error.code).toBe(ErrorCode.RefreshTokenInvalid);
    await t
      .http()
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: tablet.refreshToken })
      .expect(200);
    expect((await logOut('not-a-refresh-token').expect(401)).body.error.code).toBe(
      ErrorCode.RefreshTokenInvalid,
    );
    await logOut(phone.accessToken).expect(401);
  });

  it('lets only one of many concurrent refreshes with the same token succeed', async () => {
    const login = await loginMember(t, 'erin');
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        t.http().post('/api/v1/auth/refresh').send({ refreshToken: login.refreshToken }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 401)).toHaveLength(19);
    // A race of one app's own refreshes is not a stolen token: the session goes on.
    const winner = results.find((r) => r.status === 200)!;
    await t
      .http()
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: winner.body.refreshToken })
      .expect(200);
  });

  it('ends the whole session when a used refresh token comes back later, as a stolen copy would', async () => {
    const phone = await loginMember(t, 'gina');
    const tablet = await loginMember(t, 'gina');
    const refresh = (refreshToken: string) =>
      t.http().post('/api/v1/auth/refresh').send({ refreshToken });
    const rotated = (await refresh(phone.refreshToken).expect(200)).body;
    // A minute on, someone presents the phone's first token again.
    await t.dataSource.query(
      `UPDATE refresh_tokens SET used_at = used_at - interval '1 minute' WHERE used_at IS NOT NULL`,
    );
    const reused = await refresh(phone.refreshToken).expect(401);
    expect(reused.body.error.code).toBe(ErrorCode.RefreshTokenInvalid);
    // Whoever holds the session's current token cannot go on with it either.
    await refresh(rotated.refreshToken).expect(401);
    // The member's other sessions go on.
    await refresh(tablet.refreshToken).expect(200);
  });

  it('ends the session with the token a refresh under way issues when a used token comes back meanwhile', async () => {
    const phone = await loginMember(t, 'gemma');
    const refresh = (refreshToken: string) =>
      t
        .http()
        .post('/api/v1/auth/refresh')
        .send({ refreshToken })
        .then((r) => r);
    const current = (await refresh(phone.refreshToken)).body;
    await t.dataSource.query(
      `UPDATE refresh_tokens SET used_at = used_at - interval '1 minute' WHERE used_at IS NOT NULL`,
    );
    const { jti: currentId } = jwt.decode(current.refreshToken) as { jti: string };
    // Whoever stole the current token refreshes it while the phone presents its first token
    // again; the thief's refresh is held at the token's row until the replay waits too.
    const holder = t.dataSource.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    await holder.query(`SELECT 1 FROM refresh_tokens WHERE id = $1 FOR UPDATE`, [currentId]);
    const thief = refresh(current.refreshToken);
    await lockWaits(t.dataSource, 1);
    const replay = refresh(phone.refreshToken);
    await lockWaits(t.dataSource, 2);
    await holder.commitTransaction();
    await holder.release();
    const stolen = await thief;
    expect(stolen.status).toBe(200);
    expect((await replay).status).toBe(401);
    // The token the thief's refresh issued ends with its session.
    expect((await refresh(stolen.body.refreshToken)).status).toBe(401);
  });

  it('ends the whole session when a used refresh token comes back after its record was purged', async () => {
    const phone = await loginMember(t, 'gwen');
    const refresh = (refreshToken: string) =>
      t.http().post('/api/v1/auth/refresh').send({ refreshToken });
    const rotated = (await refresh(phone.refreshToken).expect(200)).body;
    // Days on, the used token's record is gone (purged a day after its use) when it comes back.
    await t.dataSource.query(
      `UPDATE refresh_tokens SET used_at = now() - interval '2 days' WHERE used_at IS NOT NULL`,
    );
    expect(
      (
        await t
          .http()
          .post('/api/v1/admin/jobs/purge-refresh-tokens/run')
          .set('authorization', `Bearer ${await loginAdmin(t)}`)
      ).status,
    ).toBe(200);
    await refresh(phone.refreshToken).expect(401);
    await refresh(rotated.refreshToken).expect(401);
  });

  it('ends the whole session on log-out, also when the app logs out with an earlier token of it', async () => {
    const login = await loginMember(t, 'hana');
    const rotated = (
      await t
        .http()
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: login.refreshToken })
        .expect(200)
    ).body;
    await t
      .http()
      .post('/api/v1/auth/logout')
      .send({ refreshToken: login.refreshToken })
      .expect(204);
    await t
      .http()
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: rotated.refreshToken })
      .expect(401);
  });

  it('refuses an access token used as a refresh token', async () => {
    const login = await loginMember(t, 'frank');
    const res = await t
      .http()
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: login.accessToken })
      .expect(401);
    expect(res.body.error.code).toBe(ErrorCode.RefreshTokenInvalid);
  });

  it('asks for a log-in when there is no token', async () => {
    const res = await t.http().get('/api/v1/me').expect(401);
    expect(res.body).toEqual({
      error: { code: ErrorCode.AuthRequired, message: expect.any(String) },
    });
  });

  it('refuses a forged token', async () => {
    const forged = jwt.sign(
      {
        sub: '00000000-0000-4000-8000-000000000000',
        kind: 'member',
        roles: ['shopper'],
        typ: 'access',
      },
      'x'.repeat(40),
    );
    const res = await t.http().get('/api/v1/me').auth(forged, { type: 'bearer' }).expect(401);
    expect(res.body.error.code).toBe(ErrorCode.AuthTokenInvalid);
  });

  it('tells an expired access token apart', async () => {
    const login = await loginMember(t, 'grace');
    const expired = jwt.sign(
      {
        sub: login.member.id,
        kind: 'member',
        roles: ['shopper'],
        typ: 'access',
        exp: Math.floor(Date.now() / 1000) - 10,
      },
      t.config.JWT_ACCESS_SECRET,
    );
    const res = await t.http().get('/api/v1/me').auth(expired, { type: 'bearer' }).expect(401);
    expect(res.body.error.code).toBe(ErrorCode.AuthTokenExpired);
  });

  it('keeps shoppers out of admin routes and admins out of shopper routes', async () => {
    const member = await loginMember(t, 'heidi');
    const shopperOnAdmin = await t
      .http()
      .get('/api/v1/admin/jobs')
      .auth(member.accessToken, { type: 'bearer' })
      .expect(403);
    expect(shopperOnAdmin.body.error.code).toBe(ErrorCode.Forbidden);
    const adminToken = await loginAdmin(t);
    await t.http().get('/api/v1/admin/jobs').auth(adminToken, { type: 'bearer' }).expect(200);
    const adminOnShopper = await t
      .http()
      .get('/api/v1/me')
      .auth(adminToken, { type: 'bearer' })
      .expect(403);
    expect(adminOnShopper.body.error.code).toBe(ErrorCode.Forbidden);
  });

  it('gives the leader role to the member who runs a pickup point', async () => {
    const leader = await loginMember(t, 'leader-li');
    const [community] = await t.dataSource.query(
      `INSERT INTO communities (name, city) VALUES ('测试小区', '杭州') RETURNING id`,
    );
    await t.dataSource.query(
      `INSERT INTO pickup_points (community_id, name, address, latitude, longitude, leader_member_id)
       VALUES ($1, '一号自提点', '一号楼', 30.1, 120.1, $2)`,
      [community.id, leader.member.id],
    );
    const again = await loginMember(t, 'leader-li');
    const me = await t
      .http()
      .get('/api/v1/me')
      .auth(again.accessToken, { type: 'bearer' })
      .expect(200);
    expect(me.body.roles).toEqual(['shopper', 'leader']);
  });

  it('refuses a wrong admin password and an unknown admin alike', async () => {
    const wrong = await t
      .http()
      .post('/api/v1/admin/auth/login')
      .send({ username: 'admin', password: 'wrong-password' })
      .expect(401);
    const unknown = await t
      .http()
      .post('/api/v1/admin/auth/login')
      .send({ username: 'nobody', password: 'wrong-password' })
      .expect(401);
    expect(wrong.body.error.code).toBe(ErrorCode.AdminLoginFailed);
    expect(unknown.body).toEqual(wrong.body);
  });

  it('echoes a request id and sets security headers', async () => {
    const res = await t.http().get('/api/health').set('X-Request-Id', 'req-abc-123').expect(200);
    expect(res.headers['x-request-id']).toBe('req-abc-123');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('serves the OpenAPI document and Swagger UI', async () => {
    const doc = await t.http().get('/api/docs-json').expect(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/auth/wechat-login', '/api/v1/me', '/api/health']),
    );
    const ui = await t.http().get('/api/docs').expect(200);
    expect(ui.text).toContain('swagger');
  });
});
