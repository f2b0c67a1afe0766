import { randomUUID } from 'node:crypto';
import { Clock } from '../src/common/clock';
import { loginAdmin, loginMember, startTestApp, TestApp } from './support/test-app';

const HOUR_MS = 3_600_000;

describe('rewards mall (GET /rewards, POST /me/redemptions): coupons for points, atomic over points and stock', () => {
  let t: TestApp;
  let admin: string;
  let couponId: string;
  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
    const now = t.app.get(Clock).now().getTime();
    const coupon = await t
      .http()
      .post('/api/v1/admin/coupons')
      .set(as(admin))
      .send({
        name: '5 元无门槛券',
        kind: 'fixed',
        amountFen: 500,
        minSpendFen: 0,
        validFrom: new Date(now - HOUR_MS).toISOString(),
        validUntil: new Date(now + 30 * 24 * HOUR_MS).toISOString(),
      })
      .expect(201);
    couponId = coupon.body.id;
  });
  afterAll(() => t.close());

  const createReward = (body: Record<string, unknown> = {}) =>
    t
      .http()
      .post('/api/v1/admin/rewards')
      .set(as(admin))
      .send({ name: '5 元券', couponId, pointsCost: 100, stock: 5, perMemberLimit: 2, ...body })
      .expect(201)
      .then((r) => r.body as { id: string });
  /** A member holding `points` points. */
  const memberWith = async (name: string, points: number) => {
    const login = await loginMember(t, name);
    if (points > 0)
      await t
        .http()
        .post(`/api/v1/admin/members/${login.member.id}/points-adjustments`)
        .set(as(admin))
        .set('Idempotency-Key', randomUUID())
        .send({ points, reason: '活动奖励' })
        .expect(201);
    return { id: login.member.id, token: login.accessToken };
  };
  const redeem = (token: string, body: object, key = randomUUID()) =>
    t.http().post('/api/v1/me/redemptions').set(as(token)).set('Idempotency-Key', key).send(body);
  const available = async (token: string) =>
    (await t.http().get('/api/v1/me/points').set(as(token)).expect(200)).body.available as number;
  const stockLeft = async (rewardId: string) =>
    (await t.dataSource.query(`SELECT stock_left FROM rewards WHERE id = $1`, [rewardId]))[0]
      .stock_left as number;

  it('redeems a coupon for points, once per key, and shows it in the mall, the wallet and 我的优惠券', async () => {
    const reward = await createReward();
    const ann = await memberWith('reward-ann', 1_000);
    const mall = await t.http().get('/api/v1/rewards').set(as(ann.token)).expect(200);
    expect(mall.body).toEqual([
      expect.objectContaining({
        id: reward.id,
        name: '5 元券',
        pointsCost: 100,
        stockLeft: 5,
        perMemberLimit: 2,
        minTier: 'regular',
        yourQuantity: 0,
        eligible: true,
        coupon: expect.objectContaining({ id: couponId, amountFen: 500 }),
      }),
    ]);
    const key = randomUUID();
    const first = await redeem(ann.token, { rewardId: reward.id, quantity: 1 }, key).expect(201);
    expect(first.body).toMatchObject({
      rewardId: reward.id,
      rewardName: '5 元券',
      quantity: 1,
      points: 100,
    });
    const replay = await redeem(ann.token, { rewardId: reward.id, quantity: 1 }, key).expect(201);
    expect(replay.body).toEqual(first.body);
    expect(await available(ann.token)).toBe(900);
    expect(await stockLeft(reward.id)).toBe(4);
    const coupons = await t.http().get('/api/v1/me/coupons').set(as(ann.token)).expect(200);
    expect(coupons.body).toEqual([expect.objectContaining({ couponId, state: 'available' })]);
    const mine = await t.http().get('/api/v1/me/redemptions').set(as(ann.token)).expect(200);
    expect(mine.body).toEqual([first.body]);
    const entries = await t.http().get('/api/v1/me/points/entries').set(as(ann.token)).expect(200);
    expect(entries.body.items[0]).toMatchObject({
      type: 'spend',
      amount: -100,
      sourceType: 'redemption',
    });

    // Two more would pass the limit of two: nothing is taken.
    const over = await redeem(ann.token, { rewardId: reward.id, quantity: 2 }).expect(409);
    expect(over.body.error).toMatchObject({
      code: 'PURCHASE_LIMIT_EXCEEDED',
      details: { limit: 2, alreadyRedeemed: 1 },
    });
    expect(await available(ann.token)).toBe(900);
    expect(await stockLeft(reward.id)).toBe(4);
  });

  it('takes nothing from a member without the points or below the tier', async () => {
    const reward = await createReward();
    const gold = await createReward({ minTier: 'gold' });
    const bo = await memberWith('reward-bo', 50);
    const poor = await redeem(bo.token, { rewardId: reward.id, quantity: 1 }).expect(409);
    expect(poor.body.error.code).toBe('POINTS_INSUFFICIENT');
    const cy = await memberWith('reward-cy', 1_000);
    const low = await redeem(cy.token, { rewardId: gold.id, quantity: 1 }).expect(409);
    expect(low.body.error).toMatchObject({
      code: 'REWARD_NOT_ELIGIBLE',
      details: { minTier: 'gold' },
    });
    expect(await available(bo.token)).toBe(50);
    expect(await available(cy.token)).toBe(1_000);
    expect(await stockLeft(reward.id)).toBe(5);
    expect(await stockLeft(gold.id)).toBe(5);
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM member_coupons WHERE member_id = ANY($1)`,
      [[bo.id, cy.id]],
    );
    expect(n).toBe(0);
  });

  it('gives 10 units of stock to 10 of 30 members redeeming at once, never more', async () => {
    const reward = await createReward({ stock: 10, perMemberLimit: 1 });
    const members = await Promise.all(
      Array.from({ length: 30 }, (_, i) => memberWith(`reward-rush-${i}`, 100)),
    );
    const responses = await Promise.all(
      members.map((m) => redeem(m.token, { rewardId: reward.id, quantity: 1 })),
    );
    const codes = responses.map((r) => (r.status === 201 ? 'ok' : r.body.error.code));
    expect(codes.filter((c) => c === 'ok')).toHaveLength(10);
    expect(codes.filter((c) => c !== 'ok').every((c) => c === 'OUT_OF_STOCK')).toBe(true);
    expect(await stockLeft(reward.id)).toBe(0);
    const balances = await Promise.all(members.map((m) => available(m.token)));
    expect(balances.filter((b) => b === 0)).toHaveLength(10);
    expect(balances.filter((b) => b === 100)).toHaveLength(20);
  });

  it('lets one member’s 12 redemptions at once spend what they have and no more', async () => {
    const reward = await createReward({ stock: 100, perMemberLimit: 50 });
    const dee = await memberWith('reward-dee', 300);
    const responses = await Promise.all(
      Array.from({ length: 12 }, () => redeem(dee.token, { rewardId: reward.id, quantity: 1 })),
    );
    expect(responses.filter((r) => r.status === 201)).toHaveLength(3);
    expect(
      responses
        .filter((r) => r.status !== 201)
        .every((r) => r.body.error.code === 'POINTS_INSUFFICIENT'),
    ).toBe(true);
    expect(await available(dee.token)).toBe(0);
    expect(await stockLeft(reward.id)).toBe(97);
  });

  it('holds a member to the limit when they redeem many times at once', async () => {
    const reward = await createReward({ stock: 100, perMemberLimit: 2 });
    const fay = await memberWith('reward-fay', 5_000);
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => redeem(fay.token, { rewardId: reward.id, quantity: 1 })),
    );
    expect(responses.filter((r) => r.status === 201)).toHaveLength(2);
    expect(
      responses
        .filter((r) => r.status !== 201)
        .every((r) => r.body.error.code === 'PURCHASE_LIMIT_EXCEEDED'),
    ).toBe(true);
    expect(await available(fay.token)).toBe(4_800);
  });

  it('lets operators withdraw a reward from the mall and offer it again', async () => {
    const reward = await createReward({ name: '下架的券' });
    const gus = await memberWith('reward-gus', 1_000);
    const withdraw = (active: boolean) =>
      t.http().patch(`/api/v1/admin/rewards/${reward.id}`).set(as(admin)).send({ active });
    expect((await withdraw(false).expect(200)).body).toMatchObject({
      id: reward.id,
      active: false,
    });
    const mall = await t.http().get('/api/v1/rewards').set(as(gus.token)).expect(200);
    expect(mall.body.map((r: { id: string }) => r.id)).not.toContain(reward.id);
    await redeem(gus.token, { rewardId: reward.id, quantity: 1 }).expect(404);
    const all = await t.http().get('/api/v1/admin/rewards').set(as(admin)).expect(200);
    expect(all.body).toContainEqual(expect.objectContaining({ id: reward.id, active: false }));
    await withdraw(true).expect(200);
    await redeem(gus.token, { rewardId: reward.id, quantity: 1 }).expect(201);
    await t
      .http()
      .patch(`/api/v1/admin/rewards/${randomUUID()}`)
      .set(as(admin))
      .send({ active: true })
      .expect(404);
    await t
      .http()
      .patch(`/api/v1/admin/rewards/${reward.id}`)
      .set(as(admin))
      .send({ active: 'no' })
      .expect(400);
    await t
      .http()
      .patch(`/api/v1/admin/rewards/${reward.id}`)
      .set(as(gus.token))
      .send({ active: false })
      .expect(403);
  });

  it('refuses bad requests, unknown rewards and coupons, and keeps the admin routes for operators', async () => {
    const eve = await memberWith('reward-eve', 100);
    const reward = await createReward();
    await redeem(eve.token, { rewardId: reward.id, quantity: 0 }).expect(400);
    await redeem(eve.token, { rewardId: 'nope', quantity: 1 }).expect(400);
    await t
      .http()
      .post('/api/v1/me/redemptions')
      .set(as(eve.token))
      .send({ rewardId: reward.id, quantity: 1 })
      .expect(400);
    await redeem(eve.token, { rewardId: randomUUID(), quantity: 1 }).expect(404);
    await t
      .http()
      .post('/api/v1/admin/rewards')
      .set(as(admin))
      .send({ name: '不存在', couponId: randomUUID(), pointsCost: 1, stock: 1, perMemberLimit: 1 })
      .expect(404);
    await t.http().post('/api/v1/admin/rewards').set(as(eve.token)).send({}).expect(403);
    await t.http().get('/api/v1/rewards').expect(401);
  });
});
