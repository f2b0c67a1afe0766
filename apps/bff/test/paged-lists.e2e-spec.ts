import { ErrorCode } from '@linli/shared';
import { randomUUID } from 'node:crypto';
import { DAY_MS } from './support/points-helpers';
import { as, fulfilmentWorld, HOUR_MS } from './support/fulfilment-fixtures';
import { loginMember, startTestApp, TestApp } from './support/test-app';

type World = Awaited<ReturnType<typeof fulfilmentWorld>>;
type Row = { id: string } & Record<string, unknown>;

/**
 * The lists operators and leaders work from, read a few rows at a time: every row once, in the
 * list's order, within its filter, however many there are.
 */
describe('lists of operators and leaders, a page at a time', () => {
  let t: TestApp;
  let w: World;

  beforeAll(async () => {
    t = await startTestApp();
    w = await fulfilmentWorld(t);
  });
  afterAll(() => t.close());

  const ids = (rows: Row[]) => rows.map((r) => r.id);

  /**
   * Reads the list at `path` `limit` rows at a time to its end: each answer is `{ items,
   * nextCursor }` with at most `limit` items, and together the pages hold exactly what one
   * page of 100 holds, in the same order.
   */
  const pageThrough = async (token: string, path: string, limit: number): Promise<Row[]> => {
    const join = path.includes('?') ? '&' : '?';
    const whole = await w.get(token, `${path}${join}limit=100`);
    expect(whole).toEqual({ items: expect.any(Array), nextCursor: null });
    const rows: Row[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const after: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page = await w.get(token, `${path}${join}limit=${limit}${after}`);
      expect(Object.keys(page).sort()).toEqual(['items', 'nextCursor']);
      expect(page.items.length).toBeLessThanOrEqual(limit);
      rows.push(...page.items);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages <= whole.items.length);
    expect(cursor).toBeNull();
    expect(pages).toBe(Math.max(1, Math.ceil(whole.items.length / limit)));
    expect(ids(rows)).toEqual(ids(whole.items));
    return rows;
  };

  const refusesBadCursor = async (token: string, path: string) => {
    const join = path.includes('?') ? '&' : '?';
    for (const cursor of [
      'not-a-cursor',
      Buffer.from('{"at":"yesterday"}').toString('base64url'),
    ]) {
      const res = await t
        .http()
        .get(`/api/v1${path}${join}cursor=${cursor}`)
        .set(as(token))
        .expect(400);
      expect(res.body.error.code).toBe(ErrorCode.ValidationFailed);
    }
  };

  it('pages leader applications oldest first, within a status', async () => {
    const apply = async (name: string, pickupPointId: string) => {
      const applicant = await loginMember(t, name);
      const res = await t
        .http()
        .post('/api/v1/leader/applications')
        .set(as(applicant.accessToken))
        .send({ pickupPointId, realName: '李四', phone: '13800000000' })
        .expect(201);
      return res.body.id as string;
    };
    const first = await apply('apply-1', w.points.east);
    const second = await apply('apply-2', w.points.east);
    const third = await apply('apply-3', w.points.east);
    const fourth = await apply('apply-4', w.points.west);
    await t
      .http()
      .post(`/api/v1/admin/leader-applications/${first}/reject`)
      .set(as(w.admin))
      .send({ note: '电话打不通' })
      .expect(200);

    const pending = await pageThrough(w.admin, '/admin/leader-applications?status=pending', 2);
    expect(ids(pending)).toEqual([second, third, fourth]);
    expect(pending.every((a) => a.status === 'pending')).toBe(true);
    const rejected = await pageThrough(w.admin, '/admin/leader-applications?status=rejected', 2);
    expect(ids(rejected)).toEqual([first]);
    const all = await pageThrough(w.admin, '/admin/leader-applications', 1);
    expect(ids(all)).toEqual([first, second, third, fourth]);
    await refusesBadCursor(w.admin, '/admin/leader-applications?status=pending');
  });

  it('pages the rewards, withdrawn ones too, cheapest first', async () => {
    const reward = async (name: string, pointsCost: number, active = true) => {
      const created = await t
        .http()
        .post('/api/v1/admin/rewards')
        .set(as(w.admin))
        .set('Idempotency-Key', randomUUID())
        .send({ kind: 'goods', name, pointsCost, stock: 5, perMemberLimit: 1 })
        .expect(201);
      if (!active)
        await t
          .http()
          .patch(`/api/v1/admin/rewards/${created.body.id}`)
          .set(as(w.admin))
          .send({ active: false })
          .expect(200);
      return created.body.id as string;
    };
    const bag = await reward('购物袋', 300);
    const cup = await reward('保温杯', 900, false);
    const [towel, soap] = [await reward('毛巾', 100), await reward('香皂', 100)].sort();
    const listed = await pageThrough(w.admin, '/admin/rewards', 2);
    expect(ids(listed)).toEqual([towel, soap, bag, cup]);
    await refusesBadCursor(w.admin, '/admin/rewards');
  });

  describe('once group-buys have cut off at both pickup points', () => {
    let east: { id: string; token: string };
    let west: { id: string; token: string };
    const eastShoppers: { id: string; token: string }[] = [];
    let westShopper: { id: string; token: string };
    /** East's three orders of apples and milk, then east's order of the later milk. */
    const eastOrders: { id: string; lines: { id: string; campaignId: string }[] }[] = [];
    let westOrder: { id: string };
    let apples: string;
    let milk: string;
    let laterMilk: string;

    const batches = async (path: string) =>
      (await w.get(w.admin, `${path}${path.includes('?') ? '&' : '?'}limit=100`)).items as {
        id: string;
        campaignId: string;
        pickupPointId: string;
        state: string;
      }[];
    const batchOf = async (campaignId: string, pickupPointId: string) =>
      (await batches('/admin/deliveries')).find(
        (b) => b.campaignId === campaignId && b.pickupPointId === pickupPointId,
      )?.id as string;

    beforeAll(async () => {
      east = await w.leaderOf('list-east-leader', w.points.east);
      west = await w.leaderOf('list-west-leader', w.points.west);
      // Bought in one order, the two share a cut-off.
      const cutsOffAt = new Date(w.clock.now().getTime() + HOUR_MS).toISOString();
      apples = await w.campaign(w.skus.apples, { groupPriceFen: 30_000, minBuyers: 1, cutsOffAt });
      milk = await w.campaign(w.skus.milk, { groupPriceFen: 2_000, minBuyers: 1, cutsOffAt });
      for (const name of ['list-e1', 'list-e2', 'list-e3']) {
        const shopper = await w.shopperAt(name, w.points.east);
        eastShoppers.push(shopper);
        eastOrders.push(
          await w.buy(shopper, [
            { campaignId: apples, quantity: 1 },
            { campaignId: milk, quantity: 1 },
          ]),
        );
      }
      westShopper = await w.shopperAt('list-w1', w.points.west);
      westOrder = await w.buy(westShopper, [{ campaignId: apples, quantity: 1 }]);
      // One cut-off makes the batches of both points together.
      w.clock.advance(25 * HOUR_MS);
      await w.runJob('cut-off-campaigns');
      // A later group-buy at east cuts off on its own, a day on.
      laterMilk = await w.campaign(w.skus.milk, { groupPriceFen: 2_000, minBuyers: 1 });
      eastOrders.push(await w.buy(eastShoppers[0], [{ campaignId: laterMilk, quantity: 1 }]));
      w.clock.advance(25 * HOUR_MS);
      await w.runJob('cut-off-campaigns');
    });

    it('pages delivery batches newest first, within a state, for the operator and each leader', async () => {
      const eastApples = await batchOf(apples, w.points.east);
      const eastMilk = await batchOf(milk, w.points.east);
      const westApples = await batchOf(apples, w.points.west);
      const eastLaterMilk = await batchOf(laterMilk, w.points.east);

      // Batches made by one cut-off share their instant: the pages must still hold each once.
      const [{ tied }] = await t.dataSource.query(
        `SELECT (count(*) - count(DISTINCT created_at))::int AS tied FROM delivery_batches`,
      );
      expect(tied).toBeGreaterThan(0);
      const packing = await pageThrough(w.admin, '/admin/deliveries?state=packing', 1);
      expect(ids(packing)[0]).toBe(eastLaterMilk);
      expect(ids(packing).sort()).toEqual([eastApples, eastMilk, westApples, eastLaterMilk].sort());
      expect(packing.every((b) => b.state === 'packing')).toBe(true);

      await t
        .http()
        .post(`/api/v1/admin/deliveries/${eastApples}/dispatch`)
        .set(as(w.admin))
        .expect(200);
      const stillPacking = await pageThrough(w.admin, '/admin/deliveries?state=packing', 1);
      expect(ids(stillPacking)).toEqual(ids(packing).filter((id) => id !== eastApples));
      expect(ids(await pageThrough(w.admin, '/admin/deliveries?state=dispatched', 1))).toEqual([
        eastApples,
      ]);
      expect(ids(await pageThrough(w.admin, '/admin/deliveries', 1))).toEqual(ids(packing));

      const eastBatches = await pageThrough(east.token, '/leader/deliveries', 1);
      expect(ids(eastBatches)).toEqual(ids(packing).filter((id) => id !== westApples));
      expect(eastBatches.every((b) => b.pickupPointId === w.points.east)).toBe(true);
      expect(ids(await pageThrough(east.token, '/leader/deliveries?state=packing', 1))).toEqual(
        ids(stillPacking).filter((id) => id !== westApples),
      );
      expect(ids(await pageThrough(west.token, '/leader/deliveries', 1))).toEqual([westApples]);

      await refusesBadCursor(w.admin, '/admin/deliveries?state=packing');
      await refusesBadCursor(east.token, '/leader/deliveries');
    });

    it('pages the orders waiting at a pickup point oldest first, within a state', async () => {
      for (const batch of await batches('/admin/deliveries?state=packing')) {
        await t
          .http()
          .post(`/api/v1/admin/deliveries/${batch.id}/dispatch`)
          .set(as(w.admin))
          .expect(200);
      }
      for (const batch of await batches('/admin/deliveries?state=dispatched')) {
        const leader = batch.pickupPointId === w.points.east ? east : west;
        await t
          .http()
          .post(`/api/v1/leader/deliveries/${batch.id}/receive`)
          .set(as(leader.token))
          .expect(200);
      }

      const ready = await pageThrough(east.token, '/leader/pickups', 2);
      expect(ids(ready)).toEqual(ids(eastOrders));
      expect(ready.every((o) => o.state === 'ready_for_pickup')).toBe(true);
      await w.handOver(east, eastShoppers[0], eastOrders[0].id);
      await w.handOver(east, eastShoppers[1], eastOrders[1].id);
      expect(
        ids(await pageThrough(east.token, '/leader/pickups?state=ready_for_pickup', 1)),
      ).toEqual(ids(eastOrders.slice(2)));
      const pickedUp = await pageThrough(east.token, '/leader/pickups?state=picked_up', 1);
      expect(ids(pickedUp)).toEqual(ids(eastOrders.slice(0, 2)));
      expect(pickedUp.every((o) => o.state === 'picked_up')).toBe(true);
      expect(ids(await pageThrough(west.token, '/leader/pickups', 1))).toEqual([westOrder.id]);

      await refusesBadCursor(east.token, '/leader/pickups?state=picked_up');
    });

    it('pages after-sales requests oldest first, within a status', async () => {
      const ask = async (shopper: { token: string }, orderIndex: number, campaignId: string) => {
        const order = eastOrders[orderIndex];
        const line = order.lines.find((l) => l.campaignId === campaignId) as { id: string };
        const res = await t
          .http()
          .post(`/api/v1/me/orders/${order.id}/refunds`)
          .set(as(shopper.token))
          .set('Idempotency-Key', randomUUID())
          .send({ lines: [{ orderLineId: line.id, quantity: 1 }], reason: '坏了' })
          .expect(201);
        expect(res.body.status).toBe('pending');
        return res.body.id as string;
      };
      const first = await ask(eastShoppers[0], 0, apples);
      const second = await ask(eastShoppers[0], 0, milk);
      const third = await ask(eastShoppers[1], 1, apples);
      const fourth = await ask(eastShoppers[1], 1, milk);
      await t
        .http()
        .post(`/api/v1/admin/refunds/${second}/reject`)
        .set(as(w.admin))
        .send({ note: '照片看不出问题' })
        .expect(200);

      const pending = await pageThrough(w.admin, '/admin/refunds?status=pending', 2);
      expect(ids(pending)).toEqual([first, third, fourth]);
      expect(pending.every((r) => r.status === 'pending')).toBe(true);
      expect(ids(await pageThrough(w.admin, '/admin/refunds?status=rejected', 2))).toEqual([
        second,
      ]);
      expect(ids(await pageThrough(w.admin, '/admin/refunds', 3))).toEqual([
        first,
        second,
        third,
        fourth,
      ]);
      await refusesBadCursor(w.admin, '/admin/refunds?status=pending');
    });

    it("pages withdrawals: a leader's own newest first, the operator's queue oldest first", async () => {
      await w.handOver(west, westShopper, westOrder.id);
      w.clock.advance(8 * DAY_MS);
      await w.runJob('settle-commissions');
      const withdraw = async () =>
        (
          await t
            .http()
            .post('/api/v1/leader/withdrawals')
            .set(as(west.token))
            .set('Idempotency-Key', randomUUID())
            .send({ amount: 1_000 })
            .expect(201)
        ).body.id as string;
      const first = await withdraw();
      const second = await withdraw();
      const third = await withdraw();
      await t
        .http()
        .post(`/api/v1/admin/withdrawals/${first}/approve`)
        .set(as(w.admin))
        .send({})
        .expect(200);

      expect(ids(await pageThrough(west.token, '/leader/withdrawals', 2))).toEqual([
        third,
        second,
        first,
      ]);
      expect(await w.get(east.token, '/leader/withdrawals')).toEqual({
        items: [],
        nextCursor: null,
      });
      const pending = await pageThrough(w.admin, '/admin/withdrawals?status=pending', 1);
      expect(ids(pending)).toEqual([second, third]);
      expect(pending.every((r) => r.status === 'pending')).toBe(true);
      expect(ids(await pageThrough(w.admin, '/admin/withdrawals?status=approved', 1))).toEqual([
        first,
      ]);
      expect(ids(await pageThrough(w.admin, '/admin/withdrawals', 2))).toEqual([
        first,
        second,
        third,
      ]);
      await refusesBadCursor(west.token, '/leader/withdrawals');
      await refusesBadCursor(w.admin, '/admin/withdrawals?status=pending');
    });
  });
});
