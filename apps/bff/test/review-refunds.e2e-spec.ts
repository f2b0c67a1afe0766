import { randomUUID } from 'node:crypto';
import { as, fulfilmentWorld, HOUR_MS } from './support/fulfilment-fixtures';
import { startTestApp, TestApp } from './support/test-app';

type Buyer = {
  shopper: { id: string; token: string };
  order: { id: string; lines: { id: string }[] };
};

describe('refunds of reviewed lines: a line refunded whole gives back what its review earned', () => {
  let t: TestApp;
  let w: Awaited<ReturnType<typeof fulfilmentWorld>>;
  beforeAll(async () => {
    t = await startTestApp();
    w = await fulfilmentWorld(t);
  });
  afterAll(() => t.close());

  const leaders = new Map<string, Awaited<ReturnType<typeof w.leaderOf>>>();
  /** Each neighbour at the point (its leader approved the first time) buys `quantity` bags of apples and picks them up. */
  const pickedUp = async (
    pointId: string,
    names: string[],
    quantity: number,
    campaignOverrides: Record<string, unknown> = {},
  ): Promise<Buyer[]> => {
    const leader = leaders.get(pointId) ?? (await w.leaderOf(`${names[0]}-leader`, pointId));
    leaders.set(pointId, leader);
    const campaign = await w.campaign(w.skus.apples, { minBuyers: 1, ...campaignOverrides });
    const buyers: Buyer[] = [];
    for (const name of names) {
      const shopper = await w.shopperAt(name, pointId);
      buyers.push({ shopper, order: await w.buy(shopper, [{ campaignId: campaign, quantity }]) });
    }
    await w.deliverTo(leader);
    for (const { shopper, order } of buyers) await w.handOver(leader, shopper, order.id);
    return buyers;
  };
  const review = ({ shopper, order }: Buyer) =>
    t
      .http()
      .post(`/api/v1/me/orders/${order.id}/reviews`)
      .set(as(shopper.token))
      .set('Idempotency-Key', randomUUID())
      .send({ orderLineId: order.lines[0].id, rating: 2, text: '有几个是坏的' });
  const requestRefund = ({ shopper, order }: Buyer, quantity: number) =>
    w.requestRefund(shopper, order.id, [{ orderLineId: order.lines[0].id, quantity }]);
  const approve = (refundId: string) => w.approveRefund(refundId);
  const wallet = (buyer: Buyer) => w.get(buyer.shopper.token, '/me/points');
  const growth = async (buyer: Buyer) =>
    (await w.get(buyer.shopper.token, '/me/member-card')).growth as number;
  const reconciliationClean = async () =>
    expect((await w.get(w.admin, '/admin/points/reconciliation')).mismatches).toEqual([]);

  it('keeps them over a partial refund, takes them back with the last unit, and keeps back money for those spent', async () => {
    const [fay] = await pickedUp(w.points.east, ['rr-fay'], 2);
    const written = await review(fay).expect(201);
    expect(written.body).toMatchObject({ pointsAwarded: 10, growthAwarded: 2 });
    expect(await wallet(fay)).toMatchObject({ available: 10 });
    const earnedOnPayment = (await wallet(fay)).pending as number;
    expect(earnedOnPayment).toBeGreaterThan(0);

    // One bag of two back: the review still stands for the bag kept.
    const first = await approve((await requestRefund(fay, 1)).id).expect(200);
    expect(first.body.pointsClawedBack).toBeLessThan(earnedOnPayment);
    expect(await wallet(fay)).toMatchObject({ available: 10 });

    // Four of the review's points are gone (spent elsewhere) before the other bag comes back.
    await t
      .http()
      .post(`/api/v1/admin/members/${fay.shopper.id}/points-adjustments`)
      .set(as(w.admin))
      .set('Idempotency-Key', randomUUID())
      .send({ points: -4, reason: '兑换抵扣' })
      .expect(201);
    const last = await requestRefund(fay, 1);
    const approved = await approve(last.id).expect(200);
    expect(approved.body).toMatchObject({
      pointsClawedBack: earnedOnPayment - first.body.pointsClawedBack + 10,
      // 4 points at 100 points a yuan: 4 fen kept back.
      shortfall: 4,
      refunded: last.requested - 4,
    });
    expect(await wallet(fay)).toMatchObject({ available: 0, pending: 0 });
    // Nothing completes: the review's growth, which waited for that, never counts.
    w.clock.advance(8 * 24 * HOUR_MS);
    await w.runJob('complete-orders');
    expect(await growth(fay)).toBe(0);
    const entries = await w.get(fay.shopper.token, '/me/points/entries?type=clawback');
    expect(entries.items).toContainEqual(
      expect.objectContaining({ type: 'clawback', amount: -6, sourceType: 'review' }),
    );
    await reconciliationClean();
  });

  it('tells the neighbour no money comes back when the points spent take all of it', async () => {
    const [gus] = await pickedUp(w.points.east, ['rr-gus'], 1, { groupPriceFen: 5 });
    await review(gus).expect(201);
    // The review's 10 points, worth 10 fen, are spent before the 5-fen bag comes back.
    await t
      .http()
      .post(`/api/v1/admin/members/${gus.shopper.id}/points-adjustments`)
      .set(as(w.admin))
      .set('Idempotency-Key', randomUUID())
      .send({ points: -10, reason: '兑换抵扣' })
      .expect(201);
    const approved = await approve((await requestRefund(gus, 1)).id).expect(200);
    expect(approved.body).toMatchObject({ refunded: 0, shortfall: 5 });
    const notices = await w.get(gus.shopper.token, '/me/notifications');
    const told = notices.items.find((n: { title: string }) => n.title === '售后已通过');
    expect(told.body).toBe('已用掉的赠送积分折合 ¥0.05，抵扣了这次退款，没有款项退回。');
  });

  it('gives nothing to keep when reviews and whole refunds of 12 lines race', async () => {
    const buyers = await pickedUp(
      w.points.west,
      Array.from({ length: 12 }, (_, i) => `rr-racer-${i}`),
      1,
    );
    const refunds = await Promise.all(buyers.map((buyer) => requestRefund(buyer, 1)));
    const outcomes = await Promise.all(
      buyers.map(async (buyer, i) => {
        const [reviewed, approved] = await Promise.all([review(buyer), approve(refunds[i].id)]);
        return { reviewed: reviewed.status, approved: approved.status };
      }),
    );
    // One way or the other: reviewed and taken back, or refused once the refund took the line.
    for (const outcome of outcomes) {
      expect(outcome.approved).toBe(200);
      expect([201, 409]).toContain(outcome.reviewed);
    }
    for (const buyer of buyers) {
      expect(await wallet(buyer)).toMatchObject({ available: 0, pending: 0 });
      expect(await growth(buyer)).toBe(0);
    }
    await reconciliationClean();
  });
});
