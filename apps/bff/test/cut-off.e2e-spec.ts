import { ErrorCode } from '@linli/shared';
import { randomUUID } from 'node:crypto';
import { RequestContext } from '../src/common/request-context';
import { TransactionalConnection } from '../src/common/transaction/transactional-connection';
import { CutOffService } from '../src/modules/fulfilment/cut-off.service';
import { PAYMENT_PROVIDER, PaymentProvider } from '../src/modules/payments/payment-provider';
import { Clock } from '../src/common/clock';
import { betweenLocks, lockWaits } from './support/lock-waits';
import { as, fulfilmentWorld, HOUR_MS } from './support/fulfilment-fixtures';
import { pointsOf } from './support/points-helpers';
import { startTestApp, TestApp } from './support/test-app';

const SHOPPERS = 24;

describe('cut-off: a campaign that fails to form', () => {
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    first = await startTestApp({ DB_POOL_SIZE: '20' });
    // A second BFF instance on the same database, as behind a load balancer.
    second = await startTestApp({ DB_POOL_SIZE: '20' }, { database: first.database });
  });
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  it('refunds every paid order exactly once, however many instances run the job at once', async () => {
    const w = await fulfilmentWorld(first);
    const leader = await w.leaderOf('fail-leader', w.points.east);
    const cutsOffAt = new Date(w.clock.now().getTime() + HOUR_MS).toISOString();
    const failing = await w.campaign(w.skus.apples, {
      groupPriceFen: 1_990,
      minBuyers: SHOPPERS + 1,
      stock: 500,
      cutsOffAt,
    });
    const forming = await w.campaign(w.skus.milk, {
      groupPriceFen: 1_290,
      minBuyers: 1,
      cutsOffAt,
    });
    const points = pointsOf(first);
    const shoppers = [];
    for (let i = 0; i < SHOPPERS; i += 1) {
      const shopper = await w.shopperAt(`fail-${i}`);
      await points.inTransaction((ctx) =>
        points.ledger.adjust(ctx, shopper.id, 1_000, 'gift', `fail-gift-${i}`),
      );
      shoppers.push(shopper);
    }
    // Every shopper buys from the failing campaign with points; every third adds milk, which forms.
    const orders = await Promise.all(
      shoppers.map((s, i) =>
        w.buy(
          s,
          i % 3 === 0
            ? [
                { campaignId: failing, quantity: 2 },
                { campaignId: forming, quantity: 1 },
              ]
            : [{ campaignId: failing, quantity: 1 }],
          500,
        ),
      ),
    );
    expect(orders.every((o) => o.state === 'paid')).toBe(true);

    for (const app of [first, second]) app.app.get(Clock).advance(2 * HOUR_MS);
    const refundCalls = [first, second].map((app) =>
      jest.spyOn(app.app.get<PaymentProvider>(PAYMENT_PROVIDER), 'refund'),
    );
    // Both instances' admin endpoints and four direct runs that bypass the job lock, all at once.
    const viaHttp = [first, second].map((app) =>
      app.http().post('/api/v1/admin/jobs/cut-off-campaigns/run').set(as(w.admin)),
    );
    const direct = Array.from({ length: 4 }, (_, i) => {
      const app = i % 2 === 0 ? first : second;
      const connection = app.app.get(TransactionalConnection);
      return connection.withTransaction(RequestContext.forSystem(`race-${i}`), (ctx) =>
        app.app.get(CutOffService).runBatch(ctx, 10),
      );
    });
    const [httpResults] = await Promise.all([Promise.all(viaHttp), Promise.all(direct)]);
    for (const res of httpResults) {
      if (res.status !== 200) expect(res.body.error.code).toBe(ErrorCode.JobAlreadyRunning);
    }
    // Whatever a refused or partial run left, a final run finishes; nothing is done twice.
    await w.runJob('cut-off-campaigns');
    await w.runJob('cut-off-campaigns');

    const [campaign] = await first.dataSource.query(
      `SELECT status, buyers FROM campaigns WHERE id = $1`,
      [failing],
    );
    expect(campaign).toEqual({ status: 'failed', buyers: SHOPPERS });
    const refunds = await first.dataSource.query(
      `SELECT order_id, amount_fen, reason FROM refunds ORDER BY order_id`,
    );
    expect(refunds).toHaveLength(SHOPPERS);
    expect(refundCalls.reduce((n, spy) => n + spy.mock.calls.length, 0)).toBe(SHOPPERS);
    for (const order of orders) {
      const failedLine = order.lines.find((l: { campaignId: string }) => l.campaignId === failing);
      const refund = refunds.filter((r: { order_id: string }) => r.order_id === order.id);
      expect(refund).toEqual([
        { order_id: order.id, amount_fen: failedLine.payable, reason: 'campaign-failed' },
      ]);
      const now = await first
        .http()
        .get(`/api/v1/me/orders/${order.id}`)
        .set(as(shoppers[orders.indexOf(order)].token))
        .expect(200);
      const mixed = order.lines.length === 2;
      expect(now.body.state).toBe(mixed ? 'confirmed' : 'refunded');
      expect(now.body.refunded).toBe(failedLine.payable);
    }
    for (const [i, shopper] of shoppers.entries()) {
      const wallet = await points.wallet(shopper.id);
      const order = orders[i];
      if (order.lines.length === 1) {
        // Everything back: the 500 points spent, and nothing pending.
        expect(wallet).toMatchObject({ available: 1_000, pending: 0 });
      } else {
        const milkLine = order.lines.find((l: { campaignId: string }) => l.campaignId === forming);
        expect(wallet.available).toBe(1_000 - milkLine.pointsDiscount);
        expect(wallet.pending).toBeGreaterThan(0);
      }
      const notices = await first.dataSource.query(
        `SELECT COUNT(*)::int AS n FROM notifications WHERE member_id = $1 AND kind = 'order_refunded'`,
        [shopper.id],
      );
      expect(notices[0].n).toBe(1);
    }
    expect((await points.reconcile()).mismatches).toEqual([]);

    // The leader's commission: only the milk that formed is still owed.
    const commission = await first
      .http()
      .get('/api/v1/leader/commissions')
      .set(as(leader.token))
      .expect(200);
    const milkPaid = orders
      .flatMap((o) => o.lines)
      .filter((l: { campaignId: string }) => l.campaignId === forming)
      .reduce(
        (s: number, l: { payable: number }) =>
          s + Math.floor((2 * l.payable * 1000 + 10_000) / 20_000),
        0,
      );
    expect(commission.body.totals.pending).toBe(milkPaid);
    const batches = await first.dataSource.query(
      `SELECT campaign_id FROM delivery_batches ORDER BY campaign_id`,
    );
    expect(batches).toEqual([{ campaign_id: forming }]);
  });
});

