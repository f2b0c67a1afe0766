import { randomUUID } from 'node:crypto';
import { as, fulfilmentWorld, HOUR_MS } from './support/fulfilment-fixtures';
import { startTestApp, TestApp } from './support/test-app';

describe('reviews (POST /me/orders/:id/reviews): once a line picked up, for points and growth', () => {
  let t: TestApp;
  let w: Awaited<ReturnType<typeof fulfilmentWorld>>;
  let shopper: { id: string; token: string };
  let order: { id: string; lines: { id: string; campaignId: string; payable: number }[] };
  let unpicked: { id: string; lines: { id: string }[] };

  beforeAll(async () => {
    t = await startTestApp();
    w = await fulfilmentWorld(t);
    const leader = await w.leaderOf('review-leader', w.points.east);
    shopper = await w.shopperAt('review-ann');
    const neighbour = await w.shopperAt('review-bo');
    // One order of two group-buys, which therefore cut off together.
    const cutsOffAt = new Date(w.clock.now().getTime() + 24 * HOUR_MS).toISOString();
    const apples = await w.campaign(w.skus.apples, { cutsOffAt });
    // Formed with one buyer: the milk is not refunded when the group-buy cuts off.
    const milk = await w.campaign(w.skus.milk, { cutsOffAt, minBuyers: 1 });
    order = await w.buy(shopper, [
      { campaignId: apples, quantity: 1 },
      { campaignId: milk, quantity: 2 },
    ]);
    unpicked = await w.buy(shopper, [{ campaignId: apples, quantity: 1 }]);
    await w.buy(neighbour, [{ campaignId: apples, quantity: 1 }]);
    await w.deliverTo(leader);
    await w.handOver(leader, shopper, order.id);
  });
  afterAll(() => t.close());

  const review = (orderId: string, body: object, token = shopper.token) =>
    t.http().post(`/api/v1/me/orders/${orderId}/reviews`).set(as(token)).send(body);
  const available = async () => (await w.get(shopper.token, '/me/points')).available as number;

  it('credits the review points, spendable at once; the order shows the review', async () => {
    const [first] = order.lines;
    const written = await review(order.id, {
      orderLineId: first.id,
      rating: 5,
      text: '苹果很脆，下次还买',
    }).expect(201);
    expect(written.body).toEqual({
      orderLineId: first.id,
      rating: 5,
      text: '苹果很脆，下次还买',
      pointsAwarded: 10,
      growthAwarded: 2,
      createdAt: expect.any(String),
    });
    expect(await available()).toBe(10);
    // Its growth waits, as the order's own does, for the after-sales window to close.
    expect((await w.get(shopper.token, '/me/member-card')).growth).toBe(0);
    const shown = await w.get(shopper.token, `/me/orders/${order.id}`);
    const line = shown.lines.find((l: { id: string }) => l.id === first.id);
    expect(line.review).toEqual({
      rating: 5,
      text: '苹果很脆，下次还买',
      createdAt: written.body.createdAt,
    });
    expect(shown.lines.find((l: { id: string }) => l.id !== first.id).review).toBeNull();

    const again = await review(order.id, { orderLineId: first.id, rating: 1, text: '改主意了' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('REVIEW_ALREADY_WRITTEN');
    expect(await available()).toBe(10);
  });

  it('writes one of 20 reviews of a line sent at once, and replays one sent again with its key', async () => {
    const second = order.lines[1];
    const key = randomUUID();
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        review(order.id, {
          orderLineId: second.id,
          rating: 4,
          text: i < 3 ? '牛奶新鲜' : `第 ${i} 次`,
        }).set('Idempotency-Key', i < 3 ? key : randomUUID()),
      ),
    );
    const created = responses.filter((r) => r.status === 201);
    expect(responses.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    // The requests sharing a key all get the first one's answer; every other is refused.
    const texts = new Set(created.map((r) => r.body.text));
    expect(texts.size).toBe(1);
    expect(await available()).toBe(20);
    const [row] = await t.dataSource.query(
      `SELECT count(*)::int AS reviews FROM reviews WHERE order_line_id = $1`,
      [second.id],
    );
    expect(row.reviews).toBe(1);
  });

  it('refuses a line not yet picked up, and one refunded whole', async () => {
    const notYet = await review(unpicked.id, {
      orderLineId: unpicked.lines[0].id,
      rating: 5,
      text: '还没拿到',
    }).expect(409);
    expect(notYet.body.error).toMatchObject({ code: 'ORDER_STATE_INVALID' });

    // The neighbour's order, picked up, is refunded whole after-sales.
    const leader = await w.leaderOf('review-west-leader', w.points.west);
    const west = await w.shopperAt('review-dee', w.points.west);
    const campaign = await w.campaign(w.skus.apples);
    const bought = await w.buy(west, [{ campaignId: campaign, quantity: 1 }]);
    await w.buy(await w.shopperAt('review-eve', w.points.west), [
      { campaignId: campaign, quantity: 1 },
    ]);
    await w.deliverTo(leader);
    await w.handOver(leader, west, bought.id);
    const request = await w.requestRefund(west, bought.id, [
      { orderLineId: bought.lines[0].id, quantity: 1 },
    ]);
    await w.approveRefund(request.id).expect(200);
    const refunded = await review(
      bought.id,
      { orderLineId: bought.lines[0].id, rating: 1, text: '坏了' },
      west.token,
    ).expect(409);
    expect(refunded.body.error).toMatchObject({
      code: 'ORDER_STATE_INVALID',
      details: { refunded: true },
    });
  });

  it('does not know another member’s order, nor a line of another order', async () => {
    const stranger = await w.shopperAt('review-stranger');
    await review(
      order.id,
      { orderLineId: order.lines[0].id, rating: 5, text: '好' },
      stranger.token,
    ).expect(404);
    await review(order.id, { orderLineId: unpicked.lines[0].id, rating: 5, text: '好' }).expect(
      404,
    );
    await review(randomUUID(), { orderLineId: order.lines[0].id, rating: 5, text: '好' }).expect(
      404,
    );
  });

  it.each([
    [{ rating: 0, text: '好' }],
    [{ rating: 6, text: '好' }],
    [{ rating: 4.5, text: '好' }],
    [{ rating: 5 }],
    [{ rating: 5, text: '好'.repeat(501) }],
    [{ rating: 5, text: '好', orderLineId: 'line-1' }],
  ])('refuses %j', async (body) => {
    const response = await review(order.id, { orderLineId: order.lines[0].id, ...body }).expect(
      400,
    );
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('shows operators what neighbours said of a group-buy', async () => {
    const [first] = order.lines;
    const page = await w.get(w.admin, `/admin/campaigns/${first.campaignId}/reviews`);
    expect(page).toEqual({
      count: 1,
      byRating: [0, 0, 0, 0, 1],
      items: [
        expect.objectContaining({
          orderLineId: first.id,
          orderId: order.id,
          memberId: shopper.id,
          memberNickname: 'review-ann',
          rating: 5,
          text: '苹果很脆，下次还买',
        }),
      ],
      nextCursor: null,
    });
    await t
      .http()
      .get(`/api/v1/admin/campaigns/${randomUUID()}/reviews`)
      .set(as(w.admin))
      .expect(404);
    await t
      .http()
      .get(`/api/v1/admin/campaigns/${first.campaignId}/reviews`)
      .set(as(shopper.token))
      .expect(403);
  });

  const productReviews = (campaignId: string, token: string, query = '') =>
    w.get(token, `/campaigns/${campaignId}/reviews${query}`);
  const moderate = (orderLineId: string, action: 'hide' | 'show', body: object = {}) =>
    t.http().post(`/api/v1/admin/reviews/${orderLineId}/${action}`).set(as(w.admin)).send(body);

  it('shows neighbours what was said of a product on its later group-buys, without who said it', async () => {
    const [apples, milk] = order.lines;
    const laterApples = await w.campaign(w.skus.apples);
    const stranger = await w.shopperAt('review-cy');
    // Both lines are of one product (two of its SKUs): newest first, a page at a time.
    const first = await productReviews(laterApples, stranger.token, '?limit=1');
    expect(first).toEqual({
      count: 2,
      byRating: [0, 0, 0, 1, 1],
      items: [
        {
          id: milk.id,
          reviewer: 'r**',
          rating: 4,
          text: '牛奶新鲜',
          campaignTitle: expect.any(String),
          createdAt: expect.any(String),
        },
      ],
      nextCursor: expect.any(String),
    });
    const second = await productReviews(
      laterApples,
      stranger.token,
      `?limit=1&cursor=${encodeURIComponent(first.nextCursor)}`,
    );
    expect(second.items).toEqual([
      expect.objectContaining({ id: apples.id, rating: 5, text: '苹果很脆，下次还买' }),
    ]);
    expect(second.nextCursor).toBeNull();
    expect(JSON.stringify([first, second])).not.toContain(shopper.id);

    // Another product's group-buy has none of them.
    const other = await t
      .http()
      .post('/api/v1/admin/products')
      .set(as(w.admin))
      .send({ name: '农家土鸡蛋', skus: [{ name: '30 枚', priceFen: 3_000 }] })
      .expect(201);
    const eggs = await w.campaign(other.body.skus[0].id);
    expect(await productReviews(eggs, stranger.token)).toEqual({
      count: 0,
      byRating: [0, 0, 0, 0, 0],
      items: [],
      nextCursor: null,
    });
    await t
      .http()
      .get(`/api/v1/campaigns/${randomUUID()}/reviews`)
      .set(as(stranger.token))
      .expect(404);
    await t.http().get(`/api/v1/campaigns/${laterApples}/reviews`).expect(401);
  });

  it('lets operators hide a review from neighbours and show it again, audited', async () => {
    const [apples] = order.lines;
    const hidden = await moderate(apples.id, 'hide', { reason: '含有广告' }).expect(200);
    expect(hidden.body).toMatchObject({
      orderLineId: apples.id,
      hiddenAt: expect.any(String),
      hiddenReason: '含有广告',
    });
    expect((await moderate(apples.id, 'hide', { reason: '再藏一次' }).expect(200)).body).toEqual(
      hidden.body,
    );
    const withoutIt = await productReviews(apples.campaignId, shopper.token);
    expect(withoutIt).toMatchObject({ count: 1, byRating: [0, 0, 0, 1, 0] });
    expect(withoutIt.items.map((r: { id: string }) => r.id)).not.toContain(apples.id);
    // Operators still see it, marked; the points it earned stay.
    const forOperators = await w.get(w.admin, `/admin/campaigns/${apples.campaignId}/reviews`);
    expect(forOperators.items).toEqual([
      expect.objectContaining({ orderLineId: apples.id, hiddenReason: '含有广告' }),
    ]);
    expect(await available()).toBe(20);

    const shown = await moderate(apples.id, 'show').expect(200);
    expect(shown.body).toMatchObject({ hiddenAt: null, hiddenReason: null });
    await moderate(apples.id, 'show').expect(200);
    expect((await productReviews(apples.campaignId, shopper.token)).count).toBe(2);
    const audit = await t.dataSource.query(
      `SELECT action, details FROM audit_log WHERE target_type = 'review' AND target_id = $1
       ORDER BY created_at, id`,
      [apples.id],
    );
    expect(audit).toEqual([
      { action: 'review.hide', details: { reason: '含有广告' } },
      { action: 'review.show', details: {} },
    ]);

    await moderate(apples.id, 'hide', {}).expect(400);
    await moderate(apples.id, 'hide', { reason: ' ' }).expect(400);
    await moderate(randomUUID(), 'hide', { reason: '含有广告' }).expect(404);
    await moderate('nope', 'show').expect(400);
    await t
      .http()
      .post(`/api/v1/admin/reviews/${apples.id}/hide`)
      .set(as(shopper.token))
      .send({ reason: '含有广告' })
      .expect(403);
  });

  it('records the growth of the order and of its reviews once its after-sales window closes, once', async () => {
    w.clock.advance(8 * 24 * HOUR_MS);
    await w.runJob('complete-orders');
    const paid = order.lines.reduce((sum, line) => sum + line.payable, 0);
    // Both lines were reviewed: 2 growth each.
    const expected = Math.floor(paid / 100) + 2 * 2;
    expect((await w.get(shopper.token, '/me/member-card')).growth).toBe(expected);
    await w.runJob('complete-orders');
    expect((await w.get(shopper.token, '/me/member-card')).growth).toBe(expected);
  });

  it('is for the shopper, signed in', async () => {
    await t
      .http()
      .post(`/api/v1/me/orders/${order.id}/reviews`)
      .send({ orderLineId: order.lines[0].id, rating: 5, text: '好' })
      .expect(401);
  });
});
