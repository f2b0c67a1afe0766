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
  /** The east leader's dashboard counts of goods redemptions on their way and waiting. */
  const goodsAtPoint = async () => {
    const dashboard = await w.get(leader.token, '/leader/dashboard');
    return { arriving: dashboard.rewardsArriving, ready: dashboard.rewardsReady };
  };
  const cancelMine = (token: string, redemptionId: string, key = randomUUID()) =>
    t
      .http()
      .post(`/api/v1/me/redemptions/${redemptionId}/cancel`)
      .set(as(token))
      .set('Idempotency-Key', key);
  const cancelAsOperator = (redemptionId: string, body: object, key = randomUUID()) =>
    t
      .http()
      .post(`/api/v1/admin/redemptions/${redemptionId}/cancel`)
      .set(as(w.admin))
      .set('Idempotency-Key', key)
      .send(body);
  const stockLeft = async (rewardId: string) =>
    (await w.get(w.admin, '/admin/rewards?limit=100')).items.find(
      (r: { id: string }) => r.id === rewardId,
    ).stockLeft as number;
  const reconciled = async () =>
    expect((await w.get(w.admin, '/admin/points/reconciliation')).mismatches).toEqual([]);

  it('takes points and stock, gives a pickup code at the member’s point, and hands the goods over once they arrive', async () => {
    const goods = await createGoods();
    const ann = await memberWith('goods-ann', 1_000);
    const { items: mall } = await w.get(ann.token, '/rewards');
    expect(mall).toContainEqual(
      expect.objectContaining({
        id: goods.id,
        kind: 'goods',
        coupon: null,
        image: 'https://img.linli.example/bag.png',
        pointsCost: 200,
      }),
    );

    const before = await goodsAtPoint();
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

    // The leader sees it on its way (on the dashboard too); it cannot be handed over before it arrives.
    expect(await goodsAtPoint()).toEqual({
      arriving: before.arriving + 1,
      ready: before.ready,
    });
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
    expect(await goodsAtPoint()).toEqual({ arriving: before.arriving, ready: before.ready + 1 });
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
    expect(await goodsAtPoint()).toEqual(before);
    const [mine] = (await w.get(ann.token, '/me/redemptions')).items;
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
    const again = await verify(leader.token, { memberCode: w.memberCode(bo.id) }).expect(200);
    expect(again.body).toMatchObject({
      alreadyPickedUp: true,
      orders: [expect.objectContaining({ id: order.id })],
      rewards: [expect.objectContaining({ id: redeemed.id, state: 'picked_up' })],
    });
    // A code shown after that hands over nothing more, and says so.
    w.clock.advance(2 * 60_000);
    const later = await verify(leader.token, { memberCode: w.memberCode(bo.id) }).expect(404);
    expect(later.body.error.code).toBe(ErrorCode.NothingToPickUp);
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

  it('answers a handed-over code as picked up until the after-sales window would close, then as unknown', async () => {
    const goods = await createGoods({ name: '陶瓷茶杯' });
    const cy = await memberWith('goods-cy', 1_000);
    const redeemed = (await redeem(cy.token, { rewardId: goods.id, quantity: 1 }).expect(201)).body;
    const code = redeemed.pickup.pickupCode as string;
    await arrive(leader.token, redeemed.id).expect(200);
    expect((await verify(leader.token, { code }).expect(200)).body.alreadyPickedUp).toBe(false);
    expect((await verify(leader.token, { code }).expect(200)).body.alreadyPickedUp).toBe(true);
    // Eight days on (the window is 7), the code may be another order's or goods' by now.
    await t.dataSource.query(
      `UPDATE redemptions SET picked_up_at = picked_up_at - interval '8 days' WHERE id = $1`,
      [redeemed.id],
    );
    const stale = await verify(leader.token, { code }).expect(404);
    expect(stale.body.error.code).toBe(ErrorCode.PickupCodeInvalid);
  });

  it('lets the member take back goods on their way: points and units back, the code and the limit free again', async () => {
    const goods = await createGoods({ name: '竹制砧板', stock: 5, perMemberLimit: 2 });
    const di = await memberWith('goods-di', 1_000);
    const redeemed = (await redeem(di.token, { rewardId: goods.id, quantity: 2 }).expect(201)).body;
    const code = redeemed.pickup.pickupCode as string;
    expect(await stockLeft(goods.id)).toBe(3);

    const key = randomUUID();
    const cancelled = await cancelMine(di.token, redeemed.id, key).expect(200);
    expect(cancelled.body).toMatchObject({
      id: redeemed.id,
      points: 400,
      pickup: {
        state: 'cancelled',
        pickupCode: null,
        cancelledAt: expect.any(String),
        pointsReturned: 400,
      },
    });
    expect((await cancelMine(di.token, redeemed.id, key).expect(200)).body).toEqual(cancelled.body);
    const twice = await cancelMine(di.token, redeemed.id).expect(409);
    expect(twice.body.error).toMatchObject({
      code: ErrorCode.RedemptionNotCancellable,
      details: { redemptionId: redeemed.id, state: 'cancelled' },
    });
    expect((await w.get(di.token, '/me/points')).available).toBe(1_000);
    expect((await w.get(di.token, '/me/points/entries?type=return')).items).toEqual([
      expect.objectContaining({ amount: 400 }),
    ]);
    expect(await stockLeft(goods.id)).toBe(5);
    expect((await w.get(leader.token, '/leader/reward-pickups')).items).not.toContainEqual(
      expect.objectContaining({ id: redeemed.id }),
    );
    expect(await shipped(goods.id)).toBeUndefined();
    const oldCode = await verify(leader.token, { code }).expect(404);
    expect(oldCode.body.error.code).toBe(ErrorCode.PickupCodeInvalid);
    // A leader confirming it late learns it was taken back; the member is told nothing.
    const late = await arrive(leader.token, redeemed.id).expect(200);
    expect(late.body).toMatchObject({ id: redeemed.id, state: 'cancelled', readyAt: null });
    expect(
      (await w.get(di.token, '/me/notifications')).items.filter(
        (n: { kind: string }) => n.kind === 'reward_ready',
      ),
    ).toEqual([]);

    // The cancelled units no longer count against the limit; arrived goods can't be taken back.
    const again = (await redeem(di.token, { rewardId: goods.id, quantity: 2 }).expect(201)).body;
    expect(
      (await w.get(di.token, '/rewards')).items.find((r: { id: string }) => r.id === goods.id),
    ).toMatchObject({ yourQuantity: 2 });
    await arrive(leader.token, again.id).expect(200);
    const arrived = await cancelMine(di.token, again.id).expect(409);
    expect(arrived.body.error.details).toEqual({
      redemptionId: again.id,
      state: 'ready_for_pickup',
    });
    expect((await w.get(di.token, '/me/points')).available).toBe(600);
    await reconciled();
  });

  it('keeps a member to their own goods, and coupons as they are', async () => {
    const goods = await createGoods({ name: '陶瓷碗' });
    const ed = await memberWith('goods-ed', 1_000);
    const fay = await memberWith('goods-fay', 1_000);
    const redeemed = (await redeem(ed.token, { rewardId: goods.id, quantity: 1 }).expect(201)).body;
    const foreign = await cancelMine(fay.token, redeemed.id).expect(404);
    expect(foreign.body.error.code).toBe(ErrorCode.NotFound);
    await cancelMine(fay.token, randomUUID()).expect(404);
    await cancelMine(fay.token, 'nope').expect(400);
    await cancelMine(leader.token, redeemed.id).expect(404);

    const coupon = await w.createCoupon().expect(201);
    const couponReward = await t
      .http()
      .post('/api/v1/admin/rewards')
      .set(as(w.admin))
      .send({
        couponId: coupon.body.id,
        name: '满减券',
        pointsCost: 100,
        stock: 5,
        perMemberLimit: 1,
      })
      .expect(201);
    const gotCoupon = (
      await redeem(fay.token, { rewardId: couponReward.body.id, quantity: 1 }).expect(201)
    ).body;
    const stays = await cancelMine(fay.token, gotCoupon.id).expect(409);
    expect(stays.body.error.details).toEqual({ redemptionId: gotCoupon.id, state: 'coupon' });
    const operatorToo = await cancelAsOperator(gotCoupon.id, { reason: '误兑换' }).expect(409);
    expect(operatorToo.body.error.code).toBe(ErrorCode.RedemptionNotCancellable);
    expect((await w.get(ed.token, '/me/points')).available).toBe(800);
  });

  it('lets an operator cancel goods not yet handed over, audited, and tells the member why', async () => {
    const goods = await createGoods({ name: '收纳箱' });
    const gus = await memberWith('goods-gus', 1_000);
    const redeemed = (await redeem(gus.token, { rewardId: goods.id, quantity: 1 }).expect(201))
      .body;
    await arrive(leader.token, redeemed.id).expect(200);

    await cancelAsOperator(redeemed.id, {}).expect(400);
    await cancelAsOperator(redeemed.id, { reason: '   ' }).expect(400);
    await cancelAsOperator(redeemed.id, { reason: '物流丢件', points: 5 }).expect(400);
    await t
      .http()
      .post(`/api/v1/admin/redemptions/${redeemed.id}/cancel`)
      .set(as(gus.token))
      .send({ reason: '物流丢件' })
      .expect(403);
    await cancelAsOperator(randomUUID(), { reason: '物流丢件' }).expect(404);

    const key = randomUUID();
    const cancelled = await cancelAsOperator(redeemed.id, { reason: '物流丢件' }, key).expect(200);
    expect(cancelled.body.pickup).toMatchObject({ state: 'cancelled', pointsReturned: 200 });
    expect(
      (await cancelAsOperator(redeemed.id, { reason: '物流丢件' }, key).expect(200)).body,
    ).toEqual(cancelled.body);
    await cancelAsOperator(redeemed.id, { reason: '重复' }, key).expect(422);
    expect((await w.get(gus.token, '/me/points')).available).toBe(1_000);
    const notices = await w.get(gus.token, '/me/notifications');
    expect(notices.items.filter((n: { kind: string }) => n.kind === 'reward_cancelled')).toEqual([
      expect.objectContaining({
        title: '兑换已取消，积分已退回',
        body: '「收纳箱」的兑换已取消（物流丢件），退回 200 积分。',
        data: { redemptionId: redeemed.id },
      }),
    ]);
    const audit = await t.dataSource.query(
      `SELECT action, details FROM audit_log WHERE target_type = 'redemption' AND target_id = $1`,
      [redeemed.id],
    );
    expect(audit).toEqual([
      {
        action: 'redemption.cancel',
        details: { reason: '物流丢件', state: 'ready_for_pickup', pointsReturned: 200 },
      },
    ]);
    const nothing = await verify(leader.token, { memberCode: w.memberCode(gus.id) }).expect(404);
    expect(nothing.body.error.code).toBe(ErrorCode.NothingToPickUp);

    // Goods handed over stay handed over.
    const kept = (await redeem(gus.token, { rewardId: goods.id, quantity: 1 }).expect(201)).body;
    await arrive(leader.token, kept.id).expect(200);
    await verify(leader.token, { code: kept.pickup.pickupCode }).expect(200);
    const late = await cancelAsOperator(kept.id, { reason: '物流丢件' }).expect(409);
    expect(late.body.error.details).toEqual({ redemptionId: kept.id, state: 'picked_up' });
    await reconciled();
  });

  it('gives points back once when cancels race each other and the handover', async () => {
    const goods = await createGoods({ name: '晾衣架', stock: 10, perMemberLimit: 5 });
    const hal = await memberWith('goods-hal', 1_000);
    // Twenty cancels of goods on their way: one takes them back.
    const onTheWay = (await redeem(hal.token, { rewardId: goods.id, quantity: 2 }).expect(201))
      .body;
    const cancels = await Promise.all(
      Array.from({ length: 20 }, () => cancelMine(hal.token, onTheWay.id)),
    );
    expect(cancels.filter((r) => r.status === 200)).toHaveLength(1);
    expect(
      cancels
        .filter((r) => r.status !== 200)
        .every((r) => r.body.error.code === ErrorCode.RedemptionNotCancellable),
    ).toBe(true);
    expect((await w.get(hal.token, '/me/points')).available).toBe(1_000);
    expect(await stockLeft(goods.id)).toBe(10);

    // Operators cancelling while the leader hands the goods over: one or the other, never both.
    const ready = (await redeem(hal.token, { rewardId: goods.id, quantity: 3 }).expect(201)).body;
    await arrive(leader.token, ready.id).expect(200);
    const race = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        i % 2 === 0
          ? cancelAsOperator(ready.id, { reason: '物流丢件' })
          : verify(leader.token, { code: ready.pickup.pickupCode }),
      ),
    );
    const cancelledOnce = race.filter((r) => r.status === 200 && r.body.pickup).length;
    // The others are told why: a cancel that the other cancel or the handover went before, a
    // code that no longer hands anything over once the goods are cancelled.
    const refused = race.flatMap((r, i) =>
      r.status === 200 ? [] : [[i % 2 === 0 ? 'cancel' : 'verify', r.status, r.body.error?.code]],
    );
    expect(refused).toEqual(
      refused.map(([what]) =>
        what === 'cancel'
          ? ['cancel', 409, ErrorCode.RedemptionNotCancellable]
          : ['verify', 404, cancelledOnce ? ErrorCode.PickupCodeInvalid : 'no refusal'],
      ),
    );
    const handedOver = race.filter((r) => r.status === 200 && r.body.alreadyPickedUp === false);
    expect(cancelledOnce + handedOver.length).toBe(1);
    const [mine] = (await w.get(hal.token, '/me/redemptions')).items;
    expect(mine.pickup.state).toBe(cancelledOnce ? 'cancelled' : 'picked_up');
    expect((await w.get(hal.token, '/me/points')).available).toBe(cancelledOnce ? 1_000 : 400);
    expect(await stockLeft(goods.id)).toBe(cancelledOnce ? 10 : 7);
    await reconciled();
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