describe('cut-off: payments and cancels in flight', () => {
  let t: TestApp;
  let w: Awaited<ReturnType<typeof fulfilmentWorld>>;

  beforeAll(async () => {
    t = await startTestApp();
    w = await fulfilmentWorld(t);
    await w.leaderOf('flight-leader', w.points.east);
  });
  afterAll(() => t.close());

  const campaignRow = async (id: string) =>
    (
      await t.dataSource.query(`SELECT status, buyers, decided_at FROM campaigns WHERE id = $1`, [
        id,
      ])
    )[0];

  it('leaves a campaign undecided while a payment checked before the cut-off is still being recorded, and decides it with that buyer on the next run', async () => {
    const campaignId = await w.campaign(w.skus.apples, {
      minBuyers: 1,
      cutsOffAt: new Date(w.clock.now().getTime() + HOUR_MS).toISOString(),
    });
    const shopper = await w.shopperAt('flight-payer');
    const placed = await t
      .http()
      .post('/api/v1/orders')
      .set(as(shopper.token))
      .set('Idempotency-Key', randomUUID())
      .send({ items: [{ campaignId, quantity: 1 }] })
      .expect(201);
    await t.dataSource.query(
      `INSERT INTO point_accounts (member_id) VALUES ($1) ON CONFLICT DO NOTHING`,
      [shopper.id],
    );
    // Holds the payment once it has passed the cut-off check, when it credits the points.
    const holder = t.dataSource.createQueryRunner();
    await holder.connect();
    let paying: Promise<{ status: number; body: { order: { state: string } } }>;
    try {
      await holder.startTransaction();
      await holder.query(`SELECT 1 FROM point_accounts WHERE member_id = $1 FOR UPDATE`, [
        shopper.id,
      ]);
      paying = t
        .http()
        .post(`/api/v1/orders/${placed.body.id}/pay`)
        .set(as(shopper.token))
        .then((r) => r);
      await lockWaits(t.dataSource, 1, 'point_accounts');

      w.clock.advance(2 * HOUR_MS);
      await w.runJob('cut-off-campaigns');
      expect(await campaignRow(campaignId)).toEqual({
        status: 'published',
        buyers: null,
        decided_at: null,
      });
      await holder.commitTransaction();
    } finally {
      await holder.release();
    }
    const paid = await paying!;
    expect(paid.status).toBe(200);
    expect(paid.body.order.state).toBe('paid');

    await w.runJob('cut-off-campaigns');
    expect(await campaignRow(campaignId)).toMatchObject({ status: 'cut_off', buyers: 1 });
    expect((await w.get(shopper.token, `/me/orders/${placed.body.id}`)).state).toBe('confirmed');
  });

  it('refuses a cancel that reaches a campaign while the cut-off job is counting its buyers', async () => {
    const campaignId = await w.campaign(w.skus.milk, {
      minBuyers: 1,
      cutsOffAt: new Date(w.clock.now().getTime() + HOUR_MS).toISOString(),
    });
    const shopper = await w.shopperAt('flight-canceller');
    const order = await w.buy(shopper, [{ campaignId, quantity: 1 }]);
    const connection = t.app.get(TransactionalConnection);
    let cancelling: Promise<{ status: number; body: { error: { code: string } } }>;
    // The job locks the campaign at its cut-off, a moment after the shopper asked to cancel.
    await connection.withTransaction(RequestContext.forSystem('cut-off-in-flight'), async (ctx) => {
      await connection.query(ctx, `SELECT id FROM campaigns WHERE id = $1 FOR UPDATE`, [
        campaignId,
      ]);
      cancelling = t
        .http()
        .post(`/api/v1/orders/${order.id}/cancel`)
        .set(as(shopper.token))
        .then((r) => r);
      await lockWaits(t.dataSource, 1, 'campaigns');
      w.clock.advance(2 * HOUR_MS);
      await t.app.get(CutOffService).decideDue(ctx, 10);
    });
    expect(await campaignRow(campaignId)).toMatchObject({ status: 'cut_off', buyers: 1 });
    const refused = await cancelling!;
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe(ErrorCode.CampaignNotOpen);
    await w.runJob('cut-off-campaigns');
    expect((await w.get(shopper.token, `/me/orders/${order.id}`)).state).toBe('confirmed');
    const refunds = await t.dataSource.query(`SELECT 1 FROM refunds WHERE order_id = $1`, [
      order.id,
    ]);
    expect(refunds).toEqual([]);
  });
});

