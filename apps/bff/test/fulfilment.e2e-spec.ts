import { ErrorCode } from '@linli/shared';
import { randomUUID } from 'node:crypto';
import { PAYMENT_PROVIDER, PaymentProvider } from '../src/modules/payments/payment-provider';
import { lockWaits } from './support/lock-waits';
import { DAY_MS, pointsOf } from './support/points-helpers';
import { as, fulfilmentWorld, HOUR_MS } from './support/fulfilment-fixtures';
import { createPoint } from './support/group-buy-fixtures';
import { loginMember, startTestApp, TestApp } from './support/test-app';

type World = Awaited<ReturnType<typeof fulfilmentWorld>>;
interface Line {
  id: string;
  campaignId: string;
  payable: number;
  pointsDiscount: number;
}

/** Half up, as the BFF rounds commission. */
const tenPercent = (fen: number) => Math.floor((2 * fen * 1000 + 10_000) / 20_000);
/** Largest-remainder split of `total` by `weights`, as the BFF splits an order's points. */
const split = (total: number, weights: number[]) => {
  const sum = weights.reduce((s, w) => s + w, 0);
  const shares = weights.map((w) => Math.floor((total * w) / sum));
  let left = total - shares.reduce((s, x) => s + x, 0);
  weights
    .map((w, i) => ({ i, r: (total * w) % sum }))
    .sort((a, b) => b.r - a.r || a.i - b.i)
    .forEach(({ i }) => {
      if (left > 0) {
        shares[i] += 1;
        left -= 1;
      }
    });
  return shares;
};

