import { DEMO_REVIEWED, seedDemoDelivery } from '../src/database/demo-delivery';
import { DEMO, seedDemo } from '../src/database/demo-seed';
import { startTestApp, TestApp } from './support/test-app';

describe('demo seed', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ DEMO_SEED: 'true' });
  });
  afterAll(() => t.close());

  it('can be applied again and again without duplicating anything', async () => {
    const count = async () =>
      (
        await t.dataSource.query(
          `SELECT (SELECT count(*) FROM members)::int AS members, (SELECT count(*) FROM pickup_points)::int AS points,
                  (SELECT count(*) FROM campaigns)::int AS campaigns, (SELECT count(*) FROM admin_users)::int AS admins,
                  (SELECT count(*) FROM member_coupons)::int AS coupons, (SELECT count(*) FROM rewards)::int AS rewards`,
        )
      )[0];
    const before = await count();
    expect(before).toEqual({
      members: 4,
      points: 2,
      campaigns: 5,
      admins: 1,
      coupons: 2,
      rewards: 2,
    });
    await seedDemo(t.dataSource, t.config);
    await seedDemo(t.dataSource, t.config);
    await seedDemoDelivery(t.app);
    expect(await count()).toEqual(before);
  });

  it('refuses to seed a production database, where its admin password is published', async () => {
    await t.dataSource.query(`DELETE FROM admin_users`);
    const production = { ...t.config, NODE_ENV: 'production' as const, ADMIN_PASSWORD: undefined };
    await expect(seedDemo(t.dataSource, production)).rejects.toThrow(
      'The demo data is not for production',
    );
    await t.http().post('/api/v1/admin/auth/login').send(DEMO.admin).expect(401);
    await seedDemo(t.dataSource, t.config);
  });

  it('lets alice buy at once from her pickup point', async () => {
    const login = await t
      .http()
      .post('/api/v1/auth/wechat-login')
      .send({ code: 'dev:alice' })
      .expect(200);
    const list = await t
      .http()
      .get('/api/v1/campaigns')
      .auth(login.body.accessToken, { type: 'bearer' })
      .expect(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({
        productName: '赣南脐橙',
        description: '果园直发，酸甜多汁',
        images: ['/demo-media/orange.svg'],
      }),
      expect.objectContaining({ productName: '散养土鸡蛋', images: ['/demo-media/eggs.svg'] }),
      expect.objectContaining({ productName: '有机菠菜', images: ['/demo-media/spinach.svg'] }),
    ]);
    const leader = await t
      .http()
      .post('/api/v1/auth/wechat-login')
      .send({ code: 'dev:leader' })
      .expect(200);
    const me = await t
      .http()
      .get('/api/v1/me')
      .auth(leader.body.accessToken, { type: 'bearer' })
      .expect(200);
    expect(me.body).toMatchObject({ nickname: '王团长', roles: ['shopper', 'leader'] });
  });

  it('shows what alice and bob said of the oranges they picked up on the oranges on sale', async () => {
    const login = await t
      .http()
      .post('/api/v1/auth/wechat-login')
      .send({ code: 'dev:carol' })
      .expect(200);
    const reviews = await t
      .http()
      .get(`/api/v1/campaigns/${DEMO.products[0].campaignId}/reviews`)
      .auth(login.body.accessToken, { type: 'bearer' })
      .expect(200);
    expect(reviews.body).toMatchObject({ count: 2, byRating: [0, 0, 0, 1, 1] });
    expect(reviews.body.items).toEqual(
      expect.arrayContaining(
        DEMO_REVIEWED.reviews.map((r) =>
          expect.objectContaining({
            reviewer: `${r.buyer[0]}**`,
            rating: r.rating,
            text: r.text,
            campaignTitle: DEMO_REVIEWED.title,
          }),
        ),
      ),
    );
  });

  it('has milk on its way to the leader, who receives it and hands alice hers', async () => {
    const login = async (name: string) =>
      (
        await t
          .http()
          .post('/api/v1/auth/wechat-login')
          .send({ code: `dev:${name}` })
          .expect(200)
      ).body.accessToken as string;
    const [leader, alice] = [await login('leader'), await login('alice')];
    const deliveries = await t
      .http()
      .get('/api/v1/leader/deliveries')
      .auth(leader, { type: 'bearer' })
      .expect(200);
    expect(deliveries.body).toEqual({
      items: [
        expect.objectContaining({
          title: '鲜牛奶 1L 团购',
          state: 'dispatched',
          quantity: 2,
          orders: 2,
        }),
        expect.objectContaining({ title: DEMO_REVIEWED.title, state: 'received' }),
      ],
      nextCursor: null,
    });
    await t
      .http()
      .post(`/api/v1/leader/deliveries/${deliveries.body.items[0].id}/receive`)
      .auth(leader, { type: 'bearer' })
      .expect(200);
    const orders = await t
      .http()
      .get('/api/v1/me/orders')
      .auth(alice, { type: 'bearer' })
      .expect(200);
    const milk = orders.body.items.find((o: { state: string }) => o.state === 'ready_for_pickup');
    const verified = await t
      .http()
      .post('/api/v1/leader/pickups/verify')
      .auth(leader, { type: 'bearer' })
      .set('Idempotency-Key', 'demo-verify-alice')
      .send({ code: milk.pickupCode })
      .expect(200);
    // What the leader hands over, with its picture to pick it out by.
    expect(verified.body.orders[0].lines).toEqual([
      { title: '鲜牛奶 1L 团购', image: '/demo-media/milk.svg', quantity: 1, refundedQuantity: 0 },
    ]);
    const after = await t
      .http()
      .get(`/api/v1/me/orders/${milk.id}`)
      .auth(alice, { type: 'bearer' })
      .expect(200);
    expect(after.body.state).toBe('picked_up');
  });

  it('says so when a first start was interrupted while writing the demo, instead of leaving it half there', async () => {
    // The oranges' story stopped before alice and bob reviewed them.
    await t.dataSource.query(
      `DELETE FROM reviews WHERE order_line_id IN (SELECT id FROM order_lines WHERE campaign_id = $1)`,
      [DEMO_REVIEWED.campaignId],
    );
    await expect(seedDemoDelivery(t.app)).rejects.toThrow(
      'The demo data was left half-written by an interrupted first start',
    );
  });
});
