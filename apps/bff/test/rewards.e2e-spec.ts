import { randomUUID } from 'node:crypto';
import { Clock } from '../src/common/clock';
import { lockWaits } from './support/lock-waits';
import { loginAdmin, loginMember, startTestApp, TestApp } from './support/test-app';

const HOUR_MS = 3_600_000;

describe('rewards mall (GET /rewards, POST /me/redemptions): coupons for points, atomic over points and stock', () => {
  let t: TestApp;
  let admin: string;
  let couponId: string;
  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
    const now = t.app.get(Clock).now().getTime();
    const coupon = await t
      .http()
      .post('/api/v1/admin/coupons')
      .set(as(admin))
      .send({
        name: '5 元无门槛券',
        kind: 'fixed',
        amountFen: 500,
        minSpendFen: 0,
        validFrom: new Date(now - HOUR_MS).toISOString(),
        validUntil: new Date(now + 30 * 24 * HOUR_MS).toISOString(),
      })
      .expect(201);
    couponId = coupon.body.id;
  });
  afterAll(() => t.close());

  const createReward = (body: Record<string, unknown> = {}) =>
    t
      .http()
      .post('/api/v1/admin/rewards')
      .set(as(admin))
      .send({ name: '5 元券', couponId, pointsCost: 100, stock: 5, perMemberLimit: 2, ...body })
      .expect(201)
      .then((r) => r.body as { id: string });
  /** A member holding `points` points. */
  const memberWith = async (name: string, points: number) => {
    const login = await loginMember(t, name);
    if (points > 0)
      await t
        .http()
        .post(`/api/v1/admin/members/${login.member.id}/points-adjustments`)
        .set(as(admin))
        .set('Idempotency-Key', randomUUID())
        .send({ points, reason: '活动奖励' })
        .expect(201);
    return { id: login.member.id, token: login.accessToken };
  };
  const redeem = (token: string, body: object, key = randomUUID()) =>
    t.http().post('/api/v1/me/redemptions').set(as(token)).set('Idempotency-Key', key).send(body);
  const available = async (token: string) =>
    (await t.http().get('/api/v1/me/points').set(as(token)).expect(200)).body.available as number;
  const stockLeft = async (rewardId: string) =>
    (await t.dataSource.query(`SELECT stock_left FROM rewards WHERE id = $1`, [rewardId]))[0]
      .stock_left as number;

  it('redeems a coupon for points, once per key, and shows it in the mall, the wallet and 我的优惠券', async () => {
    const reward = await createReward();
    const ann = await memberWith('reward-ann', 1_000);
    const mall = await t.http().get('/api/v1/rewards').set(as(ann.token)).expect(200);
    expect(mall.body.items).toEqual([
      expect.objectContaining({
        id: reward.id,
        name: '5 元券',
        pointsCost: 100,
        stockLeft: 5,
        perMemberLimit: 2,
        minTier: 'regular',
        yourQuantity: 0,
        eligible: true,
        coupon: expect.objectContaining({ id: couponId, amountFen: 500 }),
      }),
    ]);
    const key = randomUUID();
    const first = await redeem(ann.token, { rewardId: reward.id, quantity: 1 }, key).expect(201);
    expect(first.body).toMatchObject({
      rewardId: reward.id,
      rewardName: '5 元券',
      quantity: 1,
      points: 100,
    });
    const replay = await redeem(ann.token, { rewardId: reward.id, quantity: 1 }, key).expect(201);
    expect(replay.body).toEqual(first.body);
    expect(await available(ann.token)).toBe(900);
    expect(await stockLeft(reward.id)).toBe(4);
    const coupons = await t.http().get('/api/v1/me/coupons').set(as(ann.token)).expect(200);
    expect(coupons.body.items).toEqual([expect.objectContaining({ couponId, state: 'available' })]);
    const mine = await t.http().get('/api/v1/me/redemptions').set(as(ann.token)).expect(200);
    expect(mine.body.items).toEqual([first.body]);
    const entries = await t.http().get('/api/v1/me/points/entries').set(as(ann.token)).expect(200);
    expect(entries.body.items[0]).toMatchObject({
      type: 'spend',
      amount: -100,
      sourceType: 'redemption',
    });

    // Two more would pass the limit of two: nothing is taken.
    const over = await redeem(ann.token, { rewardId: reward.id, quantity: 2 }).expect(409);
    expect(over.body.error).toMatchObject({
      code: 'PURCHASE_LIMIT_EXCEEDED',
      details: { limit: 2, alreadyRedeemed: 1 },
    });
    expect(await available(ann.token)).toBe(900);
    expect(await stockLeft(reward.id)).toBe(4);
  });

  it('takes nothing from a member without the points or below the tier', async () => {
    const reward = await createReward();
    const gold = await createReward({ minTier: 'gold' });
    const bo = await memberWith('reward-bo', 50);
    const poor = await redeem(bo.token, { rewardId: reward.id, quantity: 1 }).expect(409);
    expect(poor.body.error.code).toBe('POINTS_INSUFFICIENT');
    const cy = await memberWith('reward-cy', 1_000);
    const low = await redeem(cy.token, { rewardId: gold.id, quantity: 1 }).expect(409);
    expect(low.body.error).toMatchObject({
      code: 'REWARD_NOT_ELIGIBLE',
      details: { minTier: 'gold' },
    });
    expect(await available(bo.token)).toBe(50);
    expect(await available(cy.token)).toBe(1_000);
    expect(await stockLeft(reward.id)).toBe(5);
    expect(await stockLeft(gold.id)).toBe(5);
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM member_coupons WHERE member_id = ANY($1)`,
      [[bo.id, cy.id]],
    );
    expect(n).toBe(0);
  });

  it('gives 10 units of stock to 10 of 30 members redeeming at once, never more', async () => {
    const reward = await createReward({ stock: 10, perMemberLimit: 1 });
    const members = await Promise.all(
      Array.from({ length: 30 }, (_, i) => memberWith(`reward-rush-${i}`, 100)),
    );
    const responses = await Promise.all(
      members.map((m) => redeem(m.token, { rewardId: reward.id, quantity: 1 })),
    );
    const codes = responses.map((r) => (r.status === 201 ? 'ok' : r.body.error.code));
    expect(codes.filter((c) => c === 'ok')).toHaveLength(10);
    expect(codes.filter((c) => c !== 'ok').every((c) => c === 'OUT_OF_STOCK')).toBe(true);
    expect(await stockLeft(reward.id)).toBe(0);
    const balances = await Promise.all(members.map((m) => available(m.token)));
    expect(balances.filter((b) => b === 0)).toHaveLength(10);
    expect(balances.filter((b) => b === 100)).toHaveLength(20);
  });

  it('tells members whose redemption the reward was withdrawn under that it is gone, their points kept', async () => {
    const reward = await createReward({ stock: 100, perMemberLimit: 1 });
    const members = await Promise.all(
      Array.from({ length: 5 }, (_, i) => memberWith(`reward-gone-${i}`, 100)),
    );
    // The redemptions get past their first read of the reward and wait on its row, which an
    // operator's transaction holds while it withdraws the reward.
    const operator = t.dataSource.createQueryRunner();
    await operator.connect();
    await operator.startTransaction();
    await operator.query(`SELECT 1 FROM rewards WHERE id = $1 FOR UPDATE`, [reward.id]);
    const redeeming = Promise.all(
      members.map((m) => redeem(m.token, { rewardId: reward.id, quantity: 1 }).then((r) => r)),
    );
    await lockWaits(t.dataSource, members.length);
    await operator.query(`UPDATE rewards SET active = false WHERE id = $1`, [reward.id]);
    await operator.commitTransaction();
    await operator.release();
    const responses = await redeeming;
    expect(responses.map((r) => [r.status, r.body.error?.code])).toEqual(
      Array(5).fill([404, 'NOT_FOUND']),
    );
    expect(await stockLeft(reward.id)).toBe(100);
    expect(await Promise.all(members.map((m) => available(m.token)))).toEqual(Array(5).fill(100));
  });

  it('lets one member’s 12 redemptions at once spend what they have and no more', async () => {
    const reward = await createReward({ stock: 100, perMemberLimit: 50 });
    const dee = await memberWith('reward-dee', 300);
    const responses = await Promise.all(
      Array.from({ length: 12 }, () => redeem(dee.token, { rewardId: reward.id, quantity: 1 })),
    );
    expect(responses.filter((r) => r.status === 201)).toHaveLength(3);
    expect(
      responses
        .filter((r) => r.status !== 201)
        .every((r) => r.body.error.code === 'POINTS_INSUFFICIENT'),
    ).toBe(true);
    expect(await available(dee.token)).toBe(0);
    expect(await stockLeft(reward.id)).toBe(97);
  });

  it('holds a member to the limit when they redeem many times at once', async () => {
    const reward = await createReward({ stock: 100, perMemberLimit: 2 });
    const fay = await memberWith('reward-fay', 5_000);
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => redeem(fay.token, { rewardId: reward.id, quantity: 1 })),
    );
    expect(responses.filter((r) => r.status === 201)).toHaveLength(2);
    expect(
      responses
        .filter((r) => r.status !== 201)
        .every((r) => r.body.error.code === 'PURCHASE_LIMIT_EXCEEDED'),
    ).toBe(true);
    expect(await available(fay.token)).toBe(4_800);
  });

  interface ShopperRewardRow {
    id: string;
    pointsCost: number;
    eligible: boolean;
    stockLeft: number;
    yourQuantity: number;
    perMemberLimit: number;
  }

  it('pages through the mall cheapest first and the member’s redemptions newest first', async () => {
    await createReward({ name: '8 元券', pointsCost: 160 });
    await createReward({ name: '又一张 5 元券', pointsCost: 100 });
    const lu = await memberWith('reward-pages', 1_000);
    const read = async (path: string) => {
      const rows: { id: string; pointsCost?: number }[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: typeof rows; nextCursor: string | null } } = await t
          .http()
          .get(`${path}?limit=1${cursor ? `&cursor=${cursor}` : ''}`)
          .set(as(lu.token))
          .expect(200);
        expect(page.body.items.length).toBeLessThanOrEqual(1);
        rows.push(...page.body.items);
        cursor = page.body.nextCursor;
      } while (cursor);
      return rows;
    };
    const mall = await read('/api/v1/rewards');
    const whole = (await t.http().get('/api/v1/rewards?limit=100').set(as(lu.token)).expect(200))
      .body.items as ShopperRewardRow[];
    expect(mall).toEqual(whole);
    const costs = mall.map((r) => r.pointsCost as number);
    expect(costs).toEqual([...costs].sort((a, b) => a - b));

    const made: string[] = [];
    const redeemable = whole.filter(
      (r) => r.eligible && r.stockLeft > 0 && r.yourQuantity < r.perMemberLimit,
    );
    expect(redeemable.length).toBeGreaterThanOrEqual(3);
    for (const reward of redeemable.slice(0, 3))
      made.push((await redeem(lu.token, { rewardId: reward.id, quantity: 1 }).expect(201)).body.id);
    expect((await read('/api/v1/me/redemptions')).map((r) => r.id)).toEqual(made.reverse());
    await t.http().get('/api/v1/rewards?cursor=e30').set(as(lu.token)).expect(400);
    // A rank beyond what PostgreSQL's int holds.
    const tooFar = Buffer.from(JSON.stringify({ rank: 3_000_000_000 })).toString('base64url');
    await t.http().get(`/api/v1/rewards?cursor=${tooFar}`).set(as(lu.token)).expect(400);
  });

  it('lets operators withdraw a reward from the mall and offer it again', async () => {
    const reward = await createReward({ name: '下架的券' });
    const gus = await memberWith('reward-gus', 1_000);
    const withdraw = (active: boolean) =>
      t.http().patch(`/api/v1/admin/rewards/${reward.id}`).set(as(admin)).send({ active });
    expect((await withdraw(false).expect(200)).body).toMatchObject({
      id: reward.id,
      active: false,
    });
    const mall = await t.http().get('/api/v1/rewards').set(as(gus.token)).expect(200);
    expect(mall.body.items.map((r: { id: string }) => r.id)).not.toContain(reward.id);
    await redeem(gus.token, { rewardId: reward.id, quantity: 1 }).expect(404);
    const all = await t.http().get('/api/v1/admin/rewards?limit=100').set(as(admin)).expect(200);
    expect(all.body.items).toContainEqual(
      expect.objectContaining({ id: reward.id, active: false }),
    );
    await withdraw(true).expect(200);
    await redeem(gus.token, { rewardId: reward.id, quantity: 1 }).expect(201);
    await t
      .http()
      .patch(`/api/v1/admin/rewards/${randomUUID()}`)
      .set(as(admin))
      .send({ active: true })
      .expect(404);
    await t
      .http()
      .patch(`/api/v1/admin/rewards/${reward.id}`)
      .set(as(admin))
      .send({ active: 'no' })
      .expect(400);
    await t
      .http()
      .patch(`/api/v1/admin/rewards/${reward.id}`)
      .set(as(gus.token))
      .send({ active: false })
      .expect(403);
  });

  const edit = (rewardId: string, body: object, token = admin) =>
    t.http().patch(`/api/v1/admin/rewards/${rewardId}`).set(as(token)).send(body);
  const restock = (rewardId: string, body: object, key: string | null = randomUUID()) => {
    const request = t.http().post(`/api/v1/admin/rewards/${rewardId}/restocks`).set(as(admin));
    return (key === null ? request : request.set('Idempotency-Key', key)).send(body);
  };
  const audited = (rewardId: string) =>
    t.dataSource.query(
      `SELECT action, details FROM audit_log WHERE target_type = 'reward' AND target_id = $1 ORDER BY created_at, id`,
      [rewardId],
    );

  it('lets operators change what a reward costs, its limit, tier and wording, and audits the change', async () => {
    const reward = await createReward({ pointsCost: 100, perMemberLimit: 1 });
    const hal = await memberWith('reward-hal', 1_000);
    await redeem(hal.token, { rewardId: reward.id, quantity: 1 }).expect(201);
    await redeem(hal.token, { rewardId: reward.id, quantity: 1 }).expect(409);

    const changed = await edit(reward.id, {
      name: '5 元券（加量）',
      description: '每人两张',
      pointsCost: 250,
      perMemberLimit: 2,
      minTier: 'gold',
    }).expect(200);
    expect(changed.body).toMatchObject({
      id: reward.id,
      name: '5 元券（加量）',
      description: '每人两张',
      pointsCost: 250,
      perMemberLimit: 2,
      minTier: 'gold',
      stockLeft: 4,
      active: true,
    });
    const refused = await redeem(hal.token, { rewardId: reward.id, quantity: 1 }).expect(409);
    expect(refused.body.error.code).toBe('REWARD_NOT_ELIGIBLE');

    await edit(reward.id, { minTier: 'regular' }).expect(200);
    const second = await redeem(hal.token, { rewardId: reward.id, quantity: 1 }).expect(201);
    expect(second.body).toMatchObject({ rewardName: '5 元券（加量）', points: 250 });
    expect(await available(hal.token)).toBe(1_000 - 100 - 250);
    const mall = await t.http().get('/api/v1/rewards').set(as(hal.token)).expect(200);
    expect(mall.body.items).toContainEqual(
      expect.objectContaining({ id: reward.id, pointsCost: 250, yourQuantity: 2, stockLeft: 3 }),
    );

    expect(await audited(reward.id)).toEqual([
      expect.objectContaining({ action: 'reward.create' }),
      {
        action: 'reward.update',
        details: {
          before: {
            name: '5 元券',
            description: '',
            pointsCost: 100,
            perMemberLimit: 1,
            minTier: 'regular',
          },
          after: {
            name: '5 元券（加量）',
            description: '每人两张',
            pointsCost: 250,
            perMemberLimit: 2,
            minTier: 'gold',
          },
        },
      },
      {
        action: 'reward.update',
        details: { before: { minTier: 'gold' }, after: { minTier: 'regular' } },
      },
    ]);

    // Nothing to change, a price of nothing, what it gives or its stock: refused.
    for (const body of [
      {},
      { pointsCost: 0 },
      { perMemberLimit: 0 },
      { minTier: 'platinum' },
      { name: 'x' },
      { couponId },
      { stock: 10 },
    ])
      await edit(reward.id, body).expect(400);
    await edit(randomUUID(), { pointsCost: 10 }).expect(404);
    await edit(reward.id, { pointsCost: 10 }, hal.token).expect(403);
    expect(await audited(reward.id)).toHaveLength(3);
  });

  it('restocks a sold-out reward once per Idempotency-Key, and refuses bad restocks', async () => {
    const reward = await createReward({ stock: 1, perMemberLimit: 1 });
    const ida = await memberWith('reward-ida', 100);
    const jon = await memberWith('reward-jon', 100);
    await redeem(ida.token, { rewardId: reward.id, quantity: 1 }).expect(201);
    const soldOut = await redeem(jon.token, { rewardId: reward.id, quantity: 1 }).expect(409);
    expect(soldOut.body.error.code).toBe('OUT_OF_STOCK');

    const key = randomUUID();
    const first = await restock(reward.id, { quantity: 5 }, key).expect(201);
    expect(first.body).toMatchObject({ id: reward.id, stockLeft: 5 });
    const replay = await restock(reward.id, { quantity: 5 }, key).expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect(await stockLeft(reward.id)).toBe(5);
    const reused = await restock(reward.id, { quantity: 6 }, key).expect(422);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');

    await redeem(jon.token, { rewardId: reward.id, quantity: 1 }).expect(201);
    expect(await stockLeft(reward.id)).toBe(4);
    expect(await audited(reward.id)).toContainEqual({
      action: 'reward.restock',
      details: { quantity: 5, stockLeft: 5 },
    });

    await restock(reward.id, { quantity: 5 }, null).expect(400);
    for (const body of [{}, { quantity: 0 }, { quantity: -3 }, { quantity: 1.5 }])
      await restock(reward.id, body).expect(400);
    // The most one restock adds; past the column's range, a restock is refused.
    await restock(reward.id, { quantity: 1_000_000 }).expect(201);
    await t.dataSource.query(`UPDATE rewards SET stock_total = 2147000000 WHERE id = $1`, [
      reward.id,
    ]);
    const overflow = await restock(reward.id, { quantity: 1_000_000 }).expect(400);
    expect(overflow.body.error.code).toBe('VALIDATION_FAILED');
    await restock(randomUUID(), { quantity: 1 }).expect(404);
    await t
      .http()
      .post(`/api/v1/admin/rewards/${reward.id}/restocks`)
      .set(as(ida.token))
      .set('Idempotency-Key', randomUUID())
      .send({ quantity: 1 })
      .expect(403);
  });

  it('keeps stock left equal to stock restocked less units redeemed when restocks race 40 redemptions', async () => {
    const reward = await createReward({ stock: 10, perMemberLimit: 1 });
    const members = await Promise.all(
      Array.from({ length: 40 }, (_, i) => memberWith(`reward-race-${i}`, 100)),
    );
    const [redemptions] = await Promise.all([
      Promise.all(members.map((m) => redeem(m.token, { rewardId: reward.id, quantity: 1 }))),
      Promise.all(Array.from({ length: 5 }, () => restock(reward.id, { quantity: 4 }).expect(201))),
    ]);
    const redeemed = redemptions.filter((r) => r.status === 201).length;
    expect(
      redemptions
        .filter((r) => r.status !== 201)
        .every((r) => r.body.error.code === 'OUT_OF_STOCK'),
    ).toBe(true);
    expect(redeemed).toBeGreaterThanOrEqual(10);
    expect(redeemed).toBeLessThanOrEqual(30);
    const [row] = await t.dataSource.query(
      `SELECT stock_total, stock_left, (SELECT COALESCE(SUM(quantity), 0)::int FROM redemptions WHERE reward_id = $1) AS taken
       FROM rewards WHERE id = $1`,
      [reward.id],
    );
    expect(row).toEqual({ stock_total: 30, stock_left: 30 - redeemed, taken: redeemed });
    const balances = await Promise.all(members.map((m) => available(m.token)));
    expect(balances.filter((b) => b === 0)).toHaveLength(redeemed);
  });

  it('takes a coupon off the mall once the coupon has ended, and gives no copy of it after', async () => {
    const clock = t.app.get(Clock);
    const now = clock.now().getTime();
    const shortLived = await t
      .http()
      .post('/api/v1/admin/coupons')
      .set(as(admin))
      .send({
        name: '今晚有效券',
        kind: 'fixed',
        amountFen: 300,
        minSpendFen: 0,
        validFrom: new Date(now - HOUR_MS).toISOString(),
        validUntil: new Date(now + 2 * HOUR_MS).toISOString(),
      })
      .expect(201);
    const reward = await createReward({ name: '今晚券', couponId: shortLived.body.id });
    const kai = await memberWith('reward-kai', 500);
    const onOffer = async () =>
      (
        (await t.http().get('/api/v1/rewards').set(as(kai.token)).expect(200)).body.items as {
          id: string;
        }[]
      ).map((r) => r.id);
    expect(await onOffer()).toContain(reward.id);

    clock.advance(3 * HOUR_MS);
    expect(await onOffer()).not.toContain(reward.id);
    const refused = await redeem(kai.token, { rewardId: reward.id, quantity: 1 }).expect(404);
    expect(refused.body.error.code).toBe('NOT_FOUND');
    expect(await available(kai.token)).toBe(500);
    expect(await stockLeft(reward.id)).toBe(5);
    // Operators still see it; they can neither offer a reward of it nor give copies of it.
    const all = await t.http().get('/api/v1/admin/rewards?limit=100').set(as(admin)).expect(200);
    expect(all.body.items.map((r: { id: string }) => r.id)).toContain(reward.id);
    const ended = {
      code: 'COUPON_NOT_USABLE',
      details: expect.objectContaining({ reason: 'expired' }),
    };
    expect(
      (
        await t
          .http()
          .post('/api/v1/admin/rewards')
          .set(as(admin))
          .send({
            name: '今晚券',
            couponId: shortLived.body.id,
            pointsCost: 100,
            stock: 5,
            perMemberLimit: 1,
          })
          .expect(409)
      ).body.error,
    ).toMatchObject(ended);
    expect(
      (
        await t
          .http()
          .post(`/api/v1/admin/coupons/${shortLived.body.id}/issue`)
          .set(as(admin))
          .set('Idempotency-Key', randomUUID())
          .send({ memberIds: [kai.id] })
          .expect(409)
      ).body.error,
    ).toMatchObject(ended);
  });

  it('refuses bad requests, unknown rewards and coupons, and keeps the admin routes for operators', async () => {
    const eve = await memberWith('reward-eve', 100);
    const reward = await createReward();
    await redeem(eve.token, { rewardId: reward.id, quantity: 0 }).expect(400);
    await redeem(eve.token, { rewardId: 'nope', quantity: 1 }).expect(400);
    await redeem(eve.token, { rewardId: randomUUID(), quantity: 1 }).expect(404);
    // Sent without an Idempotency-Key, a redemption is one of its own.
    await t
      .http()
      .post('/api/v1/me/redemptions')
      .set(as(eve.token))
      .send({ rewardId: reward.id, quantity: 1 })
      .expect(201);
    await t
      .http()
      .post('/api/v1/admin/rewards')
      .set(as(admin))
      .send({ name: '不存在', couponId: randomUUID(), pointsCost: 1, stock: 1, perMemberLimit: 1 })
      .expect(404);
    for (const body of [
      { name: '没有券的券', couponId: null },
      { name: '   ', couponId },
    ])
      await t
        .http()
        .post('/api/v1/admin/rewards')
        .set(as(admin))
        .send({ ...body, pointsCost: 1, stock: 1, perMemberLimit: 1 })
        .expect(400);
    await t.http().post('/api/v1/admin/rewards').set(as(eve.token)).send({}).expect(403);
    await t.http().get('/api/v1/rewards').expect(401);
  });
});