describe('fulfilment: one order from payment to completion', () => {
  let t: TestApp;
  let w: World;

  beforeAll(async () => {
    t = await startTestApp({ PICKUP_CODE_FAILURE_LIMIT: '5' });
    w = await fulfilmentWorld(t);
  });
  afterAll(() => t.close());

  const get = (token: string, path: string) => w.get(token, path);
  const sql = (text: string, params: unknown[] = []) => t.dataSource.query(text, params);
  const reconciliationClean = async () =>
    expect((await pointsOf(t).reconcile()).mismatches).toEqual([]);

  it('orders, pays, cuts off, delivers, picks up, refunds one line and completes, with every balance right', async () => {
    const leader = await w.leaderOf('life-leader', w.points.east);
    const cutsOffAt = new Date(w.clock.now().getTime() + HOUR_MS).toISOString();
    const apples = await w.campaign(w.skus.apples, {
      groupPriceFen: 29_900,
      minBuyers: 2,
      stock: 50,
      cutsOffAt,
    });
    const milk = await w.campaign(w.skus.milk, {
      groupPriceFen: 1_290,
      minBuyers: 1,
      stock: 50,
      cutsOffAt,
    });
    const alice = await w.shopperAt('life-alice');
    const bob = await w.shopperAt('life-bob');
    await pointsOf(t).inTransaction((ctx) =>
      pointsOf(t).ledger.adjust(ctx, alice.id, 10_000, 'welcome', `life-${alice.id}`),
    );

    /** Money, stock, points, growth and tier as they must stand after each step. */
    const checkpoint = async (
      orderId: string,
      refundedFen: number,
      growth: number,
      tier: string,
    ) => {
      await reconciliationClean();
      const stock = await sql(
        `SELECT stock_left FROM campaigns WHERE id = ANY($1::uuid[]) ORDER BY id = $2 DESC`,
        [[apples, milk], apples],
      );
      const [refunds] = await sql(
        `SELECT COALESCE(SUM(amount_fen), 0)::int AS fen FROM refunds WHERE order_id = $1`,
        [orderId],
      );
      const card = await get(alice.token, '/me/member-card');
      expect({
        stock: stock.map((r: { stock_left: number }) => r.stock_left),
        refundedFen: refunds.fen,
        growth: card.growth,
        tier: card.tier,
      }).toEqual({ stock: [47, 49], refundedFen, growth, tier });
    };

    // Order and pay.
    const order = await w.buy(
      alice,
      [
        { campaignId: apples, quantity: 2 },
        { campaignId: milk, quantity: 1 },
      ],
      1_000,
    );
    const bobOrder = await w.buy(bob, [{ campaignId: apples, quantity: 1 }]);
    expect(order).toMatchObject({
      state: 'paid',
      subtotal: 61_090,
      pointsUsed: 1_000,
      payable: 60_090,
    });
    expect(order.pickupCode).toMatch(/^\d{8}$/);
    const appleLine: Line = order.lines.find((l: Line) => l.campaignId === apples);
    const milkLine: Line = order.lines.find((l: Line) => l.campaignId === milk);
    expect(await get(alice.token, '/me/points')).toMatchObject({ available: 9_000, pending: 600 });
    let commission = await get(leader.token, '/leader/commissions');
    const aliceCommission = tenPercent(appleLine.payable) + tenPercent(milkLine.payable);
    expect(commission.totals).toMatchObject({
      pending: aliceCommission + 2_990,
      frozen: 0,
      available: 0,
    });

    await checkpoint(order.id, 0, 0, 'regular');

    // Cut-off: both campaigns form; orders are confirmed, batches and pick lists appear.
    w.clock.advance(2 * HOUR_MS);
    await w.runJob('cut-off-campaigns');
    await w.runJob('cut-off-campaigns'); // a second run changes nothing
    expect((await get(alice.token, `/me/orders/${order.id}`)).state).toBe('confirmed');
    const [{ status: appleStatus, buyers }] = await sql(
      `SELECT status, buyers FROM campaigns WHERE id = $1`,
      [apples],
    );
    expect({ appleStatus, buyers }).toEqual({ appleStatus: 'cut_off', buyers: 2 });
    const { items: pickLists } = await get(leader.token, '/leader/pick-lists');
    expect(
      pickLists.map((p: { batch: { campaignId: string; quantity: number; orders: number } }) => [
        p.batch.campaignId,
        p.batch.quantity,
        p.batch.orders,
      ]),
    ).toEqual(
      expect.arrayContaining([
        [apples, 3, 2],
        [milk, 1, 1],
      ]),
    );
    // A page at a time, newest batch first.
    const onePick = await get(leader.token, '/leader/pick-lists?limit=1');
    const restPick = await get(leader.token, `/leader/pick-lists?cursor=${onePick.nextCursor}`);
    expect(
      [...onePick.items, ...restPick.items].map((p: { batch: { id: string } }) => p.batch.id),
    ).toEqual(pickLists.map((p: { batch: { id: string } }) => p.batch.id));
    const { items: applePick } = await get(leader.token, `/leader/pick-lists?campaignId=${apples}`);
    expect(applePick).toHaveLength(1);
    expect(
      applePick[0].orders.map((o: { nickname: string; quantity: number }) => o.quantity).sort(),
    ).toEqual([1, 2]);

    await checkpoint(order.id, 0, 0, 'regular');

    // Delivery: the platform dispatches, the leader receives batch by batch.
    const { items: batches } = await get(w.admin, '/admin/deliveries?state=packing');
    const appleBatch = batches.find((b: { campaignId: string }) => b.campaignId === apples);
    const milkBatch = batches.find((b: { campaignId: string }) => b.campaignId === milk);
    const receive = (id: string) =>
      t.http().post(`/api/v1/leader/deliveries/${id}/receive`).set(as(leader.token));
    await t
      .http()
      .post(`/api/v1/admin/deliveries/${appleBatch.id}/dispatch`)
      .set(as(w.admin))
      .expect(200);
    expect((await get(alice.token, `/me/orders/${order.id}`)).state).toBe('delivering');
    const [dispatched] = await t.dataSource.query(
      `SELECT actor_kind, details FROM audit_log WHERE action = 'delivery.dispatch' AND target_id = $1`,
      [appleBatch.id],
    );
    expect(dispatched).toMatchObject({
      actor_kind: 'admin',
      details: { campaignId: apples, orders: 2 },
    });
    await receive(appleBatch.id).expect(200);
    await receive(appleBatch.id).expect(200); // again: nothing changes
    // Bob's goods are all here; Alice still waits for her milk.
    expect((await get(bob.token, `/me/orders/${bobOrder.id}`)).state).toBe('ready_for_pickup');
    expect((await get(alice.token, `/me/orders/${order.id}`)).state).toBe('delivering');
    // The milk arrives before the platform marked it sent: receiving it sends it first.
    const milkReceived = await receive(milkBatch.id).expect(200);
    expect(milkReceived.body).toMatchObject({
      state: 'received',
      dispatchedAt: expect.any(String),
      receivedAt: expect.any(String),
    });
    const [sentByReceipt] = await t.dataSource.query(
      `SELECT actor_kind, details FROM audit_log WHERE action = 'delivery.dispatch' AND target_id = $1`,
      [milkBatch.id],
    );
    // Sent by the leader's receipt; no order of it became delivering then (Alice's already was,
    // with her apples).
    expect(sentByReceipt).toMatchObject({
      actor_kind: 'member',
      details: { campaignId: milk, orders: 0, byReceipt: true },
    });
    // The operator dispatching it late, from the list read before, finds it on its way already.
    const dispatchedLate = await t
      .http()
      .post(`/api/v1/admin/deliveries/${milkBatch.id}/dispatch`)
      .set(as(w.admin))
      .expect(200);
    expect(dispatchedLate.body.state).toBe('received');
    const ready = await get(alice.token, `/me/orders/${order.id}`);
    expect(ready.state).toBe('ready_for_pickup');
    const notices = await get(alice.token, '/me/notifications');
    expect(notices.items.filter((n: { kind: string }) => n.kind === 'order_ready')).toHaveLength(1);
    expect(await get(leader.token, '/leader/dashboard')).toMatchObject({
      readyForPickup: 2,
      pickedUpToday: 0,
      openBatches: [],
    });

    await checkpoint(order.id, 0, 0, 'regular');

    // Pickup: Alice by her 8-digit code, Bob by his member code; replays change nothing.
    const verify = (body: object) =>
      t.http().post('/api/v1/leader/pickups/verify').set(as(leader.token)).send(body);
    const taps = await Promise.all(
      Array.from({ length: 6 }, () => verify({ code: ready.pickupCode })),
    );
    expect(taps.map((r) => r.status)).toEqual(Array(6).fill(200));
    const firsts = taps.filter((r) => !r.body.alreadyPickedUp);
    expect(firsts).toHaveLength(1);
    expect(firsts[0].body.orders).toMatchObject([{ id: order.id, state: 'picked_up' }]);
    const byMember = await verify({ memberCode: w.memberCode(bob.id) }).expect(200);
    expect(byMember.body.orders.map((o: { id: string }) => o.id)).toEqual([bobOrder.id]);
    // Scanned again, the code shows what it handed over, as picked up already.
    const again = await verify({ memberCode: w.memberCode(bob.id) }).expect(200);
    expect(again.body).toMatchObject({
      alreadyPickedUp: true,
      orders: [expect.objectContaining({ id: bobOrder.id, state: 'picked_up' })],
    });
    const pickedUp = await get(alice.token, `/me/orders/${order.id}`);
    expect(pickedUp).toMatchObject({ state: 'picked_up', pickupCode: null });
    expect(pickedUp.afterSalesEndsAt).not.toBeNull();
    commission = await get(leader.token, '/leader/commissions');
    expect(commission.totals).toMatchObject({ pending: 0, frozen: aliceCommission + 2_990 });
    expect((await get(leader.token, '/leader/dashboard')).pickedUpToday).toBe(2);

    await checkpoint(order.id, 0, 0, 'regular');

    // After-sales: Alice returns the milk. Above the automatic limit, so an operator approves.
    const lines = (await get(alice.token, `/me/orders/${order.id}`)).lines as Line[];
    const orderedLines = [...lines].sort((a, b) => (a.campaignId < b.campaignId ? -1 : 1));
    const usedShares = split(
      1_000,
      orderedLines.map((l) => l.pointsDiscount),
    );
    const earnedShares = split(
      600,
      orderedLines.map((l) => l.payable),
    );
    const milkIndex = orderedLines.findIndex((l) => l.campaignId === milk);
    const milkUsed = usedShares[milkIndex];
    const milkEarned = earnedShares[milkIndex];
    const request = await t
      .http()
      .post(`/api/v1/me/orders/${order.id}/refunds`)
      .set(as(alice.token))
      .set('Idempotency-Key', randomUUID())
      .send({ lines: [{ orderLineId: milkLine.id, quantity: 1 }], reason: '牛奶漏了' })
      .expect(201);
    expect(request.body).toMatchObject({
      status: 'pending',
      requested: milkLine.payable,
      moneyBack: null,
    });
    const twice = await t
      .http()
      .post(`/api/v1/me/orders/${order.id}/refunds`)
      .set(as(alice.token))
      .set('Idempotency-Key', randomUUID())
      .send({ lines: [{ orderLineId: milkLine.id, quantity: 1 }], reason: '再退一次' })
      .expect(422);
    expect(twice.body.error.code).toBe(ErrorCode.RefundQuantityInvalid);
    const approve = () =>
      t
        .http()
        .post(`/api/v1/admin/refunds/${request.body.id}/approve`)
        .set(as(w.admin))
        .send({ note: '核实破损' });
    // Two operators click at once, several times: the refund happens once.
    const approvals = await Promise.all(Array.from({ length: 6 }, () => approve()));
    expect(approvals.map((r) => r.status)).toEqual(Array(6).fill(200));
    const approved = approvals[0];
    expect(approved.body).toMatchObject({
      status: 'approved',
      refunded: milkLine.payable,
      pointsReturned: milkUsed,
      pointsClawedBack: milkEarned,
      shortfall: 0,
    });
    const refunds = await sql(`SELECT amount_fen FROM refunds WHERE order_id = $1`, [order.id]);
    expect(refunds).toEqual([{ amount_fen: milkLine.payable }]);
    expect(approved.body.moneyBack).toMatchObject({ amount: milkLine.payable });
    const afterRefund = await get(alice.token, `/me/orders/${order.id}`);
    expect(afterRefund).toMatchObject({ state: 'partially_refunded', refunded: milkLine.payable });
    // The request says where its money is, as the order does: the sandbox pays back at once.
    expect(afterRefund.moneyBack).toEqual([
      expect.objectContaining({ amount: milkLine.payable, state: 'arrived' }),
    ]);
    const [asked] = await get(alice.token, `/me/orders/${order.id}/refunds`);
    expect(asked.moneyBack).toEqual(afterRefund.moneyBack[0]);
    const decided = await get(w.admin, '/admin/refunds?status=approved');
    expect(decided.items.find((r: { id: string }) => r.id === request.body.id).moneyBack).toEqual(
      afterRefund.moneyBack[0],
    );
    expect(await get(alice.token, '/me/points')).toMatchObject({
      available: 9_000 + milkUsed,
      pending: 600 - milkEarned,
    });
    commission = await get(leader.token, '/leader/commissions');
    expect(commission.totals).toMatchObject({
      frozen: tenPercent(appleLine.payable) + 2_990,
      cancelled: tenPercent(milkLine.payable),
    });
    // Picked-up goods do not go back on the shelf: stock stays as sold.
    await checkpoint(order.id, milkLine.payable, 0, 'regular');

    // Completion: the window closes; points, growth, tier and commission are released once.
    const campaignStatuses = async () =>
      (await sql(`SELECT status FROM campaigns WHERE id = ANY($1::uuid[])`, [[apples, milk]])).map(
        (c: { status: string }) => c.status,
      );
    expect(await campaignStatuses()).toEqual(['delivering', 'delivering']);
    w.clock.advance(8 * DAY_MS);
    await w.runJob('complete-orders');
    await w.runJob('complete-orders');
    expect((await get(alice.token, `/me/orders/${order.id}`)).state).toBe('completed');
    // Every order of both group-buys is finished: the campaigns close.
    expect(await campaignStatuses()).toEqual(['closed', 'closed']);
    const kept = 60_090 - milkLine.payable;
    await checkpoint(order.id, milkLine.payable, Math.floor(kept / 100), 'silver');
    expect(await get(alice.token, '/me/points')).toMatchObject({
      available: 9_000 + milkUsed + (600 - milkEarned) + 100, // + silver's entry gift
      pending: 0,
    });
    commission = await get(leader.token, '/leader/commissions');
    expect(commission.totals).toMatchObject({
      pending: 0,
      frozen: 0,
      available: tenPercent(appleLine.payable) + 2_990,
      withdrawable: tenPercent(appleLine.payable) + 2_990,
    });
    await reconciliationClean();
    const late = await t
      .http()
      .post(`/api/v1/me/orders/${order.id}/refunds`)
      .set(as(alice.token))
      .set('Idempotency-Key', randomUUID())
      .send({ lines: [{ orderLineId: appleLine.id, quantity: 1 }], reason: '太晚了' })
      .expect(409);
    expect(late.body.error.code).toBe(ErrorCode.RefundNotAllowed);

    // Withdrawal: never below the minimum, never more than available, once per key.
    const withdraw = (amount: number, key = randomUUID()) =>
      t
        .http()
        .post('/api/v1/leader/withdrawals')
        .set(as(leader.token))
        .set('Idempotency-Key', key)
        .send({ amount });
    expect((await withdraw(500).expect(422)).body.error.code).toBe(
      ErrorCode.WithdrawalBelowMinimum,
    );
    const available = commission.totals.available as number;
    // An order being placed at the pickup point, its row inserted, does not hold a withdrawal up.
    const ordering = t.dataSource.createQueryRunner();
    await ordering.connect();
    await ordering.startTransaction();
    try {
      await ordering.query(`SELECT 1 FROM pickup_points WHERE id = $1 FOR KEY SHARE`, [
        w.points.east,
      ]);
      const tooMuch = withdraw(available + 1);
      const first = await Promise.race([
        tooMuch.then((res) => `answered ${res.status} ${res.body.error.code}`),
        lockWaits(t.dataSource, 1, 'FROM pickup_points').then(() => 'waited for the point'),
      ]);
      expect(first).toBe(`answered 409 ${ErrorCode.CommissionInsufficient}`);
    } finally {
      await ordering.rollbackTransaction();
      await ordering.release();
    }
    const results = await Promise.all(Array.from({ length: 8 }, () => withdraw(available)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(
      results.filter((r) => r.status !== 201).map((r) => [r.status, r.body.error?.code]),
    ).toEqual(Array.from({ length: 7 }, () => [409, ErrorCode.CommissionInsufficient]));
    const {
      items: [requested],
    } = await get(w.admin, '/admin/withdrawals?status=pending');
    await t
      .http()
      .post(`/api/v1/admin/withdrawals/${requested.id}/approve`)
      .set(as(w.admin))
      .send({})
      .expect(200);
    expect((await get(leader.token, '/leader/commissions')).totals).toMatchObject({
      withdrawn: available,
      withdrawable: 0,
    });
  });

  it('approves small refunds at once and refuses them before pickup', async () => {
    const leader = await w.leaderOf('small-leader', w.points.west);
    const milk = await w.campaign(w.skus.milk, { groupPriceFen: 400, minBuyers: 1 });
    const carol = await w.shopperAt('small-carol', w.points.west);
    const order = await w.buy(carol, [{ campaignId: milk, quantity: 3 }]);
    const ask = (quantity: number) =>
      t
        .http()
        .post(`/api/v1/me/orders/${order.id}/refunds`)
        .set(as(carol.token))
        .set('Idempotency-Key', randomUUID())
        .send({ lines: [{ orderLineId: order.lines[0].id, quantity }], reason: '不想要了' });
    expect((await ask(1).expect(409)).body.error.code).toBe(ErrorCode.RefundNotAllowed);

    await w.deliverTo(leader);
    await w.handOver(leader, carol, order.id);

    const refundsAsked = jest.spyOn(t.app.get<PaymentProvider>(PAYMENT_PROVIDER), 'refund');
    const first = await ask(1).expect(201);
    expect(first.body).toMatchObject({ status: 'approved', decidedBy: 'auto', refunded: 400 });
    // The payer reads why in the provider's refund message.
    expect(refundsAsked.mock.calls.map(([r]) => r.payerReason)).toEqual(['售后退款，货款原路退回']);
    refundsAsked.mockRestore();
    const second = await ask(1).expect(201);
    expect(second.body).toMatchObject({ status: 'approved', decidedBy: 'auto', refunded: 400 });
    // The order has had 800 of the 1,000 fen it may get back without an operator: the last
    // unit, asked for apart, waits for one.
    const third = await ask(1).expect(201);
    expect(third.body).toMatchObject({ status: 'pending', decidedBy: null });
    const approved = await t
      .http()
      .post(`/api/v1/admin/refunds/${third.body.id}/approve`)
      .set(as(w.admin))
      .set('Idempotency-Key', randomUUID())
      .send({})
      .expect(200);
    // The operator sees which operator decided; the shopper, only that an operator did.
    expect(approved.body.decidedBy).not.toMatch(/^(auto|operator)$/);
    // Approved again, it stays as it was, and the audit log holds the one decision.
    await t
      .http()
      .post(`/api/v1/admin/refunds/${third.body.id}/approve`)
      .set(as(w.admin))
      .send({})
      .expect(200);
    const audited = await t.dataSource.query(
      `SELECT action FROM audit_log WHERE target_type = 'refund-request' AND target_id = $1`,
      [third.body.id],
    );
    expect(audited).toEqual([{ action: 'refund.approve' }]);
    const seen = await get(carol.token, `/me/orders/${order.id}/refunds`);
    expect(seen.map((r: { decidedBy: string }) => r.decidedBy).sort()).toEqual([
      'auto',
      'auto',
      'operator',
    ]);
    const refunded = await get(carol.token, `/me/orders/${order.id}`);
    expect(refunded).toMatchObject({ state: 'refunded', refunded: 1_200 });
    expect((await get(carol.token, `/me/orders/${order.id}/refunds`)).length).toBe(3);
    // Another member knows neither the order nor its refunds.
    const stranger = await w.shopperAt('small-stranger', w.points.west);
    await t.http().get(`/api/v1/me/orders/${order.id}/refunds`).set(as(stranger.token)).expect(404);
    const commission = await get(leader.token, '/leader/commissions');
    expect(commission.totals).toMatchObject({
      pending: 0,
      frozen: 0,
      available: 0,
      cancelled: 120,
    });
    await reconciliationClean();
    // Its only order refunded in full, the group-buy has nothing left to finish.
    await w.runJob('complete-orders');
    expect(await sql(`SELECT status FROM campaigns WHERE id = $1`, [milk])).toEqual([
      { status: 'closed' },
    ]);
  });

  describe('when the lot that spent points came from expires before the refund', () => {
    /**
     * A shopper with 300 points in a lot that expires first and 1000 in a later one, and the
     * clock at `beforeExpiry` ahead of the first lot's end: a spend of 500 draws all 300 from
     * it and 200 from the later lot.
     */
    const shopperWithTwoLots = async (
      name: string,
      pickupPointId: string,
      beforeExpiry: number,
    ) => {
      const shopper = await w.shopperAt(name, pickupPointId);
      const points = pointsOf(t);
      await points.inTransaction((ctx) =>
        points.ledger.adjust(ctx, shopper.id, 300, 'gift', `${name}-early`),
      );
      w.clock.advance(40 * DAY_MS);
      await points.inTransaction((ctx) =>
        points.ledger.adjust(ctx, shopper.id, 1_000, 'gift', `${name}-late`),
      );
      const [{ expires_at: firstExpiry }] = await sql(
        `SELECT min(expires_at) AS expires_at FROM point_lots WHERE member_id = $1`,
        [shopper.id],
      );
      w.clock.advance(new Date(firstExpiry).getTime() - w.clock.now().getTime() - beforeExpiry);
      return shopper;
    };

    it('reports as returned only the points that went back to a lot still valid', async () => {
      const [{ id: north }] = await sql(
        `INSERT INTO pickup_points (community_id, name, address, latitude, longitude)
         SELECT community_id, '北门', '文三路', 30.27, 120.12 FROM pickup_points WHERE id = $1
         RETURNING id`,
        [w.points.east],
      );
      const leader = await w.leaderOf('expired-leader', north);
      const dave = await shopperWithTwoLots('expired-dave', north, 4 * DAY_MS);
      const milk = await w.campaign(w.skus.milk, { groupPriceFen: 2_000, minBuyers: 1 });
      const order = await w.buy(dave, [{ campaignId: milk, quantity: 1 }], 500);
      await w.deliverTo(leader);
      await w.handOver(leader, dave, order.id);
      w.clock.advance(4 * DAY_MS); // the early lot has expired; the window is still open
      const request = await t
        .http()
        .post(`/api/v1/me/orders/${order.id}/refunds`)
        .set(as(dave.token))
        .set('Idempotency-Key', randomUUID())
        .send({ lines: [{ orderLineId: order.lines[0].id, quantity: 1 }], reason: '坏了' })
        .expect(201);
      const approved = await t
        .http()
        .post(`/api/v1/admin/refunds/${request.body.id}/approve`)
        .set(as(w.admin))
        .send({})
        .expect(200);
      // 200 went back to the later lot; the 300 of the expired lot are forfeited.
      expect(approved.body).toMatchObject({ status: 'approved', pointsReturned: 200 });
      const [shown] = await get(dave.token, `/me/orders/${order.id}/refunds`);
      expect(shown).toMatchObject({ id: request.body.id, pointsReturned: 200 });
      const [stored] = await sql(`SELECT points_returned FROM refund_requests WHERE id = $1`, [
        request.body.id,
      ]);
      expect(stored.points_returned).toBe(200);
      expect((await get(dave.token, '/me/points')).available).toBe(1_000);
      await reconciliationClean();
    });

    it('tells the shopper of a failed campaign only the points that came back', async () => {
      const erin = await shopperWithTwoLots('expired-erin', w.points.west, 12 * HOUR_MS);
      const apples = await w.campaign(w.skus.apples, { groupPriceFen: 2_000, minBuyers: 5 });
      const order = await w.buy(erin, [{ campaignId: apples, quantity: 1 }], 500);
      w.clock.advance(25 * HOUR_MS);
      await w.runJob('cut-off-campaigns');
      expect((await get(erin.token, `/me/orders/${order.id}`)).state).toBe('refunded');
      const [notice] = await sql(
        `SELECT body FROM notifications WHERE member_id = $1 AND kind = 'order_refunded'`,
        [erin.id],
      );
      expect(notice.body).toContain('将原路退回，200 积分已退回');
      expect((await get(erin.token, '/me/points')).available).toBe(1_000);
      await reconciliationClean();
    });
  });
});

describe('fulfilment: who may do what', () => {
  let t: TestApp;
  let w: World;

  beforeAll(async () => {
    t = await startTestApp({ PICKUP_CODE_FAILURE_LIMIT: '5' });
    w = await fulfilmentWorld(t);
  });
  afterAll(() => t.close());

  it('keeps each leader to their own pickup point, and shoppers out of leader routes', async () => {
    const eastLeader = await w.leaderOf('sec-east', w.points.east);
    const westLeader = await w.leaderOf('sec-west', w.points.west);
    const milk = await w.campaign(w.skus.milk, { groupPriceFen: 990, minBuyers: 1 });
    const dave = await w.shopperAt('sec-dave', w.points.east);
    const order = await w.buy(dave, [{ campaignId: milk, quantity: 1 }]);
    w.clock.advance(25 * HOUR_MS);
    await w.runJob('cut-off-campaigns');

    const shopperCall = await t
      .http()
      .get('/api/v1/leader/dashboard')
      .set(as(dave.token))
      .expect(403);
    expect(shopperCall.body.error.code).toBe(ErrorCode.Forbidden);
    await t
      .http()
      .post('/api/v1/leader/pickups/verify')
      .set(as(dave.token))
      .send({ code: '12345678' })
      .expect(403);
    await t.http().get('/api/v1/leader/pickups').set(as(w.admin)).expect(403);

    const {
      items: [eastBatch],
    } = await t
      .http()
      .get('/api/v1/leader/deliveries')
      .set(as(eastLeader.token))
      .expect(200)
      .then((r) => r.body);
    expect(
      (await t.http().get('/api/v1/leader/deliveries').set(as(westLeader.token)).expect(200)).body,
    ).toEqual({ items: [], nextCursor: null });
    expect(
      (await t.http().get('/api/v1/leader/pick-lists').set(as(westLeader.token)).expect(200)).body
        .items,
    ).toEqual([]);
    await t
      .http()
      .post(`/api/v1/admin/deliveries/${eastBatch.id}/dispatch`)
      .set(as(w.admin))
      .expect(200);
    await t
      .http()
      .post(`/api/v1/leader/deliveries/${eastBatch.id}/receive`)
      .set(as(westLeader.token))
      .expect(404);
    await t
      .http()
      .post(`/api/v1/leader/deliveries/${eastBatch.id}/receive`)
      .set(as(eastLeader.token))
      .expect(200);

    expect(
      (await t.http().get('/api/v1/leader/pickups').set(as(westLeader.token)).expect(200)).body,
    ).toEqual({ items: [], nextCursor: null });
    const eastReady = (
      await t.http().get('/api/v1/leader/pickups').set(as(eastLeader.token)).expect(200)
    ).body.items;
    expect(eastReady.map((o: { id: string }) => o.id)).toEqual([order.id]);
    expect(JSON.stringify(eastReady)).not.toContain(order.pickupCode);

    const { pickupCode } = (await t.http().get(`/api/v1/me/orders/${order.id}`).set(as(dave.token)))
      .body;
    const foreign = await t
      .http()
      .post('/api/v1/leader/pickups/verify')
      .set(as(westLeader.token))
      .send({ code: pickupCode })
      .expect(404);
    expect(foreign.body.error.code).toBe(ErrorCode.PickupCodeInvalid);
    const foreignMember = await t
      .http()
      .post('/api/v1/leader/pickups/verify')
      .set(as(westLeader.token))
      .send({ memberCode: w.memberCode(dave.id) })
      .expect(404);
    expect(foreignMember.body.error.code).toBe(ErrorCode.NothingToPickUp);
    expect(
      (await t.http().get(`/api/v1/me/orders/${order.id}`).set(as(dave.token))).body.state,
    ).toBe('ready_for_pickup');

    const bad = await t
      .http()
      .post('/api/v1/leader/pickups/verify')
      .set(as(eastLeader.token))
      .send({ code: '12ab' })
      .expect(400);
    expect(bad.body.error.code).toBe(ErrorCode.ValidationFailed);
    await t
      .http()
      .post('/api/v1/leader/pickups/verify')
      .set(as(eastLeader.token))
      .send({})
      .expect(400);
  });

  it('pauses a leader who keeps entering wrong codes, even for a right one', async () => {
    const leader = await w.leaderOf('brute-leader', (await createPoint(t)).id);
    const verify = (code: string) =>
      t.http().post('/api/v1/leader/pickups/verify').set(as(leader.token)).send({ code });
    for (let i = 0; i < 5; i += 1) {
      const res = await verify(String(10_000_000 + i)).expect(404);
      expect(res.body.error.code).toBe(ErrorCode.PickupCodeInvalid);
    }
    const paused = await verify('99999999').expect(429);
    expect(paused.body.error.code).toBe(ErrorCode.RateLimited);
    const forged = await t
      .http()
      .post('/api/v1/leader/pickups/verify')
      .set(as(leader.token))
      .send({ memberCode: 'LM1.forged' })
      .expect(429);
    expect(forged.body.error.code).toBe(ErrorCode.RateLimited);
  });

  it('checks no more wrong codes than the limit when they are sent all at once', async () => {
    const leader = await w.leaderOf('brute-parallel', (await createPoint(t)).id);
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        t
          .http()
          .post('/api/v1/leader/pickups/verify')
          .set(as(leader.token))
          .send({ code: String(20_000_000 + i) }),
      ),
    );
    const checked = answers.filter((r) => r.body.error?.code === ErrorCode.PickupCodeInvalid);
    const paused = answers.filter((r) => r.status === 429);
    expect({ checked: checked.length, paused: paused.length }).toEqual({ checked: 5, paused: 35 });
  });

  it('gives a pickup point one leader, and a leader one pickup point', async () => {
    const point = await createPoint(t);
    const apply = async (name: string, pickupPointId: string) => {
      const login = await loginMember(t, name);
      const shopper = { id: login.member.id, token: login.accessToken };
      const res = await t
        .http()
        .post('/api/v1/leader/applications')
        .set(as(shopper.token))
        .send({ pickupPointId, realName: '李叔', phone: '13900000000' })
        .expect(201);
      return { shopper, id: res.body.id as string };
    };
    const first = await apply('one-a', point.id);
    const second = await apply('one-b', point.id);
    const again = await t
      .http()
      .post('/api/v1/leader/applications')
      .set(as(first.shopper.token))
      .send({ pickupPointId: point.id, realName: '李叔', phone: '13900000000' })
      .expect(409);
    expect(again.body.error.code).toBe(ErrorCode.LeaderApplicationPending);
    const decide = (id: string) =>
      t.http().post(`/api/v1/admin/leader-applications/${id}/approve`).set(as(w.admin)).send({});
    const outcomes = await Promise.all([decide(first.id), decide(second.id)]);
    expect(outcomes.map((r) => r.status).sort()).toEqual([200, 409]);
    // The one not chosen is turned down, told why, and free to apply for another point.
    const chosen = outcomes[0].status === 200 ? first : second;
    const turnedDown = chosen === first ? second : first;
    const [application] = await t.dataSource.query(
      `SELECT status, decision_note FROM leader_applications WHERE id = $1`,
      [turnedDown.id],
    );
    expect(application).toEqual({ status: 'rejected', decision_note: '该自提点已有团长' });
    const notices = await t
      .http()
      .get('/api/v1/me/notifications')
      .set(as(turnedDown.shopper.token))
      .expect(200);
    expect(notices.body.items).toEqual([
      expect.objectContaining({
        title: '团长申请未通过',
        body: expect.stringContaining('该自提点已有团长'),
      }),
    ]);
    await t
      .http()
      .post('/api/v1/leader/applications')
      .set(as(turnedDown.shopper.token))
      .send({ pickupPointId: (await createPoint(t)).id, realName: '李叔', phone: '13900000000' })
      .expect(201);
    const [{ n }] = await t.dataSource.query(
      `SELECT COUNT(*)::int AS n FROM pickup_points WHERE id = $1 AND leader_member_id IS NOT NULL`,
      [point.id],
    );
    expect(n).toBe(1);
    const invalid = await t
      .http()
      .post('/api/v1/leader/applications')
      .set(as(first.shopper.token))
      .send({ pickupPointId: point.id, realName: '李', phone: '123' })
      .expect(400);
    expect(invalid.body.error.code).toBe(ErrorCode.ValidationFailed);
  });

  it('refuses an application for a second point made while the first is being approved', async () => {
    const [first, second] = [await createPoint(t), await createPoint(t)];
    const login = await loginMember(t, 'apply-while-approved');
    const apply = (pickupPointId: string) =>
      t
        .http()
        .post('/api/v1/leader/applications')
        .set(as(login.accessToken))
        .send({ pickupPointId, realName: '李叔', phone: '13900000000' });
    const pending = (await apply(first.id).expect(201)).body.id;
    // The operator's approval has written, and not committed yet, when the second comes.
    const approving = t.dataSource.createQueryRunner();
    await approving.connect();
    await approving.startTransaction();
    try {
      await approving.query(`UPDATE leader_applications SET status = 'approved' WHERE id = $1`, [
        pending,
      ]);
      await approving.query(`UPDATE pickup_points SET leader_member_id = $2 WHERE id = $1`, [
        first.id,
        login.member.id,
      ]);
      const applying = apply(second.id).then((res) => res);
      await lockWaits(t.dataSource, 1, 'leader_applications');
      await approving.commitTransaction();
      const res = await applying;
      expect([res.status, res.body.error?.code]).toEqual([409, ErrorCode.AlreadyLeader]);
    } finally {
      if (approving.isTransactionActive) await approving.rollbackTransaction();
      await approving.release();
    }
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM leader_applications WHERE member_id = $1 AND status = 'pending'`,
      [login.member.id],
    );
    expect(n).toBe(0);
  });

  it('never leaves an application waiting for a point whose leader was approved meanwhile', async () => {
    const taken = await createPoint(t);
    const elsewhere = await createPoint(t);
    const first = await loginMember(t, 'apply-first');
    const late = await loginMember(t, 'apply-late');
    const apply = (token: string, pickupPointId: string) =>
      t
        .http()
        .post('/api/v1/leader/applications')
        .set(as(token))
        .send({ pickupPointId, realName: '李阿姨', phone: '13900000000' });
    const firstApplication = (await apply(first.accessToken, taken.id).expect(201)).body;
    // The late application is held between its checks and its insert (here by an undecided
    // application of the same member elsewhere), while the operator approves the first.
    const other = t.dataSource.createQueryRunner();
    await other.connect();
    await other.startTransaction();
    await other.query(
      `INSERT INTO leader_applications (member_id, pickup_point_id, real_name, phone)
       VALUES ($1, $2, 'x', '13900000001')`,
      [late.member.id, elsewhere.id],
    );
    const lateApplying = apply(late.accessToken, taken.id).then((r) => r);
    await lockWaits(t.dataSource);
    const approving = t
      .http()
      .post(`/api/v1/admin/leader-applications/${firstApplication.id}/approve`)
      .set(as(w.admin))
      .send({})
      .then((r) => r);
    await Promise.race([approving, new Promise((resolve) => setTimeout(resolve, 500))]);
    await other.rollbackTransaction();
    await other.release();
    await lateApplying;
    expect((await approving).status).toBe(200);
    const [{ waiting }] = await t.dataSource.query(
      `SELECT count(*)::int AS waiting FROM leader_applications
       WHERE pickup_point_id = $1 AND status = 'pending'`,
      [taken.id],
    );
    expect(waiting).toBe(0);
    await apply(late.accessToken, elsewhere.id).expect(201);
  });

  it('takes the real name of an applicant without the spaces around it, and not spaces alone', async () => {
    const point = await createPoint(t);
    const applicant = await loginMember(t, 'name-spaces');
    const apply = (realName: string) =>
      t
        .http()
        .post('/api/v1/leader/applications')
        .set(as(applicant.accessToken))
        .send({ pickupPointId: point.id, realName, phone: '13900000001' });
    for (const blank of ['  ', '\u3000\u3000', ' \t ']) {
      expect((await apply(blank).expect(400)).body.error.code).toBe(ErrorCode.ValidationFailed);
    }
    expect((await apply(' 王阿姨 ').expect(201)).body.realName).toBe('王阿姨');
  });

  it('takes a refund reason and a decision note without the spaces around them, and not spaces alone', async () => {
    const point = await createPoint(t);
    const leader = await w.leaderOf('words-leader', point.id);
    const milk = await w.campaign(w.skus.milk, { groupPriceFen: 4_000, minBuyers: 1 });
    const dora = await w.shopperAt('words-dora', point.id);
    const order = await w.buy(dora, [{ campaignId: milk, quantity: 2 }]);
    await w.deliverTo(leader);
    await w.handOver(leader, dora, order.id);
    const ask = (reason: string) =>
      t
        .http()
        .post(`/api/v1/me/orders/${order.id}/refunds`)
        .set(as(dora.token))
        .set('Idempotency-Key', randomUUID())
        .send({ lines: [{ orderLineId: order.lines[0].id, quantity: 1 }], reason });
    for (const blank of ['    ', '\u3000\u3000', ' \t ']) {
      expect((await ask(blank).expect(400)).body.error.code).toBe(ErrorCode.ValidationFailed);
    }
    const request = await ask(' 漏了 ').expect(201);
    expect(request.body.reason).toBe('漏了');

    const reject = (note: string) =>
      t
        .http()
        .post(`/api/v1/admin/refunds/${request.body.id}/reject`)
        .set(as(w.admin))
        .send({ note });
    expect((await reject('  ').expect(400)).body.error.code).toBe(ErrorCode.ValidationFailed);
    expect((await reject(' 照片看不出问题 ').expect(200)).body.decisionNote).toBe('照片看不出问题');
    const notices = await w.get(dora.token, '/me/notifications');
    expect(notices.items[0]).toMatchObject({
      title: '售后申请未通过',
      body: '原因：照片看不出问题',
    });
  });
});

describe('fulfilment: commission settlement', () => {
  let t: TestApp;
  let w: World;
  beforeAll(async () => {
    t = await startTestApp();
    w = await fulfilmentWorld(t);
  });
  afterAll(() => t.close());

  const get = (token: string, path: string) => w.get(token, path);

  it('makes commission available when the window closes, and waits while a refund request is open', async () => {
    const leader = await w.leaderOf('settle-leader', w.points.east);
    const apples = await w.campaign(w.skus.apples, { groupPriceFen: 2_000, minBuyers: 1 });
    const ann = await w.shopperAt('settle-ann');
    const ben = await w.shopperAt('settle-ben');
    const annOrder = await w.buy(ann, [{ campaignId: apples, quantity: 1 }]);
    const benOrder = await w.buy(ben, [{ campaignId: apples, quantity: 1 }]);

    await w.deliverTo(leader);
    await w.handOver(leader, ann, annOrder.id);
    await w.handOver(leader, ben, benOrder.id);
    // Above the automatic approval amount: the request waits for an operator.
    const request = await t
      .http()
      .post(`/api/v1/me/orders/${benOrder.id}/refunds`)
      .set(as(ben.token))
      .set('Idempotency-Key', randomUUID())
      .send({ lines: [{ orderLineId: benOrder.lines[0].id, quantity: 1 }], reason: '苹果坏了' })
      .expect(201);
    expect(request.body.status).toBe('pending');
    const totals = async () => (await get(leader.token, '/leader/commissions')).totals;
    expect(await totals()).toMatchObject({ frozen: 400, available: 0 });

    // Before the window closes nothing settles.
    expect((await w.runJob('settle-commissions')).body.processed).toBe(0);

    w.clock.advance(8 * DAY_MS);
    expect((await w.runJob('settle-commissions')).body.processed).toBe(1);
    expect(await totals()).toMatchObject({ frozen: 200, available: 200, withdrawable: 200 });
    // Settlement does not wait for the order to complete.
    expect((await get(ann.token, `/me/orders/${annOrder.id}`)).state).toBe('picked_up');
    expect((await w.runJob('settle-commissions')).body.processed).toBe(0);

    await t
      .http()
      .post(`/api/v1/admin/refunds/${request.body.id}/reject`)
      .set(as(w.admin))
      .send({ note: '照片看不出问题' })
      .expect(200);
    expect((await w.runJob('settle-commissions')).body.processed).toBe(1);
    expect(await totals()).toMatchObject({ frozen: 0, available: 400 });

    // Completion finds the commission settled and leaves it as it is.
    expect((await w.runJob('complete-orders')).body.processed).toBe(2);
    expect(await totals()).toMatchObject({ pending: 0, frozen: 0, available: 400, cancelled: 0 });
  });

  it("writes an operator's withdrawal decisions down in the audit log and tells the leader, once each", async () => {
    const leader = await w.leaderOf('payout-leader', w.points.west);
    const apples = await w.campaign(w.skus.apples, { groupPriceFen: 30_000, minBuyers: 1 });
    const ivy = await w.shopperAt('payout-ivy', w.points.west);
    const order = await w.buy(ivy, [{ campaignId: apples, quantity: 1 }]);
    await w.deliverTo(leader);
    await w.handOver(leader, ivy, order.id);
    w.clock.advance(8 * DAY_MS);
    await w.runJob('settle-commissions');
    const withdraw = async (amount: number) =>
      (
        await t
          .http()
          .post('/api/v1/leader/withdrawals')
          .set(as(leader.token))
          .set('Idempotency-Key', randomUUID())
          .send({ amount })
          .expect(201)
      ).body.id as string;
    const paid = await withdraw(1_000);
    const refused = await withdraw(2_000);
    const decide = (id: string, decision: 'approve' | 'reject', note: string) =>
      t
        .http()
        .post(`/api/v1/admin/withdrawals/${id}/${decision}`)
        .set(as(w.admin))
        .send({ note })
        .expect(200);
    await decide(paid, 'approve', '已转账');
    await decide(paid, 'approve', '已转账'); // again: nothing more happens
    await decide(refused, 'reject', '银行卡信息有误');

    const entries = await t.dataSource.query(
      `SELECT actor_kind, action, target_id, details FROM audit_log
       WHERE target_type = 'withdrawal' ORDER BY created_at, action`,
    );
    expect(entries).toEqual([
      {
        actor_kind: 'admin',
        action: 'withdrawal.approve',
        target_id: paid,
        details: { pickupPointId: w.points.west, amount: 1_000, note: '已转账' },
      },
      {
        actor_kind: 'admin',
        action: 'withdrawal.reject',
        target_id: refused,
        details: { pickupPointId: w.points.west, amount: 2_000, note: '银行卡信息有误' },
      },
    ]);
    // The leader was told the goods were on their way, and how each withdrawal was decided.
    const { items: notices } = await w.get(leader.token, '/me/notifications');
    expect(
      notices.map((n: { kind: string; title: string; body: string; data: object }) => ({
        kind: n.kind,
        title: n.title,
        body: n.body,
        data: n.data,
      })),
    ).toEqual([
      {
        kind: 'withdrawal_decided',
        title: '提现未通过',
        body: '¥20.00 佣金提现未通过：银行卡信息有误，这笔佣金可以重新申请提现',
        data: { withdrawalId: refused, status: 'rejected', amountFen: 2_000 },
      },
      {
        kind: 'withdrawal_decided',
        title: '提现已通过',
        body: '¥10.00 佣金提现已通过，平台将尽快打款（已转账）',
        data: { withdrawalId: paid, status: 'approved', amountFen: 1_000 },
      },
      {
        kind: 'delivery_dispatched',
        title: '有一批货已发出',
        body: expect.stringMatching(
          /^「.+」1 件已发往你的自提点，提货日 \d{4}-\d{2}-\d{2}；到货后请在到货确认里确认$/,
        ),
        data: expect.objectContaining({ campaignId: apples, pickupPointId: w.points.west }),
      },
      expect.objectContaining({ kind: 'leader_application_decided' }),
    ]);
  });
});

describe('fulfilment: batches while orders are still moving', () => {
  let t: TestApp;
  let w: Awaited<ReturnType<typeof fulfilmentWorld>>;

  beforeAll(async () => {
    t = await startTestApp();
    w = await fulfilmentWorld(t);
  });
  afterAll(() => t.close());

  const dispatch = (batchId: string) =>
    t.http().post(`/api/v1/admin/deliveries/${batchId}/dispatch`).set(as(w.admin));
  const receive = (leader: { token: string }, batchId: string) =>
    t.http().post(`/api/v1/leader/deliveries/${batchId}/receive`).set(as(leader.token));
  const stateOf = async (shopper: { token: string }, orderId: string) =>
    (await w.get(shopper.token, `/me/orders/${orderId}`)).state;

  it('dispatches a batch only once every paid order of it is settled and on its pick list', async () => {
    const leader = await w.leaderOf('late-leader', w.points.east);
    const milk = await w.campaign(w.skus.milk, { groupPriceFen: 1_000, minBuyers: 1 });
    const amy = await w.shopperAt('late-amy');
    const ben = await w.shopperAt('late-ben');
    const amyOrder = await w.buy(amy, [{ campaignId: milk, quantity: 1 }]);
    const benOrder = await w.buy(ben, [{ campaignId: milk, quantity: 1 }]);
    w.clock.advance(25 * HOUR_MS);

    // At the cut-off something holds Amy's order for a moment (a last-second cancel, a
    // payment notice sent again): the job passes over it and settles it on its next run.
    const other = t.dataSource.createQueryRunner();
    await other.connect();
    await other.startTransaction();
    await other.query(`SELECT id FROM orders WHERE id = $1 FOR UPDATE`, [amyOrder.id]);
    await w.runJob('cut-off-campaigns');
    await other.rollbackTransaction();
    await other.release();
    expect(await stateOf(amy, amyOrder.id)).toBe('paid');

    const {
      items: [batch],
    } = await w.get(leader.token, '/leader/deliveries');
    const early = await dispatch(batch.id).expect(409);
    expect(early.body.error).toMatchObject({
      code: ErrorCode.DeliveryStateInvalid,
      details: { batchId: batch.id, state: 'packing', unsettledOrders: 1 },
    });
    // Nor can the leader receive it meanwhile.
    expect((await receive(leader, batch.id).expect(409)).body.error).toEqual(early.body.error);
    await w.runJob('cut-off-campaigns');
    expect((await dispatch(batch.id).expect(200)).body.orders).toBe(2);
    await receive(leader, batch.id).expect(200);
    expect(await stateOf(amy, amyOrder.id)).toBe('ready_for_pickup');
    expect(await stateOf(ben, benOrder.id)).toBe('ready_for_pickup');
  });

  it('makes an order ready once both its batches are received, at the same moment or not', async () => {
    const leader = await w.leaderOf('race-leader', w.points.west);
    const rounds = 5;
    const cutsOffAt = new Date(w.clock.now().getTime() + 24 * HOUR_MS).toISOString();
    const orders: { id: string; shopper: { token: string } }[] = [];
    for (let i = 0; i < rounds; i += 1) {
      // Each round its own pair of group-buys, one neighbour buying both in one order.
      const apples = await w.campaign(w.skus.apples, {
        groupPriceFen: 2_000,
        minBuyers: 1,
        cutsOffAt,
      });
      const milk = await w.campaign(w.skus.milk, { groupPriceFen: 1_000, minBuyers: 1, cutsOffAt });
      const shopper = await w.shopperAt(`race-shopper-${i}`, w.points.west);
      const order = await w.buy(shopper, [
        { campaignId: apples, quantity: 1 },
        { campaignId: milk, quantity: 1 },
      ]);
      orders.push({ id: order.id, shopper });
    }
    w.clock.advance(25 * HOUR_MS);
    await w.runJob('cut-off-campaigns');
    const { items: batches }: { items: { id: string }[] } = await w.get(
      leader.token,
      '/leader/deliveries?limit=100',
    );
    expect(batches).toHaveLength(2 * rounds);
    for (const batch of batches) await dispatch(batch.id).expect(200);
    const {
      items: pickLists,
    }: { items: { batch: { id: string }; orders: { orderId: string }[] }[] } = await w.get(
      leader.token,
      '/leader/pick-lists?limit=100',
    );
    for (const { id } of orders) {
      const pair = pickLists.filter((list) => list.orders.some((o) => o.orderId === id));
      expect(pair).toHaveLength(2);
      // The leader taps 收货 on both batches of the order at once.
      const received = await Promise.all(pair.map((list) => receive(leader, list.batch.id)));
      expect(received.map((r) => r.status)).toEqual([200, 200]);
    }
    const states = await Promise.all(orders.map((o) => stateOf(o.shopper, o.id)));
    expect(states).toEqual(Array(rounds).fill('ready_for_pickup'));
  });
});
