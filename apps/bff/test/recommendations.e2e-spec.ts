import { ErrorCode } from '@linli/shared';
import { randomUUID } from 'node:crypto';
import { createPickupPoints, liveCampaign, shopperAt } from './support/group-buy-fixtures';
import { loginAdmin, loginMember, startTestApp, TestApp } from './support/test-app';

interface Item {
  reason: string;
  campaign: { id: string; title: string; secondsToCutOff: number };
}

describe('recommendations (GET /me/recommendations)', () => {
  let t: TestApp;
  let admin: string;
  let points: { east: string; west: string };
  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  /** A product of one SKU: the SKU's id. */
  const product = async (name: string) =>
    (
      await t
        .http()
        .post('/api/v1/admin/products')
        .set(as(admin))
        .send({ name, skus: [{ name: '一份', priceFen: 1_990 }] })
        .expect(201)
    ).body.skus[0].id as string;

  /** A group-buy of the SKU, published unless told otherwise: its id. */
  const groupBuy = async (
    skuId: string,
    title: string,
    overrides: Record<string, unknown> = {},
    { publish = true } = {},
  ) => {
    const created = await t
      .http()
      .post('/api/v1/admin/campaigns')
      .set(as(admin))
      .send(liveCampaign(skuId, { title, minBuyers: 1, ...overrides }))
      .expect(201);
    if (publish)
      await t
        .http()
        .post(`/api/v1/admin/campaigns/${created.body.id}/publish`)
        .set(as(admin))
        .expect(200);
    return created.body.id as string;
  };

  /** The group-buy cuts off: its orders stay paid, and it is no longer for sale. */
  const cutOff = (campaignId: string) =>
    t.dataSource.query(
      `UPDATE campaigns SET cuts_off_at = now() - interval '1 minute' WHERE id = $1`,
      [campaignId],
    );

  const shopper = async (name: string, pickupPointId = points.east) => {
    const login = await shopperAt(t, name, pickupPointId);
    return { id: login.member.id, token: login.accessToken };
  };

  const order = async (token: string, campaignId: string) =>
    (
      await t
        .http()
        .post('/api/v1/orders')
        .set(as(token))
        .set('Idempotency-Key', randomUUID())
        .send({ items: [{ campaignId, quantity: 1 }] })
        .expect(201)
    ).body.id as string;

  const buy = async (token: string, campaignId: string) => {
    const orderId = await order(token, campaignId);
    await t.http().post(`/api/v1/orders/${orderId}/pay`).set(as(token)).expect(200);
    return orderId;
  };

  const recommended = async (token: string, query = ''): Promise<Item[]> =>
    (await t.http().get(`/api/v1/me/recommendations${query}`).set(as(token)).expect(200)).body
      .items;
  /** Title and reason of each recommendation, best first. */
  const shown = async (token: string, query = '') =>
    (await recommended(token, query)).map((item) => [item.campaign.title, item.reason]);

  let alice: { id: string; token: string };
  let newcomer: { id: string; token: string };
  const live: Record<string, string> = {};
  const elsewhere: Record<string, string> = {};
  const neighbourBread: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
    points = await createPickupPoints(t);
    const sku = {
      milk: await product('鲜牛奶'),
      bread: await product('全麦面包'),
      rice: await product('东北大米'),
      apples: await product('红富士苹果'),
      eggs: await product('土鸡蛋'),
    };

    // What neighbours at the east gate bought in group-buys that have since cut off: alice
    // bought milk and rice; nina and noah milk and bread; four others apples.
    alice = await shopper('reco-alice');
    const [nina, noah] = [await shopper('reco-nina'), await shopper('reco-noah')];
    const fans = [];
    for (const name of ['reco-pia', 'reco-paul', 'reco-pat', 'reco-peg'])
      fans.push(await shopper(name));
    const earlier = {
      milk: await groupBuy(sku.milk, '上周的鲜牛奶'),
      bread: await groupBuy(sku.bread, '上周的全麦面包'),
      rice: await groupBuy(sku.rice, '上月的东北大米'),
      apples: await groupBuy(sku.apples, '上周的红富士苹果'),
      eggs: await groupBuy(sku.eggs, '上周的土鸡蛋'),
    };
    for (const neighbour of [alice, nina, noah]) await buy(neighbour.token, earlier.milk);
    for (const neighbour of [nina, noah])
      neighbourBread.push(await buy(neighbour.token, earlier.bread));
    await buy(alice.token, earlier.rice);
    for (const fan of fans) await buy(fan.token, earlier.apples);
    // Neighbours at the west gate bought eggs, many of them: nothing to the east gate.
    for (const name of ['reco-wes', 'reco-wyn', 'reco-wu', 'reco-wei', 'reco-wan'])
      await buy((await shopper(name, points.west)).token, earlier.eggs);
    for (const id of Object.values(earlier)) await cutOff(id);
    elsewhere.cutOff = earlier.bread;

    // On sale now at both gates.
    live.bread = await groupBuy(sku.bread, '全麦面包 今日团');
    live.milk = await groupBuy(sku.milk, '鲜牛奶 今日团');
    live.rice = await groupBuy(sku.rice, '东北大米 今日团');
    live.apples = await groupBuy(sku.apples, '红富士苹果 今日团');
    live.eggs = await groupBuy(sku.eggs, '土鸡蛋 今日团');
    // Bread that is not for sale at the east gate now, though neighbours bought bread.
    elsewhere.west = await groupBuy(sku.bread, '全麦面包 西门专享', {
      pickupPointIds: [points.west],
    });
    elsewhere.later = await groupBuy(sku.bread, '全麦面包 明日团', {
      startsAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    elsewhere.draft = await groupBuy(sku.bread, '全麦面包 草稿', {}, { publish: false });
    await buy((await shopper('reco-wen', points.west)).token, elsewhere.west);

    newcomer = await shopper('reco-newcomer');
  });
  afterAll(() => t.close());

  it('puts what neighbours who bought what alice bought also bought first, then her own staples, then what is popular', async () => {
    expect(await shown(alice.token)).toEqual([
      // nina and noah bought milk, as alice did, and bread.
      ['全麦面包 今日团', 'neighbours_also_bought'],
      ['鲜牛奶 今日团', 'bought_before'],
      ['东北大米 今日团', 'bought_before'],
      // Four neighbours bought apples, more than bread: popularity alone comes last.
      ['红富士苹果 今日团', 'popular'],
    ]);
  });

  it('gives a newcomer what neighbours at their pickup point buy most, and nothing nobody bought', async () => {
    expect(await shown(newcomer.token)).toEqual([
      ['红富士苹果 今日团', 'popular'],
      ['鲜牛奶 今日团', 'popular'],
      ['全麦面包 今日团', 'popular'],
      ['东北大米 今日团', 'popular'],
    ]);
  });

  it('never offers a group-buy sold out, however many bought it', async () => {
    await t.dataSource.query(`UPDATE campaigns SET stock_left = 0 WHERE id = $1`, [live.apples]);
    try {
      const titles = (await shown(newcomer.token)).map(([title]) => title);
      expect(titles).toEqual(['鲜牛奶 今日团', '全麦面包 今日团', '东北大米 今日团']);
    } finally {
      await t.dataSource.query(`UPDATE campaigns SET stock_left = stock_total WHERE id = $1`, [
        live.apples,
      ]);
    }
  });

  it('does not count a line refunded whole as bought, by the member or by neighbours', async () => {
    // The apples the four fans bought, and the rice alice bought, all refunded after pickup.
    const refundWhole = (title: string, quantity: 'quantity' | '0') =>
      t.dataSource.query(
        `UPDATE order_lines l SET refunded_quantity = ${quantity}
         FROM campaigns c WHERE c.id = l.campaign_id AND c.title = $1`,
        [title],
      );
    await refundWhole('上周的红富士苹果', 'quantity');
    await refundWhole('上月的东北大米', 'quantity');
    try {
      expect(await shown(alice.token)).toEqual([
        ['全麦面包 今日团', 'neighbours_also_bought'],
        ['鲜牛奶 今日团', 'bought_before'],
      ]);
      expect((await shown(newcomer.token)).map(([title]) => title)).not.toContain(
        '红富士苹果 今日团',
      );
    } finally {
      await refundWhole('上周的红富士苹果', '0');
      await refundWhole('上月的东北大米', '0');
    }
  });

  it('shows each group-buy exactly as GET /campaigns shows it to the member', async () => {
    const items = await recommended(alice.token);
    const list = await t.http().get('/api/v1/campaigns?limit=100').set(as(alice.token)).expect(200);
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      const { secondsToCutOff, ...view } = item.campaign;
      const { secondsToCutOff: listedSeconds, ...listed } = list.body.items.find(
        (c: { id: string }) => c.id === view.id,
      );
      expect(view).toEqual(listed);
      // The countdown is counted at each answer, which may be a second apart.
      expect(Math.abs(secondsToCutOff - listedSeconds)).toBeLessThanOrEqual(1);
    }
  });

  it('never offers a group-buy at another pickup point, not started, cut off or unpublished', async () => {
    const notForSale = Object.values(elsewhere);
    for (const token of [alice.token, newcomer.token]) {
      const ids = (await recommended(token, '?limit=20')).map((item) => item.campaign.id);
      expect(ids.filter((id) => notForSale.includes(id))).toEqual([]);
    }
    // At the west gate, where it is on sale and bought, a neighbour is offered it (and the bread
    // on sale everywhere after it, bought there as well); the eggs bought there make eggs
    // popular there.
    const westerner = await shopper('reco-wendy', points.west);
    expect((await recommended(westerner.token)).map((item) => item.campaign.id)).toEqual([
      live.eggs,
      elsewhere.west,
      live.bread,
    ]);
  });

  it('leaves out a group-buy the member has an order in, until that order is cancelled', async () => {
    const orderId = await order(alice.token, live.bread);
    const titles = async () => (await shown(alice.token)).map(([title]) => title);
    expect(await titles()).toEqual(['鲜牛奶 今日团', '东北大米 今日团', '红富士苹果 今日团']);
    await t
      .http()
      .post(`/api/v1/orders/${orderId}/cancel`)
      .set(as(alice.token))
      .set('Idempotency-Key', randomUUID())
      .expect(200);
    expect((await titles())[0]).toBe('全麦面包 今日团');
  });

  it('counts neighbours’ paid orders of the last 60 days only', async () => {
    // Eggs ordered at the east gate but never paid for, or paid for and cancelled.
    const [unpaid, cancelling] = [await shopper('reco-ulf'), await shopper('reco-cai')];
    await order(unpaid.token, live.eggs);
    const cancelled = await buy(cancelling.token, live.eggs);
    await t
      .http()
      .post(`/api/v1/orders/${cancelled}/cancel`)
      .set(as(cancelling.token))
      .set('Idempotency-Key', randomUUID())
      .expect(200);
    expect((await shown(newcomer.token)).map(([title]) => title)).not.toContain('土鸡蛋 今日团');

    const move = (interval: string) =>
      t.dataSource.query(
        `UPDATE orders SET paid_at = paid_at - $2::interval WHERE id = ANY($1::uuid[])`,
        [neighbourBread, interval],
      );
    await move('61 days');
    try {
      const reasons = Object.fromEntries(await shown(alice.token));
      expect(reasons['全麦面包 今日团']).toBeUndefined();
    } finally {
      await move('-61 days');
    }
    expect((await shown(alice.token))[0]).toEqual(['全麦面包 今日团', 'neighbours_also_bought']);
  });

  it('gives as many as asked, 10 unless told, and refuses a limit outside 1-20', async () => {
    expect((await shown(alice.token, '?limit=2')).map(([title]) => title)).toEqual([
      '全麦面包 今日团',
      '鲜牛奶 今日团',
    ]);
    for (const query of ['?limit=0', '?limit=101', '?limit=abc', '?limit=1.5', '?cursor=x']) {
      const res = await t
        .http()
        .get(`/api/v1/me/recommendations${query}`)
        .set(as(alice.token))
        .expect(400);
      expect(res.body.error.code).toBe(ErrorCode.ValidationFailed);
    }
    // A dozen more group-buys a neighbour bought into: popular, and more than a page.
    const sku = await product('时令蔬菜');
    const buyer = await shopper('reco-busy');
    for (let i = 1; i <= 12; i++) await buy(buyer.token, await groupBuy(sku, `时令蔬菜 第${i}团`));
    expect(await recommended(alice.token)).toHaveLength(10);
    expect(await recommended(alice.token, '?limit=20')).toHaveLength(16);
  });

  it('asks a member without a pickup point to choose one, and is for shoppers only', async () => {
    const drifter = await loginMember(t, 'reco-drifter');
    const res = await t
      .http()
      .get('/api/v1/me/recommendations')
      .set(as(drifter.accessToken))
      .expect(409);
    expect(res.body.error.code).toBe(ErrorCode.PickupPointRequired);
    const anonymous = await t.http().get('/api/v1/me/recommendations').expect(401);
    expect(anonymous.body.error.code).toBe(ErrorCode.AuthRequired);
    const operator = await t.http().get('/api/v1/me/recommendations').set(as(admin)).expect(403);
    expect(operator.body.error.code).toBe(ErrorCode.Forbidden);
  });
});
