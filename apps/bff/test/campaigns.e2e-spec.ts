import { businessDay } from '@linli/domain';
import { ErrorCode } from '@linli/shared';
import { randomUUID } from 'node:crypto';
import { Clock } from '../src/common/clock';
import { createPickupPoints, liveCampaign } from './support/group-buy-fixtures';
import { loginAdmin, loginMember, startTestApp, TestApp } from './support/test-app';

describe('catalogue and campaigns', () => {
  let t: TestApp;
  let admin: string;
  let skuId: string;
  let points: { east: string; west: string };
  let shopper: string;
  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
    points = await createPickupPoints(t);
    const product = await t
      .http()
      .post('/api/v1/admin/products')
      .set(as(admin))
      .send({
        name: '赣南脐橙',
        description: '现摘现发',
        images: ['https://img.example/orange.jpg'],
        skus: [{ name: '5斤装', priceFen: 3_990 }],
      })
      .expect(201);
    expect(product.body).toMatchObject({
      name: '赣南脐橙',
      skus: [{ name: '5斤装', priceFen: 3_990 }],
    });
    skuId = product.body.skus[0].id;
    shopper = (await loginMember(t, 'campaign-shopper')).accessToken;
    await t
      .http()
      .put('/api/v1/me/pickup-point')
      .set(as(shopper))
      .send({ pickupPointId: points.east })
      .expect(200);
  });
  afterAll(() => t.close());

  const create = (body: object) =>
    t.http().post('/api/v1/admin/campaigns').set(as(admin)).send(body);
  const publish = (id: string) =>
    t.http().post(`/api/v1/admin/campaigns/${id}/publish`).set(as(admin));
  /** The ids of the live campaigns a shopper is offered. */
  const listed = async (token: string) =>
    (await t.http().get('/api/v1/campaigns?limit=100').set(as(token)).expect(200)).body.items.map(
      (c: { id: string }) => c.id,
    );
  /** A campaign as a shopper sees it. */
  const shopperView = (id: string, token = shopper) =>
    t.http().get(`/api/v1/campaigns/${id}`).set(as(token));
  const placeOrder = (token: string, campaignId: string, quantity = 1) =>
    t
      .http()
      .post('/api/v1/orders')
      .set(as(token))
      .set('Idempotency-Key', randomUUID())
      .send({ items: [{ campaignId, quantity }] });

  it('creates a draft, publishes it, and shows it live with the caller’s price', async () => {
    const draft = await create(
      liveCampaign(skuId, { tierPrices: { gold: 2_500, diamond: 2_400 } }),
    ).expect(201);
    expect(draft.body).toMatchObject({
      state: 'draft',
      stockLeft: 100,
      listPriceFen: 3_990,
      commissionBps: 1_000,
    });
    const listBefore = await t.http().get('/api/v1/campaigns').set(as(shopper)).expect(200);
    expect(listBefore.body.items.map((c: { id: string }) => c.id)).not.toContain(draft.body.id);

    const live = await publish(draft.body.id).expect(200);
    expect(live.body.state).toBe('live');
    const list = await t.http().get('/api/v1/campaigns').set(as(shopper)).expect(200);
    const mine = list.body.items.find((c: { id: string }) => c.id === draft.body.id);
    expect(mine).toMatchObject({
      yourPriceFen: 2_990,
      sold: 0,
      stockLeft: 100,
      productName: '赣南脐橙',
    });
    expect(mine.secondsToCutOff).toBeGreaterThan(23 * 3600);

    const detail = await shopperView(draft.body.id).expect(200);
    expect(detail.body).toMatchObject({
      id: draft.body.id,
      description: '现摘现发',
      images: ['https://img.example/orange.jpg'],
    });
    await publish(draft.body.id).expect(409);
  });

  it('gives a tier its campaign price, or its tier discount', async () => {
    const gold = await loginMember(t, 'campaign-gold');
    await t.dataSource.query(`UPDATE members SET tier = 'gold' WHERE id = $1`, [gold.member.id]);
    await t
      .http()
      .put('/api/v1/me/pickup-point')
      .set(as(gold.accessToken))
      .send({ pickupPointId: points.east })
      .expect(200);
    const priced = (
      await create(liveCampaign(skuId, { tierPrices: { gold: 2_500, diamond: 2_400 } })).expect(201)
    ).body;
    const discounted = (await create(liveCampaign(skuId)).expect(201)).body;
    const excluded = (await create(liveCampaign(skuId, { tierDiscountApplies: false })).expect(201))
      .body;
    for (const c of [priced, discounted, excluded]) await publish(c.id).expect(200);
    const { body } = await t.http().get('/api/v1/campaigns').set(as(gold.accessToken)).expect(200);
    const price = (id: string) => body.items.find((c: { id: string }) => c.id === id).yourPriceFen;
    expect(price(priced.id)).toBe(2_500);
    expect(price(discounted.id)).toBe(2_841); // 2990 x 95%, half up
    expect(price(excluded.id)).toBe(2_990);
  });

  it('offers a campaign only at its pickup points, to its tiers, between its start and cut-off', async () => {
    const west = (await create(liveCampaign(skuId, { pickupPointIds: [points.west] })).expect(201))
      .body;
    const diamond = (await create(liveCampaign(skuId, { tiers: ['diamond'] })).expect(201)).body;
    const later = (
      await create(
        liveCampaign(skuId, {
          startsAt: new Date(Date.now() + 3_600_000).toISOString(),
          cutsOffAt: new Date(Date.now() + 7_200_000).toISOString(),
        }),
      ).expect(201)
    ).body;
    for (const c of [west, diamond, later]) await publish(c.id).expect(200);
    const ids = (
      await t.http().get('/api/v1/campaigns').set(as(shopper)).expect(200)
    ).body.items.map((c: { id: string }) => c.id);
    expect(ids).not.toContain(west.id);
    expect(ids).not.toContain(diamond.id);
    expect(ids).not.toContain(later.id);
    await shopperView(west.id).expect(404);
    expect((await shopperView(later.id).expect(200)).body.state).toBe('scheduled');
  });

  it('offers a member-exclusive campaign to the tiers whose benefits include it under the rules in force', async () => {
    const silver = await loginMember(t, 'campaign-silver');
    await t.dataSource.query(`UPDATE members SET tier = 'silver' WHERE id = $1`, [
      silver.member.id,
    ]);
    const gold = await loginMember(t, 'campaign-gold-exclusive');
    await t.dataSource.query(`UPDATE members SET tier = 'gold' WHERE id = $1`, [gold.member.id]);
    for (const member of [silver, gold])
      await t
        .http()
        .put('/api/v1/me/pickup-point')
        .set(as(member.accessToken))
        .send({ pickupPointId: points.east })
        .expect(200);
    const exclusive = (await create(liveCampaign(skuId, { exclusive: true })).expect(201)).body;
    expect(exclusive.exclusive).toBe(true);
    await publish(exclusive.id).expect(200);
    const order = (token: string) => placeOrder(token, exclusive.id);

    // By default Gold and Diamond have the benefit; Silver and Regular do not.
    expect(await listed(gold.accessToken)).toContain(exclusive.id);
    const seen = await shopperView(exclusive.id, gold.accessToken).expect(200);
    expect(seen.body.exclusive).toBe(true);
    await order(gold.accessToken).expect(201);
    for (const token of [silver.accessToken, shopper]) {
      expect(await listed(token)).not.toContain(exclusive.id);
      await shopperView(exclusive.id, token).expect(404);
      await order(token).expect(404);
      await t
        .http()
        .post('/api/v1/orders/quote')
        .set(as(token))
        .send({ items: [{ campaignId: exclusive.id, quantity: 1 }] })
        .expect(404);
    }

    // Rules that give Silver the benefit open the campaign to Silver members once published.
    const draft = (
      await t.http().post('/api/v1/admin/tier-rules').set(as(admin)).send({}).expect(201)
    ).body as { version: number; tiers: { code: string; exclusiveCampaigns: boolean }[] };
    const tiers = draft.tiers.map((tier) =>
      tier.code === 'silver' ? { ...tier, exclusiveCampaigns: true } : tier,
    );
    await t
      .http()
      .put(`/api/v1/admin/tier-rules/${draft.version}`)
      .set(as(admin))
      .send({ tiers })
      .expect(200);
    expect(await listed(silver.accessToken)).not.toContain(exclusive.id);
    await t
      .http()
      .post(`/api/v1/admin/tier-rules/${draft.version}/publish`)
      .set(as(admin))
      .expect(200);
    expect(await listed(silver.accessToken)).toContain(exclusive.id);
    await order(silver.accessToken).expect(201);
    expect(await listed(shopper)).not.toContain(exclusive.id);
  });

  it('checks a draft’s tier prices again when it is published, under the tier rules then in force', async () => {
    const draft = (
      await create(liveCampaign(skuId, { tierPrices: { gold: 2_500, diamond: 2_400 } })).expect(201)
    ).body;
    // New rules meanwhile: 20% off for every tier above regular, so silver pays 2392 by its
    // discount, less than gold's own price.
    const publishTiers = async (change: (tier: { code: string }) => object) => {
      const draftRules = await t
        .http()
        .post('/api/v1/admin/tier-rules')
        .set(as(admin))
        .send({})
        .expect(201);
      const { version, tiers } = draftRules.body;
      await t
        .http()
        .put(`/api/v1/admin/tier-rules/${version}`)
        .set(as(admin))
        .send({ tiers: tiers.map(change) })
        .expect(200);
      await t.http().post(`/api/v1/admin/tier-rules/${version}/publish`).set(as(admin)).expect(200);
      return tiers as { code: string }[];
    };
    const before = await publishTiers((tier) =>
      tier.code === 'regular' ? tier : { ...tier, discountBps: 8_000 },
    );
    try {
      const refused = await publish(draft.id).expect(422);
      expect(refused.body.error.details.problems).toEqual([
        'the gold price, 2500 fen, is above the silver price, 2392 fen',
      ]);
    } finally {
      await publishTiers((tier) => before.find((was) => was.code === tier.code) as object);
    }
    await publish(draft.id).expect(200);
  });

  /**
   * The BFF's clock moved, when need be, to a day a member day can be (the 2nd to the 28th:
   * yesterday is of the same month), and a member-day campaign's times around it: from two days
   * before to a day after.
   */
  const onAMemberDay = () => {
    const clock = t.app.get(Clock);
    const DAY = 24 * 3_600_000;
    const today = Number(businessDay(clock.now()).slice(8, 10));
    const moved = today > 28 ? (33 - today) * DAY : today === 1 ? DAY : 0;
    clock.advance(moved);
    const now = clock.now().getTime();
    return {
      day: Number(businessDay(clock.now()).slice(8, 10)),
      times: {
        memberDayOnly: true,
        startsAt: new Date(now - 2 * DAY).toISOString(),
        cutsOffAt: new Date(now + DAY).toISOString(),
        pickupDate: businessDay(new Date(now + 2 * DAY)),
      },
      restore: () => clock.advance(-moved),
    };
  };

  it('keeps the member day of member-day campaigns on sale, and checks a draft again when it is published', async () => {
    const [{ member_day: before }] = await t.dataSource.query(
      `SELECT member_day FROM points_policy`,
    );
    const { day: dayToday, times, restore } = onAMemberDay();
    const savePolicy = async (memberDay: number | null) => {
      const { body } = await t.http().get('/api/v1/admin/points-policy').set(as(admin)).expect(200);
      const { version, updatedAt, ...policy } = body;
      void version;
      void updatedAt;
      return t
        .http()
        .put('/api/v1/admin/points-policy')
        .set(as(admin))
        .send({ ...policy, memberDay });
    };
    try {
      await t.dataSource.query(`UPDATE points_policy SET member_day = $1`, [dayToday]);
      const draft = (
        await create(liveCampaign(skuId, { ...times, title: '会员日草稿' })).expect(201)
      ).body;
      const onSale = (
        await create(liveCampaign(skuId, { ...times, title: '会员日在售' })).expect(201)
      ).body;
      await publish(onSale.id).expect(200);
      const otherDay = ((dayToday + 14) % 28) + 1;
      // Yesterday is between its start and cut-off, but will not come again.
      for (const memberDay of [otherDay, dayToday - 1, null]) {
        const refused = await savePolicy(memberDay);
        expect(refused.status).toBe(409);
        expect(refused.body.error).toMatchObject({
          code: ErrorCode.CampaignInvalid,
          details: { campaigns: [{ id: onSale.id, title: '会员日在售' }] },
        });
      }
      await t
        .http()
        .post(`/api/v1/admin/campaigns/${onSale.id}/withdraw`)
        .set(as(admin))
        .expect(200);
      expect((await savePolicy(otherDay)).status).toBe(200);
      const unpublished = await publish(draft.id).expect(422);
      expect(unpublished.body.error.details.problems).toEqual([
        `no member day (the ${otherDay}th) is still to come before the cut-off`,
      ]);
      expect(
        (await t.http().get(`/api/v1/admin/campaigns/${draft.id}`).set(as(admin))).body.state,
      ).toBe('draft');
    } finally {
      await t.dataSource.query(`UPDATE points_policy SET member_day = $1`, [before]);
      restore();
    }
  });

  it('offers a member-day campaign on the member day only, and never while no member day is set', async () => {
    const setMemberDay = (day: number | null) =>
      t.dataSource.query(`UPDATE points_policy SET member_day = $1`, [day]);
    const [{ member_day: before }] = await t.dataSource.query(
      `SELECT member_day FROM points_policy`,
    );
    const { day: dayToday, times, restore } = onAMemberDay();
    // Refused while no member day is set, or when none is still to come before its cut-off.
    await setMemberDay(null);
    const refused = await create(liveCampaign(skuId, times)).expect(422);
    expect(refused.body.error.details.problems).toEqual([
      'a member-day campaign needs a member day in the points policy',
    ]);
    await setMemberDay(((dayToday + 14) % 28) + 1);
    await create(liveCampaign(skuId, times)).expect(422);
    await setMemberDay(dayToday - 1);
    await create(liveCampaign(skuId, times)).expect(422);
    await setMemberDay(dayToday);
    const memberDay = (
      await create(liveCampaign(skuId, { ...times, title: '会员日秒杀' })).expect(201)
    ).body;
    expect(memberDay.memberDayOnly).toBe(true);
    await publish(memberDay.id).expect(200);
    const quote = () =>
      t
        .http()
        .post('/api/v1/orders/quote')
        .set(as(shopper))
        .send({ items: [{ campaignId: memberDay.id, quantity: 1 }] });
    try {
      for (const day of [null, ((dayToday + 14) % 28) + 1]) {
        await setMemberDay(day);
        expect(await listed(shopper)).not.toContain(memberDay.id);
        await shopperView(memberDay.id).expect(404);
        await quote().expect(404);
        await placeOrder(shopper, memberDay.id).expect(404);
      }
      await setMemberDay(dayToday);
      expect(await listed(shopper)).toContain(memberDay.id);
      expect((await shopperView(memberDay.id).expect(200)).body.memberDayOnly).toBe(true);
      await quote().expect(200);
      await placeOrder(shopper, memberDay.id).expect(201);
    } finally {
      await setMemberDay(before);
      restore();
    }
  });

  it('lists live campaigns a page at a time, those cutting off soonest first', async () => {
    const day = 24 * 3_600_000;
    const late = [];
    // Cutting off after every other campaign here, the last one first in time of creation.
    for (const days of [32, 30, 31]) {
      const cutsOffAt = new Date(Date.now() + days * day).toISOString();
      const pickupDate = new Date(Date.now() + (days + 2) * day).toISOString().slice(0, 10);
      const c = (await create(liveCampaign(skuId, { cutsOffAt, pickupDate })).expect(201)).body;
      await publish(c.id).expect(200);
      late.push(c.id);
    }
    const whole = await t.http().get('/api/v1/campaigns?limit=100').set(as(shopper)).expect(200);
    expect(whole.body.nextCursor).toBeNull();
    const all = whole.body.items.map((c: { id: string }) => c.id);
    expect(all.slice(-3)).toEqual([late[1], late[2], late[0]]);

    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `limit=2&cursor=${cursor}` : 'limit=2';
      const page = await t.http().get(`/api/v1/campaigns?${query}`).set(as(shopper)).expect(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      walked.push(...page.body.items.map((c: { id: string }) => c.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(walked).toEqual(all);

    const bad = await t
      .http()
      .get('/api/v1/campaigns?cursor=nonsense')
      .set(as(shopper))
      .expect(400);
    expect(bad.body.error.code).toBe(ErrorCode.ValidationFailed);
    await t.http().get('/api/v1/campaigns?limit=0').set(as(shopper)).expect(400);
  });

  it('asks a member without a pickup point to choose one', async () => {
    const newcomer = await loginMember(t, 'campaign-newcomer');
    const res = await t.http().get('/api/v1/campaigns').set(as(newcomer.accessToken)).expect(409);
    expect(res.body.error.code).toBe(ErrorCode.PickupPointRequired);
  });

  it.each([
    [
      'a cut-off before the start',
      {
        startsAt: new Date(Date.now() + 7_200_000).toISOString(),
        cutsOffAt: new Date(Date.now() + 3_600_000).toISOString(),
      },
      'the cut-off must come after the start',
    ],
    [
      'a tier price above the group price',
      { tierPrices: { silver: 3_000 } },
      'the silver price is above the group price',
    ],
    [
      // Gold pays the group price less 5%, 2841 fen: more than silver's own price.
      'a lower tier’s own price below what a higher tier pays',
      { tierPrices: { silver: 2_500 } },
      'the gold price, 2841 fen, is above the silver price, 2500 fen',
    ],
    [
      'a higher tier’s own price above a lower tier’s',
      { tierPrices: { silver: 2_500, gold: 2_400, diamond: 2_450 } },
      'the diamond price, 2450 fen, is above the gold price, 2400 fen',
    ],
    [
      'a pickup before the cut-off',
      { pickupDate: '2020-01-01' },
      'pickup cannot be before the cut-off day',
    ],
    [
      'more buyers to form than units',
      { stock: 5, perMemberLimit: 1, minBuyers: 10 },
      'more buyers are needed to form than there are units',
    ],
  ])('refuses %s', async (_, change, problem) => {
    const res = await create(liveCampaign(skuId, change)).expect(422);
    expect(res.body.error).toMatchObject({
      code: ErrorCode.CampaignInvalid,
      details: { problems: [problem] },
    });
  });

  it.each([
    [{ groupPriceFen: 19.9 }],
    [{ stock: 0 }],
    [{ tiers: ['vip'] }],
    [{ exclusive: 'yes' }],
    [{ startsAt: 'tomorrow' }],
    [{ title: '   ' }],
    [{ stockLeft: 5 }],
    // ISO 8601's basic forms, which compare wrongly as text or which JavaScript cannot read.
    [{ pickupDate: '20200101' }],
    [{ pickupDate: '2027-12' }],
    // Year 0, which PostgreSQL does not have.
    [{ pickupDate: '0000-12-01' }],
    [{ startsAt: '0000-12-20T12:00:00Z' }],
    // An offset beyond what PostgreSQL takes.
    [{ startsAt: '2027-01-10T08:00:00+16:00' }],
    [{ cutsOffAt: '20271220T040000Z' }],
    // A time of day with no offset: which instant it names depends on the server's time zone.
    [{ cutsOffAt: '2027-12-20T12:00:00' }],
    [{ startsAt: '2027-12-20T12:00' }],
    // A single value, or none, where a list is asked for.
    [{ tiers: 'gold' }],
    [{ tiers: [] }],
    [{ tiers: ['gold', 'gold'] }],
    [{ pickupPointIds: randomUUID() }],
    [{ pickupPointIds: [] }],
  ])('refuses a malformed campaign %j', async (change) => {
    expect((await create(liveCampaign(skuId, change)).expect(400)).body.error.code).toBe(
      ErrorCode.ValidationFailed,
    );
  });

  it('creates a product, a SKU, a campaign and a tier rules draft once for an Idempotency-Key sent again', async () => {
    const twice = async (path: string, body: object, other: object) => {
      const key = randomUUID();
      const send = (sent: object) =>
        t
          .http()
          .post(`/api/v1/admin/${path}`)
          .set(as(admin))
          .set('Idempotency-Key', key)
          .send(sent);
      const first = await send(body).expect(201);
      const replay = await send(body).expect(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toEqual(first.body);
      expect((await send(other).expect(422)).body.error.code).toBe(ErrorCode.IdempotencyKeyReused);
      return first.body;
    };
    const product = await twice(
      'products',
      { name: '临安山核桃', skus: [{ name: '500g', priceFen: 6_800 }] },
      { name: '临安山核桃', skus: [{ name: '250g', priceFen: 3_600 }] },
    );
    await twice(
      `products/${product.id}/skus`,
      { name: '1kg', priceFen: 12_800 },
      { name: '1kg', priceFen: 12_900 },
    );
    const campaign = liveCampaign(product.skus[0].id);
    await twice('campaigns', campaign, { ...campaign, stock: 7 });
    await twice('tier-rules', {}, { tiers: [] });
    const [counts] = await t.dataSource.query(
      `SELECT (SELECT count(*) FROM skus WHERE product_id = $1)::int AS skus,
              (SELECT count(*) FROM campaigns WHERE sku_id = $2)::int AS campaigns,
              (SELECT count(*) FROM products WHERE name = '临安山核桃')::int AS products`,
      [product.id, product.skus[0].id],
    );
    expect(counts).toEqual({ skus: 2, campaigns: 1, products: 1 });
  });

  it('answers 404 for an unknown SKU, pickup point or campaign and keeps shoppers out of the admin routes', async () => {
    await create(liveCampaign(randomUUID())).expect(404);
    // A campaign offered at a pickup point that does not exist would be offered nowhere.
    const unknownPoint = randomUUID();
    const nowhere = await create(
      liveCampaign(skuId, { pickupPointIds: [points.east, unknownPoint] }),
    ).expect(404);
    expect(nowhere.body.error).toMatchObject({
      code: ErrorCode.NotFound,
      details: { pickupPointIds: [unknownPoint] },
    });
    await publish(randomUUID()).expect(404);
    await t
      .http()
      .post('/api/v1/admin/campaigns')
      .set(as(shopper))
      .send(liveCampaign(skuId))
      .expect(403);
    await t
      .http()
      .post('/api/v1/admin/products')
      .set(as(shopper))
      .send({ name: 'x', skus: [{ name: 'y', priceFen: 1 }] })
      .expect(403);
  });

  describe('stock changes', () => {
    const changeStock = (id: string, body: object, key: string | null = randomUUID()) => {
      const req = t.http().post(`/api/v1/admin/campaigns/${id}/stock`).set(as(admin));
      if (key) req.set('Idempotency-Key', key);
      return req.send(body);
    };

    it('adds units to an open campaign and takes unsold ones out, once per key, in the audit log', async () => {
      const draft = await create(liveCampaign(skuId, { stock: 10 })).expect(201);
      const id = draft.body.id as string;
      await publish(id).expect(200);
      const key = randomUUID();
      const added = await changeStock(id, { change: 5, reason: '供应商追加到货' }, key).expect(200);
      expect(added.body).toMatchObject({ stockTotal: 15, stockLeft: 15, state: 'live' });
      const replay = await changeStock(id, { change: 5, reason: '供应商追加到货' }, key).expect(
        200,
      );
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toEqual(added.body);
      await changeStock(id, { change: 6, reason: '供应商追加到货' }, key).expect(422);

      const placed = await placeOrder(shopper, id, 3).expect(201);
      await t.http().post(`/api/v1/orders/${placed.body.id}/pay`).set(as(shopper)).expect(200);
      const shown = await shopperView(id).expect(200);
      expect(shown.body).toMatchObject({ stockTotal: 15, stockLeft: 12 });

      const takenOut = await changeStock(id, { change: -12, reason: '临时下架' }).expect(200);
      expect(takenOut.body).toMatchObject({ stockTotal: 3, stockLeft: 0, sold: 3, buyers: 1 });
      const tooMany = await changeStock(id, { change: -1, reason: '临时下架' }).expect(409);
      expect(tooMany.body.error).toMatchObject({
        code: ErrorCode.OutOfStock,
        details: { campaignId: id, stockLeft: 0 },
      });

      const log = await t
        .http()
        .get('/api/v1/admin/audit-log')
        .query({ targetId: id })
        .set(as(admin))
        .expect(200);
      expect(
        log.body.items
          .filter((e: { action: string }) => e.action === 'campaign.stock')
          .map((e: { details: object }) => e.details),
      ).toEqual([
        { change: -12, reason: '临时下架' },
        { change: 5, reason: '供应商追加到货' },
      ]);
    });

    it('keeps a campaign at one unit at least, and leaves campaigns that are closed as they are', async () => {
      const draft = await create(
        liveCampaign(skuId, { stock: 5, perMemberLimit: 1, minBuyers: 1 }),
      ).expect(201);
      const emptied = await changeStock(draft.body.id, { change: -5, reason: '不卖了' }).expect(
        422,
      );
      expect(emptied.body.error.code).toBe(ErrorCode.CampaignInvalid);
      expect(
        (await changeStock(draft.body.id, { change: -4, reason: '少进点货' }).expect(200)).body,
      ).toMatchObject({ state: 'draft', stockTotal: 1, stockLeft: 1 });

      const over = await create(liveCampaign(skuId)).expect(201);
      await publish(over.body.id).expect(200);
      await t.dataSource.query(
        `UPDATE campaigns SET cuts_off_at = now() - interval '1 minute' WHERE id = $1`,
        [over.body.id],
      );
      const late = await changeStock(over.body.id, { change: 5, reason: '补货' }).expect(409);
      expect(late.body.error).toMatchObject({
        code: ErrorCode.CampaignNotOpen,
        details: { state: 'cut_off' },
      });
      // A draft whose cut-off has passed can no longer open either: adding units is not open.
      const stale = await create(liveCampaign(skuId)).expect(201);
      await t.dataSource.query(
        `UPDATE campaigns SET cuts_off_at = now() - interval '1 minute' WHERE id = $1`,
        [stale.body.id],
      );
      const notOpen = await changeStock(stale.body.id, { change: 5, reason: '补货' }).expect(409);
      expect(notOpen.body.error.code).toBe(ErrorCode.CampaignNotOpen);
    });

    it('keeps the stock to what a campaign may be created with: enough for its buyers to form, a million at most', async () => {
      const draft = await create(
        liveCampaign(skuId, { stock: 100, minBuyers: 20, perMemberLimit: 5 }),
      ).expect(201);
      await publish(draft.body.id).expect(200);
      const tooFew = await changeStock(draft.body.id, { change: -85, reason: '临时下架' }).expect(
        422,
      );
      expect(tooFew.body.error).toMatchObject({
        code: ErrorCode.CampaignInvalid,
        details: { problems: ['more buyers are needed to form than there are units'] },
      });
      expect(
        (await changeStock(draft.body.id, { change: -80, reason: '临时下架' }).expect(200)).body,
      ).toMatchObject({ stockTotal: 20, stockLeft: 20 });
      await changeStock(draft.body.id, { change: 999_980, reason: '补货' }).expect(200);
      const tooMany = await changeStock(draft.body.id, { change: 1, reason: '补货' }).expect(422);
      expect(tooMany.body.error.details).toEqual({
        problems: ['a campaign holds at most 1000000 units'],
      });
    });

    it('refuses bad changes, unknown campaigns and shoppers', async () => {
      const draft = await create(liveCampaign(skuId)).expect(201);
      for (const body of [
        { change: 0, reason: '补货' },
        { change: 1.5, reason: '补货' },
        { change: 2_000_000, reason: '补货' },
        { change: 5, reason: '   ' },
        { change: 5 },
      ]) {
        expect((await changeStock(draft.body.id, body).expect(400)).body.error.code).toBe(
          ErrorCode.ValidationFailed,
        );
      }
      await changeStock(draft.body.id, { change: 5, reason: '补货' }, null).expect(400);
      await changeStock(randomUUID(), { change: 5, reason: '补货' }).expect(404);
      await t
        .http()
        .post(`/api/v1/admin/campaigns/${draft.body.id}/stock`)
        .set(as(shopper))
        .set('Idempotency-Key', randomUUID())
        .send({ change: 5, reason: '补货' })
        .expect(403);
    });
  });

  describe('editing', () => {
    const update = (id: string, body: object, token = admin) =>
      t.http().patch(`/api/v1/admin/campaigns/${id}`).set(as(token)).send(body);
    const withdraw = (id: string, token = admin) =>
      t.http().post(`/api/v1/admin/campaigns/${id}/withdraw`).set(as(token));
    const auditOf = async (id: string, action: string) =>
      (
        await t
          .http()
          .get('/api/v1/admin/audit-log')
          .query({ targetId: id })
          .set(as(admin))
          .expect(200)
      ).body.items
        .filter((e: { action: string }) => e.action === action)
        .map((e: { details: object }) => e.details);

    it('changes a draft field by field, checks it as a whole, and audits what changed', async () => {
      const draft = await create(
        liveCampaign(skuId, { title: '改价团', stock: 10, pickupPointIds: [points.west] }),
      ).expect(201);
      const id = draft.body.id as string;
      const changed = await update(id, {
        title: '改价团 第二版',
        groupPriceFen: 2_500,
        stock: 20,
        pickupPointIds: null,
        tierPrices: { gold: 2_000, diamond: 2_000 },
      }).expect(200);
      expect(changed.body).toMatchObject({
        ...draft.body,
        title: '改价团 第二版',
        groupPriceFen: 2_500,
        stockTotal: 20,
        stockLeft: 20,
        pickupPointIds: null,
        tierPrices: { gold: 2_000, diamond: 2_000 },
      });
      expect(await auditOf(id, 'campaign.update')).toEqual([
        {
          before: {
            title: '改价团',
            groupPriceFen: 2_990,
            stock: 10,
            pickupPointIds: [points.west],
            tierPrices: {},
          },
          after: {
            title: '改价团 第二版',
            groupPriceFen: 2_500,
            stock: 20,
            pickupPointIds: null,
            tierPrices: { gold: 2_000, diamond: 2_000 },
          },
        },
      ]);

      // Checked with what it keeps: a limit above the stock, or a cut-off before the start.
      const tooMany = await update(id, { perMemberLimit: 30 }).expect(422);
      expect(tooMany.body.error).toMatchObject({
        code: ErrorCode.CampaignInvalid,
        details: { problems: ['the per-member limit is above the stock'] },
      });
      const backwards = await update(id, {
        cutsOffAt: new Date(Date.now() - 2 * 3_600_000).toISOString(),
      }).expect(422);
      expect(backwards.body.error.details.problems).toContain(
        'the cut-off must come after the start',
      );
      await update(id, { pickupPointIds: [randomUUID()] }).expect(404);
      await update(id, { skuId: randomUUID() }).expect(404);
      const unchanged = await t.http().get(`/api/v1/admin/campaigns/${id}`).set(as(admin));
      expect(unchanged.body).toEqual(changed.body);

      await publish(id).expect(200);
      const shown = await shopperView(id).expect(200);
      expect(shown.body).toMatchObject({ title: '改价团 第二版', groupPriceFen: 2_500 });
    });

    it('withdraws a campaign nobody holds units of, to be changed and published again', async () => {
      const draft = await create(liveCampaign(skuId, { title: '撤回团' })).expect(201);
      const id = draft.body.id as string;
      await publish(id).expect(200);
      const live = await update(id, { title: '撤回团 改' }).expect(409);
      expect(live.body.error).toMatchObject({
        code: ErrorCode.CampaignNotDraft,
        details: { campaignId: id, state: 'live' },
      });

      expect((await withdraw(id).expect(200)).body).toMatchObject({ state: 'draft' });
      await shopperView(id).expect(404);
      const offered = await t.http().get('/api/v1/campaigns').set(as(shopper)).expect(200);
      expect(offered.body.items.map((c: { id: string }) => c.id)).not.toContain(id);
      const notOpen = await withdraw(id).expect(409);
      expect(notOpen.body.error).toMatchObject({
        code: ErrorCode.CampaignNotOpen,
        details: { state: 'draft' },
      });

      await update(id, { title: '撤回团 改' }).expect(200);
      await publish(id).expect(200);
      const placed = await placeOrder(shopper, id, 2).expect(201);
      expect(placed.body.lines[0].title).toBe('撤回团 改');
      const ordered = await withdraw(id).expect(409);
      expect(ordered.body.error).toMatchObject({
        code: ErrorCode.CampaignOrdered,
        details: { campaignId: id, sold: 2 },
      });
      // Once the unpaid order is cancelled, nobody holds a unit and it may be withdrawn again.
      await t.http().post(`/api/v1/orders/${placed.body.id}/cancel`).set(as(shopper)).expect(200);
      await withdraw(id).expect(200);
      expect(await auditOf(id, 'campaign.withdraw')).toHaveLength(2);
    });

    it('refuses empty or bad changes, unknown campaigns, closed ones and shoppers', async () => {
      const draft = await create(liveCampaign(skuId)).expect(201);
      for (const body of [
        {},
        { title: null },
        { title: '' },
        { groupPriceFen: 0 },
        { stock: 1.5 },
        { tiers: ['platinum'] },
        { pickupPointIds: [] },
        { startsAt: 'tomorrow' },
        { colour: 'red' },
      ]) {
        expect((await update(draft.body.id, body).expect(400)).body.error.code).toBe(
          ErrorCode.ValidationFailed,
        );
      }
      await update(randomUUID(), { title: '无此团' }).expect(404);
      await withdraw(randomUUID()).expect(404);
      await update(draft.body.id, { title: '顾客改' }, shopper).expect(403);
      await withdraw(draft.body.id, shopper).expect(403);

      const over = await create(liveCampaign(skuId)).expect(201);
      await publish(over.body.id).expect(200);
      await t.dataSource.query(
        `UPDATE campaigns SET cuts_off_at = now() - interval '1 minute' WHERE id = $1`,
        [over.body.id],
      );
      const late = await withdraw(over.body.id).expect(409);
      expect(late.body.error).toMatchObject({
        code: ErrorCode.CampaignNotOpen,
        details: { state: 'cut_off' },
      });
    });

    it('changes a product’s name, description and pictures wherever its campaigns show them', async () => {
      const product = await t
        .http()
        .post('/api/v1/admin/products')
        .set(as(admin))
        .send({ name: '杨梅', description: '旧描述', skus: [{ name: '2斤', priceFen: 5_000 }] })
        .expect(201);
      const campaign = await create(liveCampaign(product.body.skus[0].id)).expect(201);
      await publish(campaign.body.id).expect(200);
      const patch = (id: string, body: object, token = admin) =>
        t.http().patch(`/api/v1/admin/products/${id}`).set(as(token)).send(body);

      const changed = await patch(product.body.id, {
        description: '东魁杨梅，当天采摘',
        images: ['https://img.example/bayberry.jpg'],
      }).expect(200);
      expect(changed.body).toEqual({
        ...product.body,
        description: '东魁杨梅，当天采摘',
        images: ['https://img.example/bayberry.jpg'],
      });
      const shown = await shopperView(campaign.body.id).expect(200);
      expect(shown.body).toMatchObject({
        productName: '杨梅',
        description: '东魁杨梅，当天采摘',
        images: ['https://img.example/bayberry.jpg'],
      });
      expect(await auditOf(product.body.id, 'product.update')).toEqual([
        {
          before: { description: '旧描述', images: [] },
          after: {
            description: '东魁杨梅，当天采摘',
            images: ['https://img.example/bayberry.jpg'],
          },
        },
      ]);

      for (const body of [
        {},
        { name: '' },
        { name: '   ' },
        { images: ['not a url'] },
        { skus: [] },
      ]) {
        expect((await patch(product.body.id, body).expect(400)).body.error.code).toBe(
          ErrorCode.ValidationFailed,
        );
      }
      await patch(randomUUID(), { name: '无此商品' }).expect(404);
      await patch(product.body.id, { name: '顾客改' }, shopper).expect(403);
    });

    it('adds a SKU after a product’s others, and renames one or changes its list price', async () => {
      const product = await t
        .http()
        .post('/api/v1/admin/products')
        .set(as(admin))
        .send({ name: '东魁杨梅', skus: [{ name: '1斤', priceFen: 3_000 }] })
        .expect(201);
      const addSku = (id: string, body: object, token = admin) =>
        t.http().post(`/api/v1/admin/products/${id}/skus`).set(as(token)).send(body);
      const patchSku = (id: string, body: object, token = admin) =>
        t.http().patch(`/api/v1/admin/skus/${id}`).set(as(token)).send(body);

      const added = await addSku(product.body.id, { name: '3斤礼盒', priceFen: 8_800 }).expect(201);
      expect(added.body.skus.map((k: { name: string }) => k.name)).toEqual(['1斤', '3斤礼盒']);
      const [small, box] = added.body.skus as { id: string }[];
      const campaign = await create(liveCampaign(box.id, { groupPriceFen: 6_800 })).expect(201);
      await publish(campaign.body.id).expect(200);

      const changed = await patchSku(box.id, { name: '3斤装', priceFen: 9_800 }).expect(200);
      expect(changed.body.skus).toEqual([
        { id: small.id, name: '1斤', priceFen: 3_000 },
        { id: box.id, name: '3斤装', priceFen: 9_800 },
      ]);
      const shown = await shopperView(campaign.body.id).expect(200);
      expect(shown.body).toMatchObject({
        skuName: '3斤装',
        listPriceFen: 9_800,
        groupPriceFen: 6_800,
      });
      expect(await auditOf(box.id, 'sku.update')).toEqual([
        { before: { name: '3斤礼盒', priceFen: 8_800 }, after: { name: '3斤装', priceFen: 9_800 } },
      ]);
      expect(await auditOf(box.id, 'sku.create')).toEqual([
        { productId: product.body.id, name: '3斤礼盒', priceFen: 8_800 },
      ]);

      for (const body of [
        {},
        { name: '' },
        { name: '　' },
        { priceFen: 0 },
        { priceFen: 1.5 },
        { stock: 3 },
      ]) {
        expect((await patchSku(box.id, body).expect(400)).body.error.code).toBe(
          ErrorCode.ValidationFailed,
        );
      }
      await addSku(product.body.id, { name: '5斤' }).expect(400);
      await addSku(randomUUID(), { name: '5斤', priceFen: 1_000 }).expect(404);
      await patchSku(randomUUID(), { name: '无此规格' }).expect(404);
      await addSku(product.body.id, { name: '5斤', priceFen: 1_000 }, shopper).expect(403);
      await patchSku(box.id, { name: '顾客改' }, shopper).expect(403);
    });
  });

  describe('operator lists', () => {
    const list = (route: string, query: Record<string, string | number> = {}, token = admin) =>
      t.http().get(`/api/v1/admin/${route}`).query(query).set(as(token));

    it('lists products newest first with their SKUs, by part of the name', async () => {
      const addProduct = async (name: string) =>
        (
          await t
            .http()
            .post('/api/v1/admin/products')
            .set(as(admin))
            .send({
              name,
              // Listed in the operator's order, not by name.
              skus: [
                { name: '小份', priceFen: 1_000 },
                { name: '大份', priceFen: 2_000 },
              ],
            })
            .expect(201)
        ).body;
      const older = await addProduct('List 杨梅 东魁');
      const newer = await addProduct('list 杨梅 荸荠种');

      const first = await list('products', { q: 'LIST 杨梅', limit: 1 }).expect(200);
      expect(first.body.items).toEqual([newer]);
      const second = await list('products', {
        q: 'LIST 杨梅',
        limit: 1,
        cursor: first.body.nextCursor,
      }).expect(200);
      expect(second.body).toEqual({ items: [older], nextCursor: null });
      expect((await list('products', { q: '杨梅%' }).expect(200)).body.items).toEqual([]);
    });

    it('lists campaigns in every state, the latest cut-off first, by state and part of the title', async () => {
      const hour = 3_600_000;
      const at = (ms: number) => new Date(Date.now() + ms).toISOString();
      const titled = (title: string, overrides: Record<string, unknown> = {}) =>
        create(liveCampaign(skuId, { title, ...overrides })).expect(201);
      const draft = await titled('States 草稿', { cutsOffAt: at(30 * hour) });
      const scheduled = await titled('States 预告', {
        startsAt: at(2 * hour),
        cutsOffAt: at(40 * hour),
      });
      await publish(scheduled.body.id).expect(200);
      const live = await titled('States 进行中', { cutsOffAt: at(20 * hour) });
      await publish(live.body.id).expect(200);

      const all = await list('campaigns', { q: 'states' }).expect(200);
      expect(
        all.body.items.map((c: { title: string; state: string }) => [c.title, c.state]),
      ).toEqual([
        ['States 预告', 'scheduled'],
        ['States 草稿', 'draft'],
        ['States 进行中', 'live'],
      ]);
      for (const [state, id] of [
        ['draft', draft.body.id],
        ['scheduled', scheduled.body.id],
        ['live', live.body.id],
      ]) {
        const byState = await list('campaigns', { q: 'states', state }).expect(200);
        expect(byState.body.items.map((c: { id: string }) => c.id)).toEqual([id]);
      }
      expect(
        (await list('campaigns', { q: 'states', state: 'closed' }).expect(200)).body.items,
      ).toEqual([]);
      const page = await list('campaigns', { q: 'states', limit: 2 }).expect(200);
      const rest = await list('campaigns', {
        q: 'states',
        limit: 2,
        cursor: page.body.nextCursor,
      }).expect(200);
      expect([...page.body.items, ...rest.body.items]).toEqual(all.body.items);
      expect(rest.body.nextCursor).toBeNull();
      expect(all.body.items[0]).toEqual(
        (await t.http().get(`/api/v1/admin/campaigns/${scheduled.body.id}`).set(as(admin))).body,
      );
    });

    it('refuses bad list queries, and shoppers', async () => {
      const bad: [string, Record<string, string | number>][] = [
        ['products', { q: ' ' }],
        ['products', { q: 'x'.repeat(65) }],
        ['products', { cursor: 'nope' }],
        ['campaigns', { state: 'selling' }],
        ['campaigns', { limit: 101 }],
      ];
      for (const [route, query] of bad) {
        expect((await list(route, query).expect(400)).body.error.code).toBe(
          ErrorCode.ValidationFailed,
        );
      }
      await list('products', {}, shopper).expect(403);
      await list('campaigns', {}, shopper).expect(403);
    });
  });

  describe('postponing pickup', () => {
    const postpone = (id: string, body: object, token = admin) =>
      t.http().post(`/api/v1/admin/campaigns/${id}/pickup-date`).set(as(token)).send(body);
    const dayAfter = (day: string, days: number) =>
      new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
    const postponed = async (token: string) =>
      (await t.http().get('/api/v1/me/notifications').set(as(token)).expect(200)).body.items.filter(
        (n: { kind: string }) => n.kind === 'pickup_postponed',
      );

    it('moves pickup later and tells, once, each neighbour whose paid order waits for the goods', async () => {
      const campaign = (await create(liveCampaign(skuId)).expect(201)).body;
      await publish(campaign.id).expect(200);
      const [paying, unpaid] = await Promise.all(
        ['postpone-paid', 'postpone-unpaid'].map(async (name) => {
          const login = await loginMember(t, name);
          await t
            .http()
            .put('/api/v1/me/pickup-point')
            .set(as(login.accessToken))
            .send({ pickupPointId: points.east })
            .expect(200);
          return login.accessToken;
        }),
      );
      const paid = (await placeOrder(paying, campaign.id).expect(201)).body;
      await t.http().post(`/api/v1/orders/${paid.id}/pay`).set(as(paying)).expect(200);
      await placeOrder(unpaid, campaign.id).expect(201);

      const later = dayAfter(campaign.pickupDate, 2);
      const [, month, day] = later.split('-').map(Number);
      const moved = await postpone(campaign.id, {
        pickupDate: later,
        reason: ' 产地降雨，晚两天发货 ',
      }).expect(200);
      expect(moved.body.pickupDate).toBe(later);
      expect((await shopperView(campaign.id, paying).expect(200)).body.pickupDate).toBe(later);
      const order = await t.http().get(`/api/v1/me/orders/${paid.id}`).set(as(paying)).expect(200);
      expect(order.body.lines[0].pickupDate).toBe(later);
      expect(await postponed(paying)).toEqual([
        expect.objectContaining({
          title: '取货时间有调整',
          body: `「${campaign.title}」改为 ${month}月${day}日 到自提点取货：产地降雨，晚两天发货`,
          data: { orderId: paid.id, campaignId: campaign.id, pickupDate: later },
        }),
      ]);
      // Not paid, nothing is on its way for them yet: they see the day when they pay.
      expect(await postponed(unpaid)).toEqual([]);
      // The east point's leader, whose delivery moves: once, for the point.
      const toLeader = await t.dataSource.query(
        `SELECT n.title, n.data FROM notifications n JOIN pickup_points p ON p.leader_member_id = n.member_id
         WHERE p.id = $1 AND n.kind = 'pickup_postponed'`,
        [points.east],
      );
      expect(toLeader).toEqual([
        {
          title: '到货时间有调整',
          data: { campaignId: campaign.id, pickupDate: later, pickupPointId: points.east },
        },
      ]);

      // The same day again (a retried request) changes nothing and tells nobody twice.
      await postpone(campaign.id, { pickupDate: later, reason: '产地降雨，晚两天发货' }).expect(
        200,
      );
      expect(await postponed(paying)).toHaveLength(1);
      const audit = await t.dataSource.query(
        `SELECT details FROM audit_log WHERE action = 'campaign.postpone_pickup' AND target_id = $1`,
        [campaign.id],
      );
      expect(audit).toEqual([
        {
          details: {
            before: campaign.pickupDate,
            after: later,
            reason: '产地降雨，晚两天发货',
            told: 1,
          },
        },
      ]);
    });

    it('refuses an earlier day, a draft, bad input and shoppers', async () => {
      const draft = (await create(liveCampaign(skuId)).expect(201)).body;
      const reason = '供应商晚到';
      const notOpen = await postpone(draft.id, {
        pickupDate: dayAfter(draft.pickupDate, 1),
        reason,
      }).expect(409);
      expect(notOpen.body.error).toMatchObject({
        code: ErrorCode.CampaignNotOpen,
        details: { state: 'draft' },
      });
      await publish(draft.id).expect(200);
      const earlier = await postpone(draft.id, {
        pickupDate: dayAfter(draft.pickupDate, -1),
        reason,
      }).expect(422);
      expect(earlier.body.error.code).toBe(ErrorCode.CampaignInvalid);
      for (const body of [
        { pickupDate: '2026-13-01', reason },
        { pickupDate: dayAfter(draft.pickupDate, 1) },
        { pickupDate: dayAfter(draft.pickupDate, 1), reason: '  ' },
        { pickupDate: dayAfter(draft.pickupDate, 1), reason, stock: 1 },
      ]) {
        expect((await postpone(draft.id, body).expect(400)).body.error.code).toBe(
          ErrorCode.ValidationFailed,
        );
      }
      await postpone(randomUUID(), { pickupDate: dayAfter(draft.pickupDate, 1), reason }).expect(
        404,
      );
      await postpone(
        draft.id,
        { pickupDate: dayAfter(draft.pickupDate, 1), reason },
        shopper,
      ).expect(403);
      expect((await shopperView(draft.id).expect(200)).body.pickupDate).toBe(draft.pickupDate);
    });
  });
});
