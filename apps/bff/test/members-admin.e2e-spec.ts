import { randomUUID } from 'node:crypto';
import { createPickupPoints, liveCampaign } from './support/group-buy-fixtures';
import { loginAdmin, loginMember, startTestApp, TestApp } from './support/test-app';

describe('operators finding and reading members', () => {
  let t: TestApp;
  let admin: string;
  let points: { east: string; west: string };
  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const search = (query: Record<string, string | number>, token = admin) =>
    t.http().get('/api/v1/admin/members').query(query).set(as(token));
  const view = (id: string, token = admin) =>
    t.http().get(`/api/v1/admin/members/${id}`).set(as(token));
  const adjust = (memberId: string, pointsChange: number, reason: string) =>
    t
      .http()
      .post(`/api/v1/admin/members/${memberId}/points-adjustments`)
      .set(as(admin))
      .set('Idempotency-Key', randomUUID())
      .send({ points: pointsChange, reason })
      .expect(201);
  const bindTo = (token: string, pickupPointId: string) =>
    t.http().put('/api/v1/me/pickup-point').set(as(token)).send({ pickupPointId }).expect(200);
  /** A live campaign of the SKU, published: its id. */
  const openCampaign = async (skuId: string) => {
    const campaign = await t
      .http()
      .post('/api/v1/admin/campaigns')
      .set(as(admin))
      .send(liveCampaign(skuId, { tierDiscountApplies: false }))
      .expect(201);
    await t
      .http()
      .post(`/api/v1/admin/campaigns/${campaign.body.id}/publish`)
      .set(as(admin))
      .expect(200);
    return campaign.body.id as string;
  };
  const placeOrder = async (token: string, campaignId: string, quantity: number) =>
    (
      await t
        .http()
        .post('/api/v1/orders')
        .set(as(token))
        .set('Idempotency-Key', randomUUID())
        .send({ items: [{ campaignId, quantity }] })
        .expect(201)
    ).body as { id: string; payable: number };
  const inviteCodeOf = async (token: string) =>
    (await t.http().get('/api/v1/me').set(as(token)).expect(200)).body.inviteCode as string;
  const names = (body: { items: { nickname: string }[] }) => body.items.map((m) => m.nickname);

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
    points = await createPickupPoints(t);
  });
  afterAll(() => t.close());

  it('finds members by part of their nickname in any case, newest first, a page at a time', async () => {
    for (const name of ['Linli-Alice', 'linli-bob', 'LINLI-carol']) await loginMember(t, name);
    await loginMember(t, 'someone-else');

    const first = await search({ q: 'linli-', limit: 2 }).expect(200);
    expect(names(first.body)).toEqual(['LINLI-carol', 'linli-bob']);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await search({ q: 'linli-', limit: 2, cursor: first.body.nextCursor }).expect(
      200,
    );
    expect(names(second.body)).toEqual(['Linli-Alice']);
    expect(second.body.nextCursor).toBeNull();

    // Wildcards are letters like any other: no nickname holds them.
    for (const q of ['%', '_', '\\']) {
      expect((await search({ q }).expect(200)).body.items).toEqual([]);
    }
  });

  it('finds a member by their whole invite code or id, with what a list needs to tell them apart', async () => {
    const dora = await loginMember(t, 'find-dora');
    await bindTo(dora.accessToken, points.east);
    await adjust(dora.member.id, 120, '活动奖励');
    const code = await inviteCodeOf(dora.accessToken);

    const byCode = await search({ q: code.toLowerCase() }).expect(200);
    expect(byCode.body.items).toEqual([
      {
        id: dora.member.id,
        nickname: 'find-dora',
        tier: 'regular',
        pickupPoint: { id: points.east, name: '东门' },
        inviteCode: code,
        pointsAvailable: 120,
        memberSince: expect.any(String),
        lastLoginAt: expect.any(String),
      },
    ]);
    const byId = await search({ q: dora.member.id.toUpperCase() }).expect(200);
    expect(names(byId.body)).toEqual(['find-dora']);
    // Part of a code or an id is not enough.
    for (const q of [code.slice(0, -1), dora.member.id.slice(0, 8)]) {
      expect((await search({ q }).expect(200)).body.items).toEqual([]);
    }
  });

  it('narrows the list to a tier and to a pickup point', async () => {
    const erin = await loginMember(t, 'narrow-erin');
    const fay = await loginMember(t, 'narrow-fay');
    await bindTo(fay.accessToken, points.west);
    const until = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    await t
      .http()
      .post(`/api/v1/admin/members/${erin.member.id}/tier`)
      .set(as(admin))
      .send({ tier: 'gold', until, reason: '社区合伙人' })
      .expect(200);

    expect(names((await search({ q: 'narrow-', tier: 'gold' }).expect(200)).body)).toEqual([
      'narrow-erin',
    ]);
    expect(
      names((await search({ q: 'narrow-', pickupPointId: points.west }).expect(200)).body),
    ).toEqual(['narrow-fay']);
    const everyone = await search({ limit: 100 }).expect(200);
    expect(names(everyone.body)).toEqual(expect.arrayContaining(['narrow-erin', 'narrow-fay']));
  });

  it('refuses bad searches, and members', async () => {
    const badSearches: Record<string, string | number>[] = [
      { q: '' },
      { q: '   ' },
      { q: 'x'.repeat(65) },
      { tier: 'platinum' },
      { pickupPointId: 'east' },
      { limit: 0 },
      { cursor: 'not-a-cursor' },
    ];
    for (const query of badSearches) {
      const res = await search(query).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    const shopper = await loginMember(t, 'nosy-shopper');
    await search({}, shopper.accessToken).expect(403);
    await view(shopper.member.id, shopper.accessToken).expect(403);
    await t.http().get('/api/v1/admin/members').expect(401);
  });

  it('shows one member whole: profile, tier, points, and latest orders without their pickup codes', async () => {
    const inviter = await loginMember(t, 'whole-inviter');
    const invited = await t
      .http()
      .post('/api/v1/auth/wechat-login')
      .send({ code: 'dev:whole-gao', inviteCode: await inviteCodeOf(inviter.accessToken) })
      .expect(200);
    const gao = invited.body as { accessToken: string; member: { id: string } };
    await bindTo(gao.accessToken, points.east);
    await adjust(gao.member.id, 300, '新人礼包');
    await adjust(gao.member.id, -50, '误发更正');
    const until = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    await t
      .http()
      .post(`/api/v1/admin/members/${gao.member.id}/tier`)
      .set(as(admin))
      .send({ tier: 'silver', until, reason: '老客回馈' })
      .expect(200);
    const product = await t
      .http()
      .post('/api/v1/admin/products')
      .set(as(admin))
      .send({ name: '赣南脐橙', skus: [{ name: '5斤装', priceFen: 3_990 }] })
      .expect(201);
    const order = await placeOrder(gao.accessToken, await openCampaign(product.body.skus[0].id), 2);

    const res = await view(gao.member.id).expect(200);
    expect(res.body).toMatchObject({
      id: gao.member.id,
      nickname: 'whole-gao',
      tier: 'silver',
      roles: ['shopper'],
      pickupPoint: { id: points.east, name: '东门' },
      invitedBy: { id: inviter.member.id, nickname: 'whole-inviter' },
      manualTier: { tier: 'silver' },
      tierHistory: [expect.objectContaining({ from: 'regular', to: 'silver', reason: 'manual' })],
      points: { available: 250, pending: 0, lifetimeEarned: 300 },
      recentPointEntries: [
        expect.objectContaining({ type: 'adjust', amount: -50, reason: '误发更正' }),
        expect.objectContaining({ type: 'adjust', amount: 300, reason: '新人礼包' }),
      ],
      orderCount: 1,
      recentOrders: [
        expect.objectContaining({
          id: order.id,
          state: 'pending_payment',
          payable: order.payable,
        }),
      ],
    });
    expect(res.body.recentOrders[0]).not.toHaveProperty('pickupCode');
    expect(res.body).not.toHaveProperty('memberCode');

    // An order a member has just placed is the first the operator sees.
    const mine = await t.http().get('/api/v1/me/orders').set(as(gao.accessToken)).expect(200);
    const { pickupCode: _code, ...seen } = mine.body.items[0];
    expect(res.body.recentOrders[0]).toEqual(seen);
  });

  it("pages through a member's whole points journal and orders, newest first", async () => {
    const hua = await loginMember(t, 'pages-hua');
    await bindTo(hua.accessToken, points.west);
    for (const [change, reason] of [
      [100, '第一笔'],
      [-30, '第二笔'],
      [50, '第三笔'],
    ] as const)
      await adjust(hua.member.id, change, reason);
    const entries = (query: Record<string, string | number>) =>
      t
        .http()
        .get(`/api/v1/admin/members/${hua.member.id}/points/entries`)
        .query(query)
        .set(as(admin));
    const first = await entries({ limit: 2 }).expect(200);
    const rest = await entries({ limit: 2, cursor: first.body.nextCursor }).expect(200);
    expect(
      [...first.body.items, ...rest.body.items].map((e: { reason: string }) => e.reason),
    ).toEqual(['第三笔', '第二笔', '第一笔']);
    expect(rest.body.nextCursor).toBeNull();
    // The same journal the member pages in their wallet.
    const own = await t
      .http()
      .get('/api/v1/me/points/entries?limit=2')
      .set(as(hua.accessToken))
      .expect(200);
    expect(first.body).toEqual(own.body);
    await entries({ type: 'lottery' }).expect(400);

    const product = await t
      .http()
      .post('/api/v1/admin/products')
      .set(as(admin))
      .send({ name: '东魁杨梅', skus: [{ name: '2斤', priceFen: 6_800 }] })
      .expect(201);
    const placed: string[] = [];
    for (let i = 0; i < 3; i++) {
      const campaignId = await openCampaign(product.body.skus[0].id);
      placed.push((await placeOrder(hua.accessToken, campaignId, 1)).id);
    }
    const orders = (query: Record<string, string | number>) =>
      t.http().get(`/api/v1/admin/members/${hua.member.id}/orders`).query(query).set(as(admin));
    const page = await orders({ limit: 2 }).expect(200);
    const next = await orders({ limit: 2, cursor: page.body.nextCursor }).expect(200);
    const seen = [...page.body.items, ...next.body.items];
    expect(seen.map((o: { id: string }) => o.id)).toEqual([...placed].reverse());
    for (const order of seen) expect(order).not.toHaveProperty('pickupCode');
  });

  it('answers 404 for a member who does not exist and 400 for what is not a member id', async () => {
    expect((await view(randomUUID()).expect(404)).body.error.code).toBe('NOT_FOUND');
    expect((await view('whole-gao').expect(400)).body.error.code).toBe('VALIDATION_FAILED');
    for (const route of ['points/entries', 'orders']) {
      await t
        .http()
        .get(`/api/v1/admin/members/${randomUUID()}/${route}`)
        .set(as(admin))
        .expect(404);
      await t.http().get(`/api/v1/admin/members/nobody/${route}`).set(as(admin)).expect(400);
      const shopper = await loginMember(t, 'nosy-again');
      await t
        .http()
        .get(`/api/v1/admin/members/${shopper.member.id}/${route}`)
        .set(as(shopper.accessToken))
        .expect(403);
    }
  });
});
