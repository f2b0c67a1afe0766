import { ErrorCode } from '@linli/shared';
import { randomUUID } from 'node:crypto';
import { loginAdmin, loginMember, startTestApp, TestApp } from './support/test-app';

const as = (token: string) => ({ authorization: `Bearer ${token}` });

describe('admin: communities and pickup points', () => {
  let t: TestApp;
  let admin: string;
  let shopper: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
    shopper = (await loginMember(t, 'setup-shopper')).accessToken;
  });
  afterAll(() => t.close());

  const post = (path: string, body: object, token = admin) =>
    t.http().post(`/api/v1/admin${path}`).set(as(token)).send(body);
  const put = (path: string, body: object, token = admin) =>
    t.http().put(`/api/v1/admin${path}`).set(as(token)).send(body);
  const get = (path: string, token = admin) => t.http().get(`/api/v1/admin${path}`).set(as(token));
  const community = async (name: string) =>
    (await post('/communities', { name, city: '杭州' }).expect(201)).body as { id: string };
  const point = (communityId: string, overrides: Record<string, unknown> = {}) => ({
    communityId,
    name: '东门自提点',
    address: '文三路 88 号',
    latitude: 30.2772,
    longitude: 120.1276,
    openingHours: '08:00-21:00',
    ...overrides,
  });
  const audit = (action: string, targetId: string) =>
    t.dataSource.query(
      `SELECT actor_kind, details FROM audit_log WHERE action = $1 AND target_id = $2
       ORDER BY created_at, id`,
      [action, targetId],
    );

  it('creates a community and a pickup point without a leader, and writes both down in the audit log', async () => {
    const created = await post('/communities', { name: '  翠苑一区 ', city: '杭州' }).expect(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name: '翠苑一区',
      city: '杭州',
      pickupPointCount: 0,
      createdAt: expect.any(String),
    });
    const res = await post('/pickup-points', point(created.body.id)).expect(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      community: { id: created.body.id, name: '翠苑一区', city: '杭州' },
      name: '东门自提点',
      address: '文三路 88 号',
      latitude: 30.2772,
      longitude: 120.1276,
      openingHours: '08:00-21:00',
      leader: null,
      createdAt: expect.any(String),
    });
    expect(await audit('community.create', created.body.id)).toEqual([
      { actor_kind: 'admin', details: { name: '翠苑一区', city: '杭州' } },
    ]);
    expect(await audit('pickup-point.create', res.body.id)).toEqual([
      {
        actor_kind: 'admin',
        details: expect.objectContaining({ communityId: created.body.id, name: '东门自提点' }),
      },
    ]);
    const listed = await get(`/pickup-points?communityId=${created.body.id}`).expect(200);
    expect(listed.body).toEqual({ items: [res.body], nextCursor: null });
  });

  it('corrects a pickup point, changing only what is sent', async () => {
    const { id: communityId } = await community('古荡新村');
    const { body: created } = await post('/pickup-points', point(communityId)).expect(201);
    const res = await put(`/pickup-points/${created.id}`, {
      address: '古墩路 3 号',
      latitude: -33.8688,
      longitude: 151.2093,
    }).expect(200);
    expect(res.body).toEqual({
      ...created,
      address: '古墩路 3 号',
      latitude: -33.8688,
      longitude: 151.2093,
    });
    const hours = await put(`/pickup-points/${created.id}`, { openingHours: '全天' }).expect(200);
    expect(hours.body).toMatchObject({ address: '古墩路 3 号', openingHours: '全天' });
    const [change] = await audit('pickup-point.update', created.id);
    expect(change.details).toEqual({
      before: { address: '文三路 88 号', latitude: 30.2772, longitude: 120.1276 },
      after: { address: '古墩路 3 号', latitude: -33.8688, longitude: 151.2093 },
    });
  });

  it('shows each pickup point with its community and its approved leader', async () => {
    const { id: communityId } = await community('文三新村');
    const { body: south } = await post('/pickup-points', point(communityId, { name: '南门' }));
    const { body: north } = await post('/pickup-points', point(communityId, { name: '北门' }));
    const leader = await loginMember(t, 'setup-leader');
    const application = await t
      .http()
      .post('/api/v1/leader/applications')
      .set(as(leader.accessToken))
      .send({ pickupPointId: south.id, realName: '王阿姨', phone: '13800000000' })
      .expect(201);
    await post(`/leader-applications/${application.body.id}/approve`, {}).expect(200);

    const listed = await get(`/pickup-points?communityId=${communityId}`).expect(200);
    expect(
      listed.body.items.map((p: { name: string; leader: unknown; community: { id: string } }) => ({
        name: p.name,
        leader: p.leader,
        community: p.community.id,
      })),
    ).toEqual([
      { name: '北门', leader: null, community: communityId },
      {
        name: '南门',
        leader: { id: leader.member.id, nickname: 'setup-leader' },
        community: communityId,
      },
    ]);
    expect(north.leader).toBeNull();
  });

  it('pages through communities and pickup points, newest first, each once', async () => {
    const names = ['一区', '二区', '三区', '四区', '五区'].map((n) => `页 ${n}`);
    const ids: string[] = [];
    for (const name of names) ids.push((await community(name)).id);
    for (const name of ['甲', '乙', '丙']) {
      await post('/pickup-points', point(ids[0], { name })).expect(201);
    }

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const page = await get(`/communities?limit=2${query}`).expect(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((c: { id: string }) => c.id));
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor && pages < 20);
    expect(seen.slice(0, 5)).toEqual([...ids].reverse());
    expect(new Set(seen).size).toBe(seen.length);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM communities`);
    expect(seen.length).toBe(n);
    const first = (await get('/communities?limit=100').expect(200)).body.items;
    expect(first.find((c: { id: string }) => c.id === ids[0]).pickupPointCount).toBe(3);

    const one = await get(`/pickup-points?communityId=${ids[0]}&limit=2`).expect(200);
    expect(one.body.items.map((p: { name: string }) => p.name)).toEqual(['丙', '乙']);
    const two = await get(
      `/pickup-points?communityId=${ids[0]}&limit=2&cursor=${one.body.nextCursor}`,
    ).expect(200);
    expect(two.body).toEqual({
      items: [expect.objectContaining({ name: '甲' })],
      nextCursor: null,
    });
    const all = await get('/pickup-points?limit=100').expect(200);
    expect(all.body.items.length).toBeGreaterThan(3);

    const bad = await get('/communities?cursor=not-a-cursor').expect(400);
    expect(bad.body.error.code).toBe(ErrorCode.ValidationFailed);
    await get('/pickup-points?limit=0').expect(400);
  });

  it('creates a pickup point once per Idempotency-Key', async () => {
    const { id: communityId } = await community('翠苑二区');
    const key = `pp-${randomUUID()}`;
    const send = (body: object) =>
      t
        .http()
        .post('/api/v1/admin/pickup-points')
        .set(as(admin))
        .set('Idempotency-Key', key)
        .send(body);
    const first = await send(point(communityId, { name: '西门' })).expect(201);
    const replay = await send(point(communityId, { name: '西门' })).expect(201);
    expect(replay.body).toEqual(first.body);
    const reused = await send(point(communityId, { name: '别的' })).expect(422);
    expect(reused.body.error.code).toBe(ErrorCode.IdempotencyKeyReused);
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM pickup_points WHERE community_id = $1`,
      [communityId],
    );
    expect(n).toBe(1);
  });

  describe('refuses what is not valid', () => {
    let communityId: string;
    let pointId: string;
    beforeAll(async () => {
      communityId = (await community('校验小区')).id;
      pointId = (await post('/pickup-points', point(communityId)).expect(201)).body.id;
    });

    it.each([
      ['a blank name', { name: '   ' }],
      ['a name of full-width spaces', { name: '\u3000\u3000' }],
      ['a missing city', { city: undefined }],
      ['an unknown field', { region: '西湖区' }],
    ])('a community with %s', async (_, overrides) => {
      const res = await post('/communities', { name: '好小区', city: '杭州', ...overrides }).expect(
        400,
      );
      expect(res.body.error.code).toBe(ErrorCode.ValidationFailed);
    });

    it.each([
      ['a latitude above 90', { latitude: 90.5 }],
      ['a latitude below -90', { latitude: -91 }],
      ['a longitude beyond 180', { longitude: 180.01 }],
      ['a latitude in a string', { latitude: '30.27' }],
      ['a blank name', { name: ' \t ' }],
      ['a blank address', { address: '\u3000' }],
      ['blank opening hours', { openingHours: '  ' }],
      ['a missing longitude', { longitude: undefined }],
      ['a malformed community id', { communityId: 'yangguang' }],
      ['a leader set by hand', { leaderMemberId: randomUUID() }],
    ])('a pickup point with %s', async (_, overrides) => {
      const res = await post('/pickup-points', point(communityId, overrides)).expect(400);
      expect(res.body.error.code).toBe(ErrorCode.ValidationFailed);
    });

    it.each([
      ['nothing to change', {}],
      ['a blank name', { name: '  ' }],
      ['a longitude below -180', { longitude: -200 }],
      ['a community move', { communityId: randomUUID() }],
    ])('a correction with %s', async (_, body) => {
      const res = await put(`/pickup-points/${pointId}`, body).expect(400);
      expect(res.body.error.code).toBe(ErrorCode.ValidationFailed);
    });

    it('answers 404 for a community or pickup point that does not exist', async () => {
      const missing = randomUUID();
      const created = await post('/pickup-points', point(missing)).expect(404);
      expect(created.body.error).toMatchObject({
        code: ErrorCode.NotFound,
        details: { communityId: missing },
      });
      const listed = await get(`/pickup-points?communityId=${missing}`).expect(404);
      expect(listed.body.error.code).toBe(ErrorCode.NotFound);
      const corrected = await put(`/pickup-points/${randomUUID()}`, { name: '新名' }).expect(404);
      expect(corrected.body.error.code).toBe(ErrorCode.NotFound);
      await put('/pickup-points/east', { name: '新名' }).expect(400);
    });
  });

  it('is for operators only', async () => {
    const { id: communityId } = await community('门禁小区');
    const { body: created } = await post('/pickup-points', point(communityId)).expect(201);
    const refused = [
      await post('/communities', { name: '小区', city: '杭州' }, shopper),
      await get('/communities', shopper),
      await post('/pickup-points', point(communityId), shopper),
      await put(`/pickup-points/${created.id}`, { name: '改名' }, shopper),
      await get('/pickup-points', shopper),
    ];
    expect(refused.map((r) => r.status)).toEqual([403, 403, 403, 403, 403]);
    expect(refused[0].body.error.code).toBe(ErrorCode.Forbidden);
    await t.http().get('/api/v1/admin/communities').expect(401);
    await t.http().post('/api/v1/admin/pickup-points').send(point(communityId)).expect(401);
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM pickup_points WHERE community_id = $1`,
      [communityId],
    );
    expect(n).toBe(1);
    expect((await get(`/pickup-points?communityId=${communityId}`)).body.items[0].name).toBe(
      '东门自提点',
    );
  });
});
