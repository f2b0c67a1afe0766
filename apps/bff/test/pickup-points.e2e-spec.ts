import { ErrorCode } from '@linli/shared';
import { randomUUID } from 'node:crypto';
import { loginMember, startTestApp, TestApp } from './support/test-app';

describe('pickup points', () => {
  let t: TestApp;
  let token: string;
  const points: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp();
    token = (await loginMember(t, 'pp-shopper')).accessToken;
    const [community] = await t.dataSource.query(
      `INSERT INTO communities (name, city) VALUES ('阳光花园', '杭州') RETURNING id`,
    );
    for (const [name, lat, lng] of [
      ['东门', 30.2772, 120.1276],
      ['西门', 30.2768, 120.1241],
      ['远处', 30.35, 120.2],
    ] as const) {
      const [row] = await t.dataSource.query(
        `INSERT INTO pickup_points (community_id, name, address, latitude, longitude, opening_hours)
         VALUES ($1, $2, '文三路', $3, $4, '08:00-21:00') RETURNING id`,
        [community.id, name, lat, lng],
      );
      points[name] = row.id;
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
    expect(res.body.map((p: { name: string }) => p.name)).toEqual(['东门', '西门', '远处']);
    expect(res.body[0]).toMatchObject({
      communityName: '阳光花园',
      openingHours: '08:00-21:00',
      latitude: 30.2772,
    });
    expect(res.body[0].distanceMeters).toBeLessThan(100);
    expect(res.body[1].distanceMeters).toBeGreaterThan(200);
    expect(res.body[1].distanceMeters).toBeLessThan(400);
    expect(res.body[2].distanceMeters).toBeGreaterThan(9_000);
  });

  it.each(['', '?lat=30', '?lat=91&lng=120', '?lat=30&lng=abc'])('refuses %s', async (query) => {
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

  it('needs a member log-in', async () => {
    await t.http().get('/api/v1/pickup-points?lat=30&lng=120').expect(401);
    await t
      .http()
      .put('/api/v1/me/pickup-point')
      .send({ pickupPointId: points['东门'] })
      .expect(401);
  });
});
