import { randomUUID } from 'node:crypto';
import { loginAdmin, loginMember, type TestApp } from './test-app';

const HOUR = 3_600_000;

const as = (token: string) => ({ authorization: `Bearer ${token}` });

/**
 * A community with two pickup points as an operator sets them up, neither with a leader
 * yet: shoppers cannot choose them until a leader application is approved.
 */
export async function createLeaderlessPickupPoints(
  t: TestApp,
): Promise<{ east: string; west: string }> {
  const admin = await loginAdmin(t);
  const community = await t
    .http()
    .post('/api/v1/admin/communities')
    .set(as(admin))
    .send({ name: '阳光花园', city: '杭州' })
    .expect(201);
  const create = async (name: string) =>
    (
      await t
        .http()
        .post('/api/v1/admin/pickup-points')
        .set(as(admin))
        .send({
          communityId: community.body.id,
          name,
          address: '文三路',
          latitude: 30.27,
          longitude: 120.12,
          openingHours: '08:00-21:00',
        })
        .expect(201)
    ).body.id as string;
  return { east: await create('东门'), west: await create('西门') };
}

/** Gives a pickup point a leader: a member applies to run it and the operator approves. */
export async function approveLeader(t: TestApp, pickupPointId: string, name: string) {
  const admin = await loginAdmin(t);
  const leader = await loginMember(t, name);
  const application = await t
    .http()
    .post('/api/v1/leader/applications')
    .set(as(leader.accessToken))
    .send({ pickupPointId, realName: '王阿姨', phone: '13800000000' })
    .expect(201);
  await t
    .http()
    .post(`/api/v1/admin/leader-applications/${application.body.id}/approve`)
    .set(as(admin))
    .send({})
    .expect(200);
  return leader;
}

/** A community with two pickup points, each run by a leader, as the shopper-facing group-buy specs need. */
export async function createPickupPoints(t: TestApp): Promise<{ east: string; west: string }> {
  const points = await createLeaderlessPickupPoints(t);
  const suffix = randomUUID().slice(0, 8);
  await approveLeader(t, points.east, `east-leader-${suffix}`);
  await approveLeader(t, points.west, `west-leader-${suffix}`);
  return points;
}

/** A member logged in and bound to a pickup point (one with a leader). */
export async function shopperAt(t: TestApp, name: string, pickupPointId: string) {
  const login = await loginMember(t, name);
  await t
    .http()
    .put('/api/v1/me/pickup-point')
    .set(as(login.accessToken))
    .send({ pickupPointId })
    .expect(200);
  return login;
}

/** A campaign body that is live now, for an admin to post. */
export function liveCampaign(skuId: string, overrides: Record<string, unknown> = {}) {
  const now = Date.now();
  return {
    skuId,
    title: `脐橙团 ${randomUUID().slice(0, 4)}`,
    groupPriceFen: 2_990,
    stock: 100,
    perMemberLimit: 3,
    minBuyers: 2,
    startsAt: new Date(now - HOUR).toISOString(),
    cutsOffAt: new Date(now + 24 * HOUR).toISOString(),
    pickupDate: new Date(now + 72 * HOUR).toISOString().slice(0, 10),
    ...overrides,
  };
}

/** A pickup point no one runs yet, for leaders to apply to. */
export async function createPoint(t: TestApp): Promise<{ id: string }> {
  const [community] = await t.dataSource.query(
    `INSERT INTO communities (name, city) VALUES ('新村', '杭州') RETURNING id`,
  );
  const [point] = await t.dataSource.query(
    `INSERT INTO pickup_points (community_id, name, address, latitude, longitude)
     VALUES ($1, $2, '新路', 30.2, 120.1) RETURNING id`,
    [community.id, `点 ${randomUUID().slice(0, 4)}`],
  );
  return point;
}