describe('cut-off and after-sales when a point is worth other than a fen', () => {
  let t: TestApp;
  let w: Awaited<ReturnType<typeof fulfilmentWorld>>;

  beforeAll(async () => {
    t = await startTestApp();
    w = await fulfilmentWorld(t);
    // 200 points a yuan: 1,000 points take 500 fen off, more points than fen.
    const {
      version: _version,
      updatedAt: _updatedAt,
      ...policy
    } = await w.get(w.admin, '/admin/points-policy');
    await t
      .http()
      .put('/api/v1/admin/points-policy')
      .set(as(w.admin))
      .send({ ...policy, redeemPointsPerYuan: 200 })
      .expect(200);
  });
  afterAll(() => t.close());

  const shopperWithPoints = async (name: string, pickupPointId: string) => {
    const shopper = await w.shopperAt(name, pickupPointId);
    await pointsOf(t).inTransaction((ctx) =>
      pointsOf(t).ledger.adjust(ctx, shopper.id, 1_000, 'gift', `gift-${shopper.id}`),
    );
    return shopper;
  };

  it('refunds a failed campaign paid partly in points, and decides the other campaigns', async () => {
    await w.leaderOf('split-leader', w.points.east);
    const apples = await w.campaign(w.skus.apples, { groupPriceFen: 2_000, minBuyers: 5 });
    const milk = await w.campaign(w.skus.milk, { groupPriceFen: 1_000, minBuyers: 1 });
    const fay = await shopperWithPoints('split-fay', w.points.east);
    const hal = await w.shopperAt('split-hal');
    const fayOrder = await w.buy(fay, [{ campaignId: apples, quantity: 1 }], 1_000);
    expect(fayOrder).toMatchObject({ state: 'paid', pointsUsed: 1_000, pointsDiscount: 500 });
    const halOrder = await w.buy(hal, [{ campaignId: milk, quantity: 1 }]);

    w.clock.advance(25 * HOUR_MS);
    await w.runJob('cut-off-campaigns');
    expect((await w.get(fay.token, `/me/orders/${fayOrder.id}`)).state).toBe('refunded');
    expect((await w.get(hal.token, `/me/orders/${halOrder.id}`)).state).toBe('confirmed');
    expect((await w.get(fay.token, '/me/points')).available).toBe(1_000);
  });

  it('refunds failed orders of several members while the expiry job takes their accounts, without a deadlock', async () => {
    const shoppers = [
      await shopperWithPoints('expiring-one', w.points.east),
      await shopperWithPoints('expiring-two', w.points.east),
    ];
    const [lower, higher] = shoppers.sort((a, b) => (a.id < b.id ? -1 : 1));
    const apples = await w.campaign(w.skus.apples, { groupPriceFen: 2_000, minBuyers: 5 });
    // Paid first, the order of the higher member id is refunded first.
    await w.buy(higher, [{ campaignId: apples, quantity: 1 }], 1_000);
    await w.buy(lower, [{ campaignId: apples, quantity: 1 }], 1_000);
    w.clock.advance(25 * HOUR_MS);

    // The expiry job takes accounts in member id order: the lower's, then the higher's.
    const points = pointsOf(t);
    const cutOff = t.app.get(CutOffService);
    await betweenLocks(
      t.dataSource,
      points.inTransaction,
      (ctx) => points.ledger.holdAccounts(ctx, [lower.id]),
      (ctx) => points.ledger.holdAccounts(ctx, [higher.id]),
      () => points.inTransaction((ctx) => cutOff.runBatch(ctx, 100)),
    );
    for (const shopper of [lower, higher])
      expect((await w.get(shopper.token, '/me/points')).available).toBe(1_000);
  });

  it('takes an after-sales refund of an order paid partly in points', async () => {
    const leader = await w.leaderOf('split-leader-west', w.points.west);
    const milk = await w.campaign(w.skus.milk, { groupPriceFen: 2_000, minBuyers: 1 });
    const gus = await shopperWithPoints('split-gus', w.points.west);
    const order = await w.buy(gus, [{ campaignId: milk, quantity: 1 }], 1_000);
    await w.deliverTo(leader);
    await w.handOver(leader, gus, order.id);
    await t
      .http()
      .post(`/api/v1/me/orders/${order.id}/refunds`)
      .set(as(gus.token))
      .set('Idempotency-Key', randomUUID())
      .send({ lines: [{ orderLineId: order.lines[0].id, quantity: 1 }], reason: '坏了' })
      .expect(201);
  });
});
