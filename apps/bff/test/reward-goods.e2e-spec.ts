import { ErrorCode } from '@linli/shared';
import { randomUUID } from 'node:crypto';
import { as, fulfilmentWorld } from './support/fulfilment-fixtures';
import { loginMember, startTestApp, TestApp } from './support/test-app';

type World = Awaited<ReturnType<typeof fulfilmentWorld>>;

describe('goods in the rewards mall: redeemed for points, collected at the pickup point like an order', () => {
  let t: TestApp;
  let w: World;
  let leader: { id: string; token: string };
  let otherLeader: { id: string; token: string };

  beforeAll(async () => {
    t = await startTestApp();
    w = await fulfilmentWorld(t);
    leader = await w.leaderOf('goods-leader', w.points.east);
    otherLeader = await w.leaderOf('goods-west-leader', w.points.west);
  });
  afterAll(() => t.close());

  const createGoods = (body: Record<string, unknown> = {}) =>
    t
      .http()
      .post('/api/v1/admin/rewards')
      .set(as(w.admin))
      .send({
        kind: 'goods',
        name: '环保购物袋',
        image: 'https://img.linli.example/bag.png',
        pointsCost: 200,
        stock: 5,
        perMemberLimit: 2,
        ...body,
      })
      .expect(201)
      .then((r) => r.body as { id: string });
  /** An operator gives the member points. */
  const grant = (memberId: string, points: number) =>
    t
      .http()
      .post(`/api/v1/admin/members/${memberId}/points-adjustments`)
      .set(as(w.admin))
      .set('Idempotency-Key', randomUUID())
      .send({ points, reason: '活动奖励' })
      .expect(201);
  /** A member of the east point holding `points` points. */
  const memberWith = async (name: string, points: number, pickupPointId = w.points.east) => {
    const member = await w.shopperAt(name, pickupPointId);
    await grant(member.id, points);
    return member;
  };
  const redeem = (token: string, body: object, key = randomUUID()) =>
    t.http().post('/api/v1/me/redemptions').set(as(token)).set('Idempotency-Key', key).send(body);
  const verify = (token: string, body: object) =>
    t.http().post('/api/v1/leader/pickups/verify').set(as(token)).send(body);
  /** The operator's count of the reward's units at the east point, by state. */
  const shipped = async (rewardId: string) =>
    (await w.get(w.admin, '/admin/rewards/shipments')).find(
      (row: { rewardId: string; pickupPointId: string }) =>
        row.rewardId === rewardId && row.pickupPointId === w.points.east,
    );
  const arrive = (token: string, redemptionId: string) =>
    t.http().post(`/api/v1/leader/reward-pickups/${redemptionId}/arrive`).set(as(token));

  it('takes points and stock, gives a pickup code at the member’s point, and hands the goods over once they arrive', async () => {
    const goods = await createGoods();
    const ann = await memberWith('goods-ann', 1_000);
    const mall = await w.get(ann.token, '/rewards');
    expect(mall).toContainEqual(
      expect.objectContaining({
        id: goods.id,
        kind: 'goods',
        coupon: null,
        image: 'https://img.linli.example/bag.png',
        pointsCost: 200,
      }),
    );

    const key = randomUUID();
    const redeemed = await redeem(ann.token, { rewardId: goods.id, quantity: 2 }, key).expect(201);
    expect(redeemed.body).toMatchObject({
      rewardId: goods.id,
      kind: 'goods',
      quantity: 2,
      points: 400,
      pickup: {
        pickupPointId: w.points.east,
        pickupPointName: '东门',
        state: 'awaiting_delivery',
        pickupCode: expect.stringMatching(/^\d{8}$/),
        readyAt: null,
        pickedUpAt: null,
      },
    });
    const replay = await redeem(ann.token, { rewardId: goods.id, quantity: 2 }, key).expect(201);
    expect(replay.body).toEqual(redeemed.body);
    expect((await w.get(ann.token, '/me/points')).available).toBe(600);
    const code = redeemed.body.pickup.pickupCode as string;
    const [{ n: coupons }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM member_coupons WHERE member_id = $1`,
      [ann.id],
    );
    expect(coupons).toBe(0);

    expect(await shipped(goods.id)).toEqual({
      rewardId: goods.id,
      rewardName: '环保购物袋',
      pickupPointId: w.points.east,
      pickupPointName: '东门',
      awaitingDelivery: 2,
      readyForPickup: 0,
      pickedUp: 0,
    });
    await t.http().get('/api/v1/admin/rewards/shipments').set(as(ann.token)).expect(403);

    // The leader sees it on its way; it cannot be handed over before it arrives.
    const waiting = await w.get(leader.token, '/leader/reward-pickups');
    expect(waiting.items).toEqual([
      expect.objectContaining({
        id: redeemed.body.id,
        nickname: 'goods-ann',
        rewardName: '环保购物袋',
        quantity: 2,
        state: 'awaiting_delivery',
        codeHint: code.slice(-4),
      }),
    ]);
    const early = await verify(leader.token, { code }).expect(409);
    expect(early.body.error).toMatchObject({
      code: ErrorCode.OrderNotReady,
      details: { redemptionId: redeemed.body.id, state: 'awaiting_delivery' },
    });
    const nothingReady = await verify(leader.token, { memberCode: w.memberCode(ann.id) }).expect(
      404,
    );
    expect(nothingReady.body.error.code).toBe(ErrorCode.NothingToPickUp);

    // Arrival, twice: the member is told once.
    const arrived = await arrive(leader.token, redeemed.body.id).expect(200);
    expect(arrived.body).toMatchObject({ state: 'ready_for_pickup', readyAt: expect.any(String) });
    await arrive(leader.token, redeemed.body.id).expect(200);
    const notices = await w.get(ann.token, '/me/notifications');
    expect(notices.items.filter((n: { kind: string }) => n.kind === 'reward_ready')).toEqual([
      expect.objectContaining({
        title: '兑换的好礼到货啦',
        body: '「环保购物袋」已到「东门」，出示提货码即可领取。',
        data: { redemptionId: redeemed.body.id },
      }),
    ]);
    expect((await w.get(leader.token, '/leader/reward-pickups')).items).toEqual([]);
    expect(await shipped(goods.id)).toMatchObject({ awaitingDelivery: 0, readyForPickup: 2 });
    expect(
      (await w.get(leader.token, '/leader/reward-pickups?state=ready_for_pickup')).items,
    ).toEqual([expect.objectContaining({ id: redeemed.body.id, state: 'ready_for_pickup' })]);

    // Handed over by its code, at once by six taps: once, and the rest say so.
    const taps = await Promise.all(Array.from({ length: 6 }, () => verify(leader.token, { code })));
    expect(taps.map((r) => r.status)).toEqual(Array(6).fill(200));
    const firsts = taps.filter((r) => !r.body.alreadyPickedUp);
    expect(firsts).toHaveLength(1);
    expect(firsts[0].body).toMatchObject({
      orders: [],
      rewards: [{ id: redeemed.body.id, state: 'picked_up', pickedUpAt: expect.any(String) }],
    });
    expect(await shipped(goods.id)).toMatchObject({ readyForPickup: 0, pickedUp: 2 });
    const [mine] = await w.get(ann.token, '/me/redemptions');
    expect(mine.pickup).toMatchObject({ state: 'picked_up', pickupCode: null });
  });

  it('hands over a member’s arrived goods with their orders by member code', async () => {
    const goods = await createGoods({ name: '定制围裙' });
    const bo = await memberWith('goods-bo', 1_000);
    const apples = await w.campaign(w.skus.apples, { minBuyers: 1 });
    const order = await w.buy(bo, [{ campaignId: apples, quantity: 1 }]);
    const redeemed = (await redeem(bo.token, { rewardId: goods.id, quantity: 1 }).expect(201)).body;
    await w.deliverTo(leader);
    await arrive(leader.token, redeemed.id).expect(200);
    const handed = await verify(leader.token, { memberCode: w.memberCode(bo.id) }).expect(200);
    expect(handed.body.orders.map((o: { id: string }) => o.id)).toEqual([order.id]);
    expect(handed.body.rewards).toEqual([
      expect.objectContaining({ id: redeemed.id, rewardName: '定制围裙', state: 'picked_up' }),
    ]);
    const again = await verify(leader.token, { memberCode: w.memberCode(bo.id) }).expect(404);
    expect(again.body.error.code).toBe(ErrorCode.NothingToPickUp);
  });

  it('needs a pickup point, and keeps each leader to their own point’s goods', async () => {
    const goods = await createGoods({ name: '帆布包' });
    const loner = await loginMember(t, 'goods-no-point');
    await grant(loner.member.id, 1_000);
    const homeless = await redeem(loner.accessToken, { rewardId: goods.id, quantity: 1 });
    expect(homeless.status).toBe(409);
    expect(homeless.body.error.code).toBe(ErrorCode.PickupPointRequired);
    expect((await w.get(loner.accessToken, '/me/points')).available).toBe(1_000);

    const cy = await memberWith('goods-cy', 1_000);
    const redeemed = (await redeem(cy.token, { rewardId: goods.id, quantity: 1 }).expect(201)).body;
    // The west leader neither sees, confirms nor hands over the east point's goods.
    expect((await w.get(otherLeader.token, '/leader/reward-pickups')).items).toEqual([]);
    await arrive(otherLeader.token, redeemed.id).expect(404);
    expect((await w.get(leader.token, '/leader/reward-pickups')).items).toContainEqual(
      expect.objectContaining({ id: redeemed.id, state: 'awaiting_delivery' }),
    );
    await arrive(leader.token, redeemed.id).expect(200);
    const wrongPoint = await verify(otherLeader.token, { code: redeemed.pickup.pickupCode });
    expect(wrongPoint.status).toBe(404);
    expect(wrongPoint.body.error.code).toBe(ErrorCode.PickupCodeInvalid);
    await arrive(cy.token, redeemed.id).expect(403);
    await arrive(leader.token, randomUUID()).expect(404);
    await arrive(leader.token, 'nope').expect(400);
    await t
      .http()
      .get('/api/v1/leader/reward-pickups?state=lost')
      .set(as(leader.token))
      .expect(400);
  });

  it('refuses a goods reward with a coupon, a coupon reward without one, and a bad picture', async () => {
    const coupon = await w.createCoupon().expect(201);
    const create = (body: object) =>
      t
        .http()
        .post('/api/v1/admin/rewards')
        .set(as(w.admin))
        .send({ name: '好礼', pointsCost: 100, stock: 1, perMemberLimit: 1, ...body });
    await create({ kind: 'goods', couponId: coupon.body.id }).expect(400);
    await create({ kind: 'coupon' }).expect(400);
    await create({}).expect(400);
    await create({ kind: 'goods', image: 'not a url' }).expect(400);
    await create({ kind: 'flowers' }).expect(400);
    const couponReward = await create({ couponId: coupon.body.id }).expect(201);
    expect(couponReward.body).toMatchObject({ kind: 'coupon', image: null });
    const goods = await create({ kind: 'goods' }).expect(201);
    const edited = await t
      .http()
      .patch(`/api/v1/admin/rewards/${goods.body.id}`)
      .set(as(w.admin))
      .send({ image: 'https://img.linli.example/gift.png' })
      .expect(200);
    expect(edited.body).toMatchObject({
      kind: 'goods',
      image: 'https://img.linli.example/gift.png',
    });
    await t
      .http()
      .patch(`/api/v1/admin/rewards/${goods.body.id}`)
      .set(as(w.admin))
      .send({ kind: 'coupon' })
      .expect(400);
  });

  it('gives 40 members redeeming at once distinct codes, and no more goods than in stock', async () => {
    const goods = await createGoods({ name: '保温杯', stock: 25, perMemberLimit: 1 });
    const members = await Promise.all(
      Array.from({ length: 40 }, (_, i) => memberWith(`goods-rush-${i}`, 200)),
    );
    const responses = await Promise.all(
      members.map((m) => redeem(m.token, { rewardId: goods.id, quantity: 1 })),
    );
    const ok = responses.filter((r) => r.status === 201);
    expect(ok).toHaveLength(25);
    expect(
      responses.filter((r) => r.status !== 201).every((r) => r.body.error.code === 'OUT_OF_STOCK'),
    ).toBe(true);
    const codes = new Set(ok.map((r) => r.body.pickup.pickupCode));
    expect(codes.size).toBe(25);
    const [row] = await t.dataSource.query(
      `SELECT stock_left, (SELECT count(*)::int FROM redemptions WHERE reward_id = $1) AS redemptions
       FROM rewards WHERE id = $1`,
      [goods.id],
    );
    expect(row).toEqual({ stock_left: 0, redemptions: 25 });
  });
});
