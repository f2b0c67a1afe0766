import { ErrorCode } from '@linli/shared';
import { addMonths, businessDay, startOfBusinessDay } from '@linli/domain';
import { randomUUID } from 'node:crypto';
import { Clock } from '../src/common/clock';
import { RequestContext } from '../src/common/request-context';
import { TransactionalConnection } from '../src/common/transaction/transactional-connection';
import { TierMonthlyCouponsService } from '../src/modules/coupons/tier-monthly-coupons.service';
import { as } from './support/fulfilment-fixtures';
import { loginAdmin, loginMember, startOfMorning, startTestApp, TestApp } from './support/test-app';

describe("tiers' monthly coupons: as many copies as the member's tier has, once a month", () => {
  let t: TestApp;
  let admin: string;
  let month: string;
  let couponId: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
    month = businessDay(startOfMorning(t).now()).slice(0, 7);
    couponId = await createCoupon(month);
  });
  afterAll(() => t.close());

  async function createCoupon(validMonth: string, name = '会员月券 满 20 减 3'): Promise<string> {
    const res = await t
      .http()
      .post('/api/v1/admin/coupons')
      .set(as(admin))
      .send({
        name,
        kind: 'fixed',
        amountFen: 300,
        minSpendFen: 2_000,
        validFrom: startOfBusinessDay(`${validMonth}-01`).toISOString(),
        validUntil: new Date(
          startOfBusinessDay(`${addMonths(validMonth, 1)}-01`).getTime() - 1,
        ).toISOString(),
      })
      .expect(201);
    return res.body.id;
  }
  const setMonth = (m: string, id: string, token = admin) =>
    t.http().put(`/api/v1/admin/tier-monthly-coupons/${m}`).set(as(token)).send({ couponId: id });
  const runJob = async () =>
    (await t.http().post('/api/v1/admin/jobs/give-monthly-coupons/run').set(as(admin)).expect(200))
      .body.processed as number;
  const memberAt = async (name: string, tier: string | null) => {
    const member = await loginMember(t, `${name}-${randomUUID().slice(0, 6)}`);
    if (tier)
      await t
        .http()
        .post(`/api/v1/admin/members/${member.member.id}/tier`)
        .set(as(admin))
        .send({ tier, until: '2099-12-31', reason: '测试' })
        .expect(200);
    return { id: member.member.id, token: member.accessToken };
  };
  const couponsOf = async (member: { token: string }) =>
    (await t.http().get('/api/v1/me/coupons').set(as(member.token)).expect(200)).body.items as {
      couponId: string;
      name: string;
    }[];

  it('gives nothing until a month has its coupon, then each member their tier’s copies, once', async () => {
    const regular = await memberAt('regular', null);
    const silver = await memberAt('silver', 'silver');
    const gold = await memberAt('gold', 'gold');
    expect(await runJob()).toBe(0);

    const set = await setMonth(month, couponId).expect(200);
    expect(set.body).toMatchObject({ month, coupon: { id: couponId }, issued: 0 });
    expect(await runJob()).toBe(3);
    expect(await couponsOf(regular)).toEqual([]);
    expect(await couponsOf(silver)).toEqual([expect.objectContaining({ couponId })]);
    expect(await couponsOf(gold)).toHaveLength(2);

    expect(await runJob()).toBe(0);
    const listed = await t
      .http()
      .get('/api/v1/admin/tier-monthly-coupons')
      .set(as(admin))
      .expect(200);
    expect(listed.body).toEqual({
      items: [expect.objectContaining({ month, issued: 3 })],
      nextCursor: null,
    });
  });

  it('gives a member who moves up during the month the copies their new tier adds', async () => {
    const climber = await memberAt('climber', 'silver');
    expect(await runJob()).toBe(1);
    await t
      .http()
      .post(`/api/v1/admin/members/${climber.id}/tier`)
      .set(as(admin))
      .send({ tier: 'gold', until: '2099-12-31', reason: '测试' })
      .expect(200);
    expect(await runJob()).toBe(1);
    expect(await couponsOf(climber)).toHaveLength(2);
  });

  it('keeps copies given when the month’s coupon changes, and gives no second set', async () => {
    const before = await memberAt('before', 'silver');
    expect(await runJob()).toBe(1);
    const other = await createCoupon(month, '会员月券 满 30 减 5');
    await setMonth(month, other).expect(200);
    expect(await runJob()).toBe(0);
    expect(await couponsOf(before)).toEqual([expect.objectContaining({ couponId })]);
    await setMonth(month, couponId).expect(200);
  });

  it('gives each copy once however many batches run at once', async () => {
    const golds = await Promise.all(
      Array.from({ length: 12 }, (_, i) => memberAt(`rush-${i}`, 'gold')),
    );
    const monthly = t.app.get(TierMonthlyCouponsService);
    const connection = t.app.get(TransactionalConnection);
    const given = await Promise.allSettled(
      Array.from({ length: 8 }, () =>
        connection.withTransaction(RequestContext.forSystem('test'), (ctx) =>
          monthly.giveDue(ctx, 5),
        ),
      ),
    );
    const rest = await runJob();
    const total =
      given.reduce((sum, g) => sum + (g.status === 'fulfilled' ? g.value : 0), 0) + rest;
    expect(total).toBe(24);
    for (const gold of golds) expect(await couponsOf(gold)).toHaveLength(2);
  });

  it('refuses a bad month, a month over, a coupon not valid in the month, an unknown coupon; operators only', async () => {
    await setMonth('2026-13', couponId).expect(400);
    await setMonth('202612', couponId).expect(400);
    const lastMonth = addMonths(month, -1);
    const old = await setMonth(lastMonth, await createCoupon(lastMonth)).expect(400);
    expect(old.body.error).toMatchObject({
      code: ErrorCode.ValidationFailed,
      details: { fields: { month: ['the month is over'] } },
    });
    const notValid = await setMonth(addMonths(month, 2), couponId).expect(400);
    expect(notValid.body.error.details.fields.couponId).toEqual([
      'the coupon must be valid during the month',
    ]);
    const unknown = await setMonth(month, randomUUID()).expect(404);
    expect(unknown.body.error.code).toBe(ErrorCode.CouponNotFound);
    await setMonth(month, 'not-a-uuid').expect(400);
    const shopper = await memberAt('shopper', null);
    await setMonth(month, couponId, shopper.token).expect(403);
    await t.http().get('/api/v1/admin/tier-monthly-coupons').set(as(shopper.token)).expect(403);
  });

  it('sets a later month ahead, given from its first day', async () => {
    const next = addMonths(month, 1);
    const nextCoupon = await createCoupon(next);
    await setMonth(next, nextCoupon).expect(200);
    const member = await memberAt('ahead', 'silver');
    expect(await runJob()).toBe(1);
    expect((await couponsOf(member)).map((c) => c.couponId)).toEqual([couponId]);
    const clock = startOfMorning(t);
    const firstOfNext = startOfBusinessDay(`${next}-01`).getTime() + 10 * 3_600_000;
    clock.advance(Math.max(0, firstOfNext - clock.now().getTime()));
    expect(await runJob()).toBeGreaterThanOrEqual(1);
    expect((await couponsOf(member)).map((c) => c.couponId)).toContain(nextCoupon);
  });

  it('gives no more copies of a withdrawn coupon, and sets none for a month', async () => {
    const current = businessDay(t.app.get(Clock).now()).slice(0, 7);
    const [set] = (await t.http().get('/api/v1/admin/tier-monthly-coupons').set(as(admin))).body
      .items as { month: string; coupon: { id: string } }[];
    expect(set.month).toBe(current);
    await t
      .http()
      .post(`/api/v1/admin/coupons/${set.coupon.id}/withdraw`)
      .set(as(admin))
      .send({ reason: '本月暂停发放' })
      .expect(200);
    const late = await memberAt('late', 'gold');
    expect(await runJob()).toBe(0);
    expect(await couponsOf(late)).toEqual([]);
    const refused = await setMonth(current, set.coupon.id).expect(409);
    expect(refused.body.error).toMatchObject({
      code: ErrorCode.CouponNotUsable,
      details: { couponId: set.coupon.id, reason: 'withdrawn' },
    });
  });

  it('gives no more copies of the month’s coupon once it has ended', async () => {
    const clock = t.app.get(Clock);
    const current = businessDay(clock.now()).slice(0, 7);
    const shortLived = await t
      .http()
      .post('/api/v1/admin/coupons')
      .set(as(admin))
      .send({
        name: '会员月券 今日有效',
        kind: 'fixed',
        amountFen: 300,
        minSpendFen: 2_000,
        validFrom: startOfBusinessDay(`${current}-01`).toISOString(),
        validUntil: new Date(clock.now().getTime() + 3_600_000).toISOString(),
      })
      .expect(201);
    await setMonth(current, shortLived.body.id).expect(200);
    const early = await memberAt('early', 'gold');
    expect(await runJob()).toBeGreaterThan(0);
    expect((await couponsOf(early)).map((c) => c.couponId)).toContain(shortLived.body.id);

    clock.advance(2 * 3_600_000);
    const late = await memberAt('ended', 'gold');
    expect(await runJob()).toBe(0);
    expect(await couponsOf(late)).toEqual([]);
  });

  it('lists the months latest first, a page at a time, however far ahead they are set', async () => {
    const current = businessDay(t.app.get(Clock).now()).slice(0, 7);
    const ahead = [2, 3, 4].map((n) => addMonths(current, n));
    for (const m of ahead) await setMonth(m, await createCoupon(m)).expect(200);
    const list = (query: string) =>
      t.http().get(`/api/v1/admin/tier-monthly-coupons?${query}`).set(as(admin)).expect(200);
    const whole = (await list('limit=100')).body;
    expect(whole.nextCursor).toBeNull();
    const months = whole.items.map((set: { month: string }) => set.month);
    expect(months.slice(0, 3)).toEqual([...ahead].reverse());
    expect(months).toContain(current);
    expect([...months].sort().reverse()).toEqual(months);
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { month: string }[]; nextCursor: string | null } = (
        await list(`limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      ).body;
      expect(page.items.length).toBeLessThanOrEqual(2);
      paged.push(...page.items.map((set) => set.month));
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(months);
    const refused = await t
      .http()
      .get('/api/v1/admin/tier-monthly-coupons?cursor=not-a-cursor')
      .set(as(admin))
      .expect(400);
    expect(refused.body.error.code).toBe(ErrorCode.ValidationFailed);
  });
});
