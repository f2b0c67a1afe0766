import { ErrorCode } from '@linli/shared';
import { randomUUID } from 'node:crypto';
import { loginAdmin, loginMember, startTestApp, TestApp } from './support/test-app';

describe('pickup points', () => {
  let t: TestApp;
  let token: string;
  let communityId: string;
  const points: Record<string, string> = {};

  /** A pickup point in 阳光花园; with `leader`, run by that member. */
  const insertPoint = async (name: string, lat: number, lng: number, leader: string | null) => {
    const [row] = await t.dataSource.query(
      `INSERT INTO pickup_points (community_id, name, address, latitude, longitude, opening_hours, leader_member_id)
       VALUES ($1, $2, '文三路', $3, $4, '08:00-21:00', $5) RETURNING id`,
      [communityId, name, lat, lng, leader],
    );
    return row.id as string;
  };

  beforeAll(async () => {
    t = await startTestApp();
    token = (await loginMember(t, 'pp-shopper')).accessToken;
    const [community] = await t.dataSource.query(
      `INSERT INTO communities (name, city) VALUES ('阳光花园', '杭州') RETURNING id`,
    );
    communityId = community.id;
    for (const [name, lat, lng] of [
      ['东门', 30.2772, 120.1276],
      ['西门', 30.2768, 120.1241],
      ['远处', 30.35, 120.2],
    ] as const) {
      const leader = await loginMember(t, `pp-leader-${lat}`);
      points[name] = await insertPoint(name, lat, lng, leader.member.id);
    }
  });
  afterAll(() => t.close());
  const as = { authorization: '' };
  beforeEach(() => (as.authorization = `Bearer ${token}`));

  it('lists the nearest pickup points first, with distances in metres', async () => {
    const res = await t
      .http()
      .get('/api/v1/pickup-points?lat=30.2771&lng=120.1270')
      .set(as)
      .expect(200);
    expect(res.body.items.map((p: { name: string }) => p.name)).toEqual(['东门', '西门', '远处']);
    expect(res.body.items[0]).toMatchObject({
      communityName: '阳光花园',
      openingHours: '08:00-21:00',
      latitude: 30.2772,
    });
    expect(res.body.items[0].distanceMeters).toBeLessThan(100);
    expect(res.body.items[1].distanceMeters).toBeGreaterThan(200);
    expect(res.body.items[1].distanceMeters).toBeLessThan(400);
    expect(res.body.items[2].distanceMeters).toBeGreaterThan(9_000);
  });

  it('pages through the nearby points nearest first, and refuses a cursor it did not give', async () => {
    const page = (query: string) =>
      t.http().get(`/api/v1/pickup-points?lat=30.2771&lng=120.1270${query}`).set(as);
    const first = await page('&limit=2').expect(200);
    expect(first.body.items.map((p: { name: string }) => p.name)).toEqual(['东门', '西门']);
    const second = await page(`&limit=2&cursor=${first.body.nextCursor}`).expect(200);
    expect(second.body).toEqual({
      items: [expect.objectContaining({ name: '远处' })],
      nextCursor: null,
    });
    await page('&cursor=not-a-cursor').expect(400);
    await page('&limit=0').expect(400);
  });

  it.each([
    '',
    '?lat=30',
    '?lat=91&lng=120',
    '?lat=30&lng=abc',
    // Number() reads these as 0 (a search around 0,0) or as hexadecimal.
    '?lat=&lng=',
    '?lat=%20&lng=%20',
    '?lat=30&lng=',
    '?lat=0x1E&lng=120',
  ])('refuses %s', async (query) => {
    const res = await t.http().get(`/api/v1/pickup-points${query}`).set(as).expect(400);
    expect(res.body.error.code).toBe(ErrorCode.ValidationFailed);
  });

  it('binds the member to a pickup point, and moves them to another', async () => {
    const first = await t
      .http()
      .put('/api/v1/me/pickup-point')
      .set(as)
      .send({ pickupPointId: points['东门'] })
      .expect(200);
    expect(first.body.pickupPoint).toMatchObject({ id: points['东门'], name: '东门' });
    const second = await t
      .http()
      .put('/api/v1/me/pickup-point')
      .set(as)
      .send({ pickupPointId: points['西门'] })
      .expect(200);
    expect(second.body.pickupPoint.name).toBe('西门');
    expect((await t.http().get('/api/v1/me').set(as)).body.pickupPoint.name).toBe('西门');
  });

  it('answers 404 for a pickup point that does not exist and 400 for a malformed id', async () => {
    const missing = await t
      .http()
      .put('/api/v1/me/pickup-point')
      .set(as)
      .send({ pickupPointId: randomUUID() })
      .expect(404);
    expect(missing.body.error.code).toBe(ErrorCode.NotFound);
    await t
      .http()
      .put('/api/v1/me/pickup-point')
      .set(as)
      .send({ pickupPointId: 'east' })
      .expect(400);
  });

  it('neither lists nor binds a pickup point without a leader, as if it did not exist', async () => {
    const vacant = await insertPoint('空置点', 30.2771, 120.127, null);
    const nearby = await t
      .http()
      .get('/api/v1/pickup-points?lat=30.2771&lng=120.1270')
      .set(as)
      .expect(200);
    expect(nearby.body.items.map((p: { name: string }) => p.name)).toEqual([
      '东门',
      '西门',
      '远处',
    ]);

    await t.http().put('/api/v1/me/pickup-point').set(as).send({ pickupPointId: points['东门'] });
    const refused = await t
      .http()
      .put('/api/v1/me/pickup-point')
      .set(as)
      .send({ pickupPointId: vacant })
      .expect(404);
    expect(refused.body.error).toMatchObject({
      code: ErrorCode.NotFound,
      message: 'Pickup point not found',
      details: { pickupPointId: vacant },
    });
    expect((await t.http().get('/api/v1/me').set(as)).body.pickupPoint.name).toBe('东门');
  });

  it('shows a pickup point to shoppers once its leader is approved, and lets them choose it', async () => {
    const point = await insertPoint('新开点', 30.27705, 120.12705, null);
    const applicant = await loginMember(t, 'pp-applicant');
    // A member who wants to run a point finds the ones near them still without a leader.
    const vacant = () =>
      t
        .http()
        .get('/api/v1/pickup-points?lat=30.2771&lng=120.1270&vacant=true')
        .set({ authorization: `Bearer ${applicant.accessToken}` })
        .expect(200)
        .then((res) => res.body.items.map((p: { name: string }) => p.name));
    expect(await vacant()).toContain('新开点');
    expect(await vacant()).not.toContain('东门');
    await t
      .http()
      .get('/api/v1/pickup-points?lat=30.2771&lng=120.1270&vacant=maybe')
      .set(as)
      .expect(400);
    const application = await t
      .http()
      .post('/api/v1/leader/applications')
      .set({ authorization: `Bearer ${applicant.accessToken}` })
      .send({ pickupPointId: point, realName: '周阿姨', phone: '13812345678' })
      .expect(201);
    const nearby = () =>
      t
        .http()
        .get('/api/v1/pickup-points?lat=30.2771&lng=120.1270')
        .set(as)
        .expect(200)
        .then((res) => res.body.items.map((p: { name: string }) => p.name));
    expect(await nearby()).not.toContain('新开点');

    await t
      .http()
      .post(`/api/v1/admin/leader-applications/${application.body.id}/approve`)
      .set({ authorization: `Bearer ${await loginAdmin(t)}` })
      .send({})
      .expect(200);
    expect((await nearby())[0]).toBe('新开点');
    expect(await vacant()).not.toContain('新开点');
    const bound = await t
      .http()
      .put('/api/v1/me/pickup-point')
      .set(as)
      .send({ pickupPointId: point })
      .expect(200);
    expect(bound.body.pickupPoint).toMatchObject({ id: point, name: '新开点' });
  });

  it('keeps a member bound to a pickup point without a leader where they are until they move', async () => {
    const old = await insertPoint('老点', 30.2, 120.2, null);
    const member = await loginMember(t, 'pp-bound-before');
    await t.dataSource.query(`UPDATE members SET pickup_point_id = $1 WHERE id = $2`, [
      old,
      member.member.id,
    ]);
    const auth = { authorization: `Bearer ${member.accessToken}` };
    const me = await t.http().get('/api/v1/me').set(auth).expect(200);
    expect(me.body.pickupPoint).toMatchObject({ id: old, name: '老点' });
    await t.http().get('/api/v1/campaigns').set(auth).expect(200);

    await t
      .http()
      .put('/api/v1/me/pickup-point')
      .set(auth)
      .send({ pickupPointId: points['西门'] })
      .expect(200);
    await t
      .http()
      .put('/api/v1/me/pickup-point')
      .set(auth)
      .send({ pickupPointId: old })
      .expect(404);
  });

  it('needs a member log-in', async () => {
    await t.http().get('/api/v1/pickup-points?lat=30&lng=120').expect(401);
    await t
      .http()
      .put('/api/v1/me/pickup-point')
      .send({ pickupPointId: points['东门'] })
      .expect(401);
  });
});
