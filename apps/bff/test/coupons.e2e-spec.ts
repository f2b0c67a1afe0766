import { ErrorCode } from '@linli/shared';
import { randomUUID } from 'node:crypto';
import { as, fulfilmentWorld, HOUR_MS } from './support/fulfilment-fixtures';
import { startTestApp, TestApp } from './support/test-app';

describe('coupons: issued once, on at most one order, given back when the order comes to nothing', () => {
  let t: TestApp;
  let w: Awaited<ReturnType<typeof fulfilmentWorld>>;
  let leader: { token: string };

  beforeAll(async () => {
    t = await startTestApp();
    w = await fulfilmentWorld(t);
    leader = await w.leaderOf('coupon-leader', w.points.east);
  });
  afterAll(() => t.close());

  const issue = (couponId: string, memberIds: string[], key = randomUUID()) =>
    t
      .http()
      .post(`/api/v1/admin/coupons/${couponId}/issue`)
      .set(as(w.admin))
      .set('Idempotency-Key', key)
      .send({ memberIds });
  /** A coupon given to the member: their copy's id. */
  const couponFor = async (member: { id: string; token: string }, body = {}) => {
    const coupon = await w.createCoupon(body).expect(201);
    await issue(coupon.body.id, [member.id]).expect(201);
    const mine = (await w.get(member.token, '/me/coupons')).items;
    return mine.find((c: { couponId: string }) => c.couponId === coupon.body.id).id as string;
  };
  const quote = (token: string, body: object) =>
    t.http().post('/api/v1/orders/quote').set(as(token)).send(body);
  const place = (token: string, body: object) =>
    t.http().post('/api/v1/orders').set(as(token)).set('Idempotency-Key', randomUUID()).send(body);
  const stateOf = async (member: { token: string }, id: string) =>
    (await w.get(member.token, '/me/coupons')).items.find((c: { id: string }) => c.id === id);

  it('issues a copy once per member and key, and lists the member’s coupons', async () => {
    const ann = await w.shopperAt('coupon-ann');
    const coupon = await w.createCoupon({}).expect(201);
    expect(coupon.body).toMatchObject({
      name: '满 30 减 5',
      kind: 'fixed',
      amountFen: 500,
      percentOffBps: 0,
      minSpendFen: 3_000,
      campaignIds: null,
    });
    const key = randomUUID();
    expect((await issue(coupon.body.id, [ann.id, ann.id], key).expect(201)).body).toEqual({
      issued: 1,
    });
    const replay = await issue(coupon.body.id, [ann.id, ann.id], key).expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    await issue(coupon.body.id, [ann.id]).expect(201);
    const mine = (await w.get(ann.token, '/me/coupons')).items;
    expect(mine).toHaveLength(2);
    expect(mine[0]).toMatchObject({
      couponId: coupon.body.id,
      name: '满 30 减 5',
      state: 'available',
      orderId: null,
    });
    expect((await w.get(ann.token, '/me/coupons?state=used')).items).toEqual([]);
    const { items } = await w.get(w.admin, '/admin/coupons?limit=1');
    expect(items).toEqual([
      expect.objectContaining({ id: coupon.body.id, name: '满 30 减 5', issued: 2, used: 0 }),
    ]);

    // Days later the key is forgotten: sent again it still gives nothing twice, and the same
    // key for another coupon gives that coupon.
    const forget = () => t.dataSource.query(`DELETE FROM idempotency_keys WHERE key = $1`, [key]);
    await forget();
    expect((await issue(coupon.body.id, [ann.id], key).expect(201)).body).toEqual({ issued: 0 });
    await forget();
    const another = await w.createCoupon({ name: '满 50 减 10' }).expect(201);
    expect((await issue(another.body.id, [ann.id], key).expect(201)).body).toEqual({ issued: 1 });
  });

  it('pages through the member’s coupons newest first, and refuses a cursor it did not give', async () => {
    const bo = await w.shopperAt('coupon-pages');
    const coupon = await w.createCoupon({}).expect(201);
    for (let copy = 0; copy < 3; copy += 1) await issue(coupon.body.id, [bo.id]).expect(201);
    const all = (await w.get(bo.token, '/me/coupons')).items.map((c: { id: string }) => c.id);
    expect(all).toHaveLength(3);
    const first = await w.get(bo.token, '/me/coupons?limit=2');
    const second = await w.get(bo.token, `/me/coupons?limit=2&cursor=${first.nextCursor}`);
    expect(second.nextCursor).toBeNull();
    expect([...first.items, ...second.items].map((c: { id: string }) => c.id)).toEqual(all);
    await t.http().get('/api/v1/me/coupons?cursor=nope').set(as(bo.token)).expect(400);
  });

  it('applies above the minimum spend only, and goes on one order', async () => {
    const bo = await w.shopperAt('coupon-bo');
    const couponId = await couponFor(bo);
    const campaign = await w.campaign(w.skus.apples);
    const below = await quote(bo.token, {
      items: [{ campaignId: campaign, quantity: 1 }],
      couponId,
    }).expect(200);
    expect(below.body).toMatchObject({ coupon: 'min_spend_not_met', couponDiscount: 0 });
    const refused = await place(bo.token, {
      items: [{ campaignId: campaign, quantity: 1 }],
      couponId,
    }).expect(409);
    expect(refused.body.error).toMatchObject({
      code: 'COUPON_NOT_USABLE',
      details: { reason: 'min_spend_not_met' },
    });

    const above = await quote(bo.token, {
      items: [{ campaignId: campaign, quantity: 2 }],
      couponId,
    }).expect(200);
    expect(above.body).toMatchObject({ coupon: 'applied', couponDiscount: 500, payable: 5_480 });
    const order = await place(bo.token, {
      items: [{ campaignId: campaign, quantity: 2 }],
      couponId,
    }).expect(201);
    expect(order.body).toMatchObject({ couponDiscount: 500, payable: 5_480 });
    expect(await stateOf(bo, couponId)).toMatchObject({ state: 'used', orderId: order.body.id });

    const again = await quote(bo.token, {
      items: [{ campaignId: campaign, quantity: 1 }],
      couponId,
    }).expect(409);
    expect(again.body.error.details).toMatchObject({ reason: 'used' });
  });

  it('puts a coupon on one of 12 orders placed with it at once', async () => {
    const cy = await w.shopperAt('coupon-cy');
    const couponId = await couponFor(cy);
    const campaign = await w.campaign(w.skus.apples, { perMemberLimit: 50 });
    const responses = await Promise.all(
      Array.from({ length: 12 }, () =>
        place(cy.token, { items: [{ campaignId: campaign, quantity: 2 }], couponId }),
      ),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([201, ...Array(11).fill(409)]);
    for (const refused of responses.filter((r) => r.status === 409))
      expect(refused.body.error.code).toBe('COUPON_NOT_USABLE');
    const [stock] = await t.dataSource.query(
      `SELECT stock_total - stock_left AS taken FROM campaigns WHERE id = $1`,
      [campaign],
    );
    expect(stock.taken).toBe(2);
  });

  it('gives the coupon back when its order is cancelled, unpaid or paid, or expires unpaid', async () => {
    const dee = await w.shopperAt('coupon-dee');
    const couponId = await couponFor(dee);
    const campaign = await w.campaign(w.skus.apples, { perMemberLimit: 50 });
    const body = { items: [{ campaignId: campaign, quantity: 2 }], couponId };

    const unpaid = await place(dee.token, body).expect(201);
    await t
      .http()
      .post(`/api/v1/orders/${unpaid.body.id}/cancel`)
      .set(as(dee.token))
      .set('Idempotency-Key', randomUUID())
      .expect(200);
    expect(await stateOf(dee, couponId)).toMatchObject({ state: 'available', orderId: null });

    const withCoupon = await place(dee.token, body).expect(201);
    await t.http().post(`/api/v1/orders/${withCoupon.body.id}/pay`).set(as(dee.token)).expect(200);
    await t
      .http()
      .post(`/api/v1/orders/${withCoupon.body.id}/cancel`)
      .set(as(dee.token))
      .set('Idempotency-Key', randomUUID())
      .expect(200);
    expect(await stateOf(dee, couponId)).toMatchObject({ state: 'available' });

    await place(dee.token, body).expect(201);
    w.clock.advance(16 * 60_000);
    await w.runJob('cancel-unpaid-orders');
    expect(await stateOf(dee, couponId)).toMatchObject({ state: 'available' });
  });

  it('gives the coupon back when the group-buys of its order all fail to form', async () => {
    const eve = await w.shopperAt('coupon-eve');
    const couponId = await couponFor(eve);
    const campaign = await w.campaign(w.skus.milk, { minBuyers: 5 });
    const order = await place(eve.token, {
      items: [{ campaignId: campaign, quantity: 2 }],
      couponId,
    }).expect(201);
    await t.http().post(`/api/v1/orders/${order.body.id}/pay`).set(as(eve.token)).expect(200);
    w.clock.advance(25 * HOUR_MS);
    await w.runJob('cut-off-campaigns');
    const failed = await w.get(eve.token, `/me/orders/${order.body.id}`);
    expect(failed.state).toBe('refunded');
    expect(await stateOf(eve, couponId)).toMatchObject({ state: 'available', orderId: null });
  });

  it('gives the coupon back when its order, picked up, is refunded whole after-sales, and not before', async () => {
    const gus = await w.shopperAt('coupon-gus');
    const couponId = await couponFor(gus);
    const campaign = await w.campaign(w.skus.apples, { minBuyers: 1 });
    const placed = await place(gus.token, {
      items: [{ campaignId: campaign, quantity: 2 }],
      couponId,
    }).expect(201);
    const order = (
      await t.http().post(`/api/v1/orders/${placed.body.id}/pay`).set(as(gus.token)).expect(200)
    ).body.order;
    await w.deliverTo(leader);
    await w.handOver(leader, gus, order.id);
    const refund = async (quantity: number) => {
      const request = await w.requestRefund(gus, order.id, [
        { orderLineId: order.lines[0].id, quantity },
      ]);
      await w.approveRefund(request.id).expect(200);
    };
    await refund(1);
    expect(await stateOf(gus, couponId)).toMatchObject({ state: 'used', orderId: order.id });
    await refund(1);
    expect(await stateOf(gus, couponId)).toMatchObject({ state: 'available', orderId: null });
    const { items: notices } = await w.get(gus.token, '/me/notifications');
    const decided = notices
      .filter((n: { title: string }) => n.title === '售后已通过')
      .map((n: { body: string }) => n.body);
    expect(decided).toEqual([
      expect.stringContaining('订单使用的优惠券已退回'),
      expect.not.stringContaining('优惠券'),
    ]);
    // Back on the shelf: it takes 5 yuan off the next order.
    const next = await quote(gus.token, {
      items: [{ campaignId: await w.campaign(w.skus.apples), quantity: 2 }],
      couponId,
    }).expect(200);
    expect(next.body).toMatchObject({ coupon: 'applied', couponDiscount: 500 });
  });

  it('refuses a coupon expired or not yet valid, applies one of some group-buys to those only, and knows only the member’s own', async () => {
    const fay = await w.shopperAt('coupon-fay');
    const apples = await w.campaign(w.skus.apples, { perMemberLimit: 50 });
    const milk = await w.campaign(w.skus.milk, { perMemberLimit: 50 });
    const later = await couponFor(fay, {
      validFrom: new Date(w.clock.now().getTime() + 24 * HOUR_MS).toISOString(),
      validUntil: new Date(w.clock.now().getTime() + 48 * HOUR_MS).toISOString(),
    });
    const soon = await couponFor(fay, {
      validUntil: new Date(w.clock.now().getTime() + HOUR_MS).toISOString(),
    });
    const applesOnly = await couponFor(fay, {
      name: '苹果九折',
      kind: 'percent',
      amountFen: undefined,
      percentOffBps: 1000,
      minSpendFen: 0,
      campaignIds: [apples],
    });
    const items = [{ campaignId: apples, quantity: 1 }];
    expect(
      (await quote(fay.token, { items, couponId: later }).expect(409)).body.error.details,
    ).toMatchObject({ reason: 'not_yet_valid' });
    const tenth = await quote(fay.token, { items, couponId: applesOnly }).expect(200);
    expect(tenth.body).toMatchObject({ coupon: 'applied', couponDiscount: 299 });
    const milkQuote = await quote(fay.token, {
      items: [{ campaignId: milk, quantity: 1 }],
      couponId: applesOnly,
    }).expect(200);
    expect(milkQuote.body).toMatchObject({ coupon: 'not_applicable', couponDiscount: 0 });

    w.clock.advance(2 * HOUR_MS);
    expect(
      (await quote(fay.token, { items, couponId: soon }).expect(409)).body.error.details,
    ).toMatchObject({
      reason: 'expired',
    });
    expect(await stateOf(fay, soon)).toMatchObject({ state: 'expired' });
    expect(
      (await w.get(fay.token, '/me/coupons?state=expired')).items.map((c: { id: string }) => c.id),
    ).toEqual([soon]);

    const stranger = await w.shopperAt('coupon-stranger');
    const theirs = await quote(stranger.token, { items, couponId: applesOnly }).expect(404);
    expect(theirs.body.error.code).toBe('COUPON_NOT_FOUND');
  });

  it.each([
    [{ amountFen: undefined }],
    [{ kind: 'percent', amountFen: undefined, percentOffBps: 9500 }],
    [{ kind: 'percent', percentOffBps: 1000 }],
    [{ validUntil: '2020-01-01T00:00:00Z' }],
    // An instant says its offset: 2026-12-31 alone is a different moment in every time zone.
    [{ validUntil: '2026-12-31' }],
    [{ validUntil: '2026-12-31T23:59:59' }],
    [{ validFrom: true }],
    [{ validFrom: -8_640_000_000_000_000 }],
    [{ validFrom: '0000-12-31T00:00:00Z' }],
    [{ validUntil: '2099-01-10T08:00:00-16:30' }],
    [{ kind: 'cash' }],
    [{ name: '    ' }],
    [{ campaignIds: ['not-a-campaign'] }],
  ])('refuses to create %j', async (change) => {
    const response = await w.createCoupon(change).expect(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('refuses a coupon for group-buys that do not exist, naming them', async () => {
    const apples = await w.campaign(w.skus.apples);
    // A mistyped id, and a SKU's id given for a group-buy's.
    const [missing, product] = [randomUUID(), w.skus.apples];
    const response = await w.createCoupon({ campaignIds: [apples, missing, product] }).expect(404);
    expect(response.body.error).toMatchObject({
      code: ErrorCode.NotFound,
      details: { campaignIds: [missing, product] },
    });
  });

  it('creates a coupon once when the operator sends it again with its key', async () => {
    const key = randomUUID();
    // The same request twice: the same validity, to the millisecond.
    const body = {
      name: '重发的券',
      validFrom: new Date(w.clock.now().getTime() - HOUR_MS).toISOString(),
      validUntil: new Date(w.clock.now().getTime() + 24 * HOUR_MS).toISOString(),
    };
    const first = await w.createCoupon(body).set('Idempotency-Key', key).expect(201);
    const again = await w.createCoupon(body).set('Idempotency-Key', key).expect(201);
    expect(again.body.id).toBe(first.body.id);
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM coupons WHERE name = '重发的券'`,
    );
    expect(n).toBe(1);
  });

  /** An operator puts the coupon in the rewards mall. */
  const rewardGiving = (couponId: string) =>
    t
      .http()
      .post('/api/v1/admin/rewards')
      .set(as(w.admin))
      .send({ couponId, name: '误发的券', pointsCost: 100, stock: 5, perMemberLimit: 1 });
  const withdraw = (couponId: string, body: object = { reason: '面额设置错误' }) =>
    t.http().post(`/api/v1/admin/coupons/${couponId}/withdraw`).set(as(w.admin)).send(body);

  it('withdraws a coupon: no more copies, its rewards withdrawn, unused copies expired, those on orders kept', async () => {
    const hal = await w.shopperAt('coupon-hal');
    const coupon = await w.createCoupon({ name: '误发的券' }).expect(201);
    await issue(coupon.body.id, [hal.id]).expect(201);
    await issue(coupon.body.id, [hal.id]).expect(201);
    const [kept, unused] = (await w.get(hal.token, '/me/coupons')).items.map(
      (c: { id: string }) => c.id,
    );
    const campaign = await w.campaign(w.skus.apples, { perMemberLimit: 50 });
    const items = [{ campaignId: campaign, quantity: 3 }];
    const order = await place(hal.token, { items, couponId: kept }).expect(201);
    const reward = await rewardGiving(coupon.body.id).expect(201);

    const withdrawn = await withdraw(coupon.body.id).expect(200);
    expect(withdrawn.body).toMatchObject({ id: coupon.body.id, withdrawnAt: expect.any(String) });
    expect(withdrawn.body.validUntil).toBe(withdrawn.body.withdrawnAt);
    expect(Date.parse(withdrawn.body.withdrawnAt)).toBeLessThanOrEqual(w.clock.now().getTime());
    expect((await withdraw(coupon.body.id, { reason: '再撤一次' }).expect(200)).body).toEqual(
      withdrawn.body,
    );
    const audit = await t.dataSource.query(
      `SELECT details FROM audit_log WHERE action = 'coupon.withdraw' AND target_id = $1`,
      [coupon.body.id],
    );
    expect(audit).toEqual([
      {
        details: {
          reason: '面额设置错误',
          unusedCopiesEnded: 1,
          membersTold: 1,
          rewardsWithdrawn: 1,
        },
      },
    ]);
    const notices = await w.get(hal.token, '/me/notifications');
    expect(notices.items.filter((n: { kind: string }) => n.kind === 'coupon_withdrawn')).toEqual([
      expect.objectContaining({
        title: '优惠券已停用',
        body: '你的「误发的券」已停用，未使用的 1 张不能再用了。',
        data: { couponId: coupon.body.id },
      }),
    ]);

    // Copies: the unused one has expired, the one on the order stays there.
    expect(await stateOf(hal, unused)).toMatchObject({
      state: 'expired',
      withdrawnAt: expect.any(String),
    });
    const refused = await quote(hal.token, { items, couponId: unused }).expect(409);
    expect(refused.body.error).toMatchObject({
      code: 'COUPON_NOT_USABLE',
      details: { couponId: unused, reason: 'withdrawn' },
    });
    expect(await stateOf(hal, kept)).toMatchObject({ state: 'used', orderId: order.body.id });
    expect((await w.get(hal.token, `/me/orders/${order.body.id}`)).couponDiscount).toBe(500);

    // Nothing more is given: not by operators, not by the rewards mall.
    const again = await issue(coupon.body.id, [hal.id]).expect(409);
    expect(again.body.error.details).toEqual({ couponId: coupon.body.id, reason: 'withdrawn' });
    const rewards = (await w.get(w.admin, '/admin/rewards?limit=100')).items;
    expect(rewards.find((r: { id: string }) => r.id === reward.body.id)).toMatchObject({
      active: false,
    });
    await t
      .http()
      .patch(`/api/v1/admin/rewards/${reward.body.id}`)
      .set(as(w.admin))
      .send({ active: true })
      .expect(409);
    await rewardGiving(coupon.body.id).expect(409);

    // The order cancelled, its copy comes back expired.
    await t.http().post(`/api/v1/orders/${order.body.id}/cancel`).set(as(hal.token)).expect(200);
    expect(await stateOf(hal, kept)).toMatchObject({ state: 'expired', orderId: null });
  });

  it('expires at once the copies of a coupon withdrawn before it starts', async () => {
    const ivy = await w.shopperAt('coupon-ivy');
    const starts = w.clock.now().getTime() + 7 * 24 * HOUR_MS;
    const coupon = await w
      .createCoupon({
        name: '下周的券',
        validFrom: new Date(starts).toISOString(),
        validUntil: new Date(starts + 7 * 24 * HOUR_MS).toISOString(),
      })
      .expect(201);
    await issue(coupon.body.id, [ivy.id]).expect(201);
    await withdraw(coupon.body.id).expect(200);
    const listed = async (state: string) =>
      (await w.get(ivy.token, `/me/coupons?state=${state}`)).items;
    expect(await listed('available')).toEqual([]);
    expect(await listed('expired')).toEqual([
      expect.objectContaining({ couponId: coupon.body.id, state: 'expired' }),
    ]);
  });

  it('renames a coupon or lets it run longer, copies members hold too, audited', async () => {
    const jo = await w.shopperAt('coupon-jo');
    const coupon = await w.createCoupon({ name: '周末券' }).expect(201);
    await issue(coupon.body.id, [jo.id]).expect(201);
    const edit = (body: object) =>
      t.http().patch(`/api/v1/admin/coupons/${coupon.body.id}`).set(as(w.admin)).send(body);
    const later = new Date(Date.parse(coupon.body.validUntil) + 30 * 24 * HOUR_MS).toISOString();
    const edited = await edit({ name: '周末加码券', validUntil: later }).expect(200);
    expect(edited.body).toMatchObject({ name: '周末加码券', validUntil: later, amountFen: 500 });
    const [copy] = (await w.get(jo.token, '/me/coupons')).items;
    expect(copy).toMatchObject({ name: '周末加码券', validUntil: later, state: 'available' });
    const audit = await t.dataSource.query(
      `SELECT details FROM audit_log WHERE action = 'coupon.update' AND target_id = $1`,
      [coupon.body.id],
    );
    expect(audit).toEqual([
      {
        details: {
          before: { name: '周末券', validUntil: coupon.body.validUntil },
          after: { name: '周末加码券', validUntil: later },
        },
      },
    ]);

    await edit({}).expect(400);
    const sooner = await edit({ validUntil: coupon.body.validUntil }).expect(400);
    expect(sooner.body.error.code).toBe('VALIDATION_FAILED');
    await edit({ amountFen: 5_000 }).expect(400);
    await edit({ name: 'x' }).expect(400);
    await edit({ validUntil: '2099-12-31' }).expect(400);
    await t
      .http()
      .patch(`/api/v1/admin/coupons/${randomUUID()}`)
      .set(as(w.admin))
      .send({ name: '没有这张' })
      .expect(404);
    await t
      .http()
      .patch(`/api/v1/admin/coupons/${coupon.body.id}`)
      .set(as(jo.token))
      .send({ name: '自己改' })
      .expect(403);
    await withdraw(coupon.body.id).expect(200);
    const gone = await edit({ name: '撤回后再改' }).expect(409);
    expect(gone.body.error.details).toEqual({ couponId: coupon.body.id, reason: 'withdrawn' });
  });

  it('ends a coupon withdrawn before it began at its start, and refuses bad withdrawals', async () => {
    const start = new Date(w.clock.now().getTime() + 24 * HOUR_MS).toISOString();
    const coming = await w.createCoupon({ validFrom: start }).expect(201);
    const withdrawn = await withdraw(coming.body.id).expect(200);
    expect(withdrawn.body).toMatchObject({ validFrom: start, validUntil: start });
    await withdraw(coming.body.id, {}).expect(400);
    await withdraw(coming.body.id, { reason: '  ' }).expect(400);
    const unknown = await withdraw(randomUUID()).expect(404);
    expect(unknown.body.error.code).toBe('COUPON_NOT_FOUND');
    await withdraw('nope').expect(400);
    const ivy = await w.shopperAt('coupon-ivy');
    await t
      .http()
      .post(`/api/v1/admin/coupons/${coming.body.id}/withdraw`)
      .set(as(ivy.token))
      .send({ reason: '面额设置错误' })
      .expect(403);
  });

  it('settles orders and issues racing a withdrawal one way or the other', async () => {
    const coupon = await w.createCoupon({ name: '抢用的券' }).expect(201);
    const members = await Promise.all(
      Array.from({ length: 8 }, (_, i) => w.shopperAt(`coupon-race-${i}`)),
    );
    await issue(
      coupon.body.id,
      members.map((m) => m.id),
    ).expect(201);
    const copies = await Promise.all(
      members.map(async (m) => (await w.get(m.token, '/me/coupons')).items[0].id as string),
    );
    const campaign = await w.campaign(w.skus.apples, { perMemberLimit: 50 });
    const items = [{ campaignId: campaign, quantity: 3 }];
    const [orders, issues] = await Promise.all([
      Promise.all(members.map((m, i) => place(m.token, { items, couponId: copies[i] }))),
      Promise.all(Array.from({ length: 6 }, () => issue(coupon.body.id, [members[0].id]))),
      withdraw(coupon.body.id).expect(200),
    ]);
    expect(orders.every((r) => r.status === 201 || r.body.error.code === 'COUPON_NOT_USABLE')).toBe(
      true,
    );
    for (const [i, response] of orders.entries())
      expect(await stateOf(members[i], copies[i])).toMatchObject(
        response.status === 201
          ? { state: 'used', orderId: response.body.id }
          : { state: 'expired', orderId: null },
      );
    expect(issues.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    const [{ copies: given }] = await t.dataSource.query(
      `SELECT count(*)::int AS copies FROM member_coupons WHERE coupon_id = $1`,
      [coupon.body.id],
    );
    expect(given).toBe(8 + issues.filter((r) => r.status === 201).length);
  });

  it('issues to members who exist only, and is for operators', async () => {
    const coupon = await w.createCoupon({}).expect(201);
    await issue(coupon.body.id, [randomUUID()]).expect(404);
    await issue(randomUUID(), [randomUUID()]).expect(404);
    const gus = await w.shopperAt('coupon-gus');
    await t.http().post('/api/v1/admin/coupons').set(as(gus.token)).send({}).expect(403);
    await t.http().get('/api/v1/me/coupons').expect(401);
    await t.http().get('/api/v1/me/coupons?state=lost').set(as(gus.token)).expect(400);
  });
});
