import { randomUUID } from 'node:crypto';
import { RequestContext } from '../src/common/request-context';
import { ReferralsService } from '../src/modules/engagement/referrals.service';
import { OrderCompletionService } from '../src/modules/fulfilment/order-completion.service';
import { PointsLedger } from '../src/modules/points/points-ledger.service';
import { MemberTiersService } from '../src/modules/tiers/member-tiers.service';
import { as, fulfilmentWorld, HOUR_MS } from './support/fulfilment-fixtures';
import { betweenLocks } from './support/lock-waits';
import { startTestApp, TestApp } from './support/test-app';

describe('邀请有礼: an invitee’s first pickup rewards both sides (GET /me/invite)', () => {
  let t: TestApp;
  let w: Awaited<ReturnType<typeof fulfilmentWorld>>;
  let leader: { id: string; token: string };

  beforeAll(async () => {
    t = await startTestApp();
    w = await fulfilmentWorld(t);
    leader = await w.leaderOf('ref-leader', w.points.east);
  });
  afterAll(() => t.close());

  /** A neighbour new to Linli who logs in from a link carrying the invite code. */
  const invitedShopper = async (
    name: string,
    inviteCode: string,
    pickupPointId = w.points.east,
  ) => {
    const login = await t
      .http()
      .post('/api/v1/auth/wechat-login')
      .send({ code: `dev:${name}`, inviteCode })
      .expect(200);
    await t
      .http()
      .put('/api/v1/me/pickup-point')
      .set(as(login.body.accessToken))
      .send({ pickupPointId })
      .expect(200);
    return { id: login.body.member.id as string, token: login.body.accessToken as string };
  };
  const available = async (who: { token: string }) =>
    (await w.get(who.token, '/me/points')).available as number;
  /** The member's points from invites, by the state of their lots: pending, available, … */
  const fromInvites = async (who: { id: string }) =>
    Object.fromEntries(
      (
        await t.dataSource.query(
          `SELECT state, sum(remaining)::int AS points FROM point_lots
           WHERE member_id = $1 AND source_type = 'referral' GROUP BY state`,
          [who.id],
        )
      ).map((lot: { state: string; points: number }) => [lot.state, lot.points]),
    );
  const invite = (who: { token: string }) => w.get(who.token, '/me/invite');
  const inbox = async (who: { token: string }) =>
    (await w.get(who.token, '/me/notifications')).items as { kind: string; body: string }[];

  it('rewards the invitee and the inviter once, when the invitee’s first order is picked up', async () => {
    const inviter = await w.shopperAt('ref-inviter');
    const { inviteCode } = await invite(inviter);
    const invitee = await invitedShopper('ref-invitee', inviteCode);
    const other = await w.shopperAt('ref-other');
    expect(await invite(inviter)).toMatchObject({ invited: 1, rewarded: 0, pointsEarned: 0 });

    const campaign = await w.campaign(w.skus.apples);
    const first = await w.buy(invitee, [{ campaignId: campaign, quantity: 1 }]);
    const second = await w.buy(invitee, [{ campaignId: campaign, quantity: 1 }]);
    const others = await w.buy(other, [{ campaignId: campaign, quantity: 1 }]);
    await w.deliverTo(leader);
    // Paid, not yet picked up: nothing yet.
    expect(await available(invitee)).toBe(0);

    // Picked up: the reward is pending until the after-sales window is over.
    await w.handOver(leader, invitee, first.id);
    expect(await fromInvites(invitee)).toEqual({ pending: 50 });
    expect(await fromInvites(inviter)).toEqual({ pending: 100 });
    expect(await w.get(inviter.token, '/me/points')).toMatchObject({ available: 0, pending: 100 });
    await w.handOver(leader, invitee, second.id);
    await w.handOver(leader, other, others.id);
    expect(await fromInvites(invitee)).toEqual({ pending: 50 });
    expect(await fromInvites(inviter)).toEqual({ pending: 100 });
    expect(await fromInvites(other)).toEqual({});

    expect(await invite(inviter)).toEqual({
      inviteCode,
      invited: 1,
      rewarded: 1,
      pointsEarned: 100,
      rewardedThisMonth: 1,
      monthlyCap: 10,
      inviterPoints: 100,
      inviteePoints: 50,
    });
    expect(await inbox(inviter)).toEqual([
      expect.objectContaining({
        kind: 'referral_rewarded',
        body: '你邀请的邻居 ref-invitee 完成了首单，送你 100 积分，售后期结束后到账',
      }),
    ]);
    expect((await inbox(invitee)).filter((n) => n.kind === 'referral_rewarded')).toEqual([
      expect.objectContaining({
        body: '首单取货成功，送你 50 积分，售后期结束后到账，下单时可以抵扣现金',
      }),
    ]);
    const entries = await w.get(inviter.token, '/me/points/entries');
    expect(entries.items).toEqual([
      expect.objectContaining({ amount: 100, sourceType: 'referral', reason: '邀请好友奖励' }),
    ]);

    // The window over, the orders kept complete: the reward can be spent, on both sides, once.
    w.clock.advance(8 * 24 * HOUR_MS);
    await w.runJob('complete-orders');
    await w.runJob('complete-orders');
    expect(await fromInvites(invitee)).toEqual({ available: 50 });
    expect(await fromInvites(inviter)).toEqual({ available: 100 });
    expect(await available(inviter)).toBe(100);
    expect((await w.get(w.admin, '/admin/points/reconciliation')).mismatches).toEqual([]);
  });

  it('rewards an inviter for at most the monthly cap of invitees, however many pick up at once; every invitee gets theirs', async () => {
    await w.changePointsPolicy({ referralMonthlyCap: 2, referralInviterPoints: 80 });

    // At the other pickup point, whose deliveries are all still to come.
    const westLeader = await w.leaderOf('ref-west-leader', w.points.west);
    const inviter = await w.shopperAt('ref-busy-inviter');
    const { inviteCode } = await invite(inviter);
    const invitees = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        invitedShopper(`ref-busy-${i}`, inviteCode, w.points.west),
      ),
    );
    const campaign = await w.campaign(w.skus.milk);
    const orders = [];
    for (const invitee of invitees)
      orders.push(await w.buy(invitee, [{ campaignId: campaign, quantity: 1 }]));
    await w.deliverTo(westLeader);

    const codes = await Promise.all(
      orders.map(
        async (order, i) => (await w.get(invitees[i].token, `/me/orders/${order.id}`)).pickupCode,
      ),
    );
    const verified = await Promise.all(
      codes.map((code) =>
        t.http().post('/api/v1/leader/pickups/verify').set(as(westLeader.token)).send({ code }),
      ),
    );
    expect(verified.map((r) => r.status)).toEqual(Array(6).fill(200));

    expect(await fromInvites(inviter)).toEqual({ pending: 160 });
    for (const invitee of invitees) expect(await fromInvites(invitee)).toEqual({ pending: 50 });
    expect(await invite(inviter)).toMatchObject({
      invited: 6,
      rewarded: 2,
      pointsEarned: 160,
      rewardedThisMonth: 2,
      monthlyCap: 2,
      inviterPoints: 80,
    });
    const [rows] = await t.dataSource.query(
      `SELECT count(*)::int AS rewards, count(*) FILTER (WHERE inviter_points > 0)::int AS paid
       FROM referral_rewards WHERE inviter_id = $1`,
      [inviter.id],
    );
    expect(rows).toEqual({ rewards: 6, paid: 2 });
  });

  it('holds the cap when first pickups of one inviter’s invitees commit at the same moment', async () => {
    // The cap of the test before (2) still holds. Handed over through one leader, pickups take
    // turns; through several leaders at once they would not: the rewards race here directly.
    const inviter = await w.shopperAt('ref-race-inviter');
    const { inviteCode } = await invite(inviter);
    const invitees = await Promise.all(
      Array.from({ length: 8 }, (_, i) => invitedShopper(`ref-race-${i}`, inviteCode)),
    );
    const campaign = await w.campaign(w.skus.apples);
    const orders: string[] = [];
    for (const invitee of invitees)
      orders.push((await w.buy(invitee, [{ campaignId: campaign, quantity: 1 }])).id);
    const referrals = t.app.get(ReferralsService);
    await Promise.all(
      invitees.map((invitee, i) =>
        t.dataSource.transaction((manager) =>
          referrals.onPickedUp(RequestContext.forSystem('test', manager), invitee.id, [orders[i]]),
        ),
      ),
    );
    expect(await invite(inviter)).toMatchObject({ rewarded: 2, pointsEarned: 160 });
    expect(await fromInvites(inviter)).toEqual({ pending: 160 });
  });

  /** The invitee asks for all of an order back and an operator agrees; the approval's answer. */
  const refundWhole = async (
    invitee: { token: string },
    order: { id: string; lines: { id: string; quantity: number }[] },
  ) => {
    const request = await w.requestRefund(
      invitee,
      order.id,
      order.lines.map((l) => ({ orderLineId: l.id, quantity: l.quantity })),
      '不想要了',
    );
    return () => w.approveRefund(request.id);
  };
  const spend = (member: { id: string }, points: number) =>
    t
      .http()
      .post(`/api/v1/admin/members/${member.id}/points-adjustments`)
      .set(as(w.admin))
      .set('Idempotency-Key', randomUUID())
      .send({ points: -points, reason: '兑换抵扣' });

  it('takes the reward back from both sides once the invitee has given back all they picked up', async () => {
    // The cap of the tests before (2 a month, 80 points) still holds.
    const inviter = await w.shopperAt('ref-back-inviter');
    const invitee = await invitedShopper('ref-back-invitee', (await invite(inviter)).inviteCode);
    const campaign = await w.campaign(w.skus.apples, { minBuyers: 1 });
    const first = await w.buy(invitee, [{ campaignId: campaign, quantity: 2 }]);
    const second = await w.buy(invitee, [{ campaignId: campaign, quantity: 1 }]);
    await w.deliverTo(leader);
    await w.handOver(leader, invitee, first.id);
    await w.handOver(leader, invitee, second.id);
    expect(await fromInvites(invitee)).toEqual({ pending: 50 });
    expect(await fromInvites(inviter)).toEqual({ pending: 80 });

    // The first order back, the second kept: the reward stands.
    await (await refundWhole(invitee, first))().expect(200);
    expect(await fromInvites(invitee)).toEqual({ pending: 50 });
    expect(await invite(inviter)).toMatchObject({ rewarded: 1, rewardedThisMonth: 1 });

    // Neither side can spend it meanwhile: buy, refund, keep the points never works.
    await spend(inviter, 30).expect(409);
    // The second order back too, and the reward goes, all of it.
    const approve = await refundWhole(invitee, second);
    const approved = await approve().expect(200);
    expect(approved.body).toMatchObject({ shortfall: 0, refunded: approved.body.requested });
    expect(approved.body.pointsClawedBack).toBeGreaterThanOrEqual(50);
    expect(await fromInvites(invitee)).toEqual({ pending: 0 });
    expect(await fromInvites(inviter)).toEqual({ pending: 0 });
    expect(await available(invitee)).toBe(0);
    expect(await available(inviter)).toBe(0);
    expect(await invite(inviter)).toMatchObject({
      rewarded: 0,
      pointsEarned: 0,
      rewardedThisMonth: 0,
    });
    expect((await inbox(inviter)).filter((n) => n.kind === 'referral_reversed')).toEqual([
      expect.objectContaining({
        body: '你邀请的邻居 ref-back-invitee 的首单已全部退款，邀请奖励 80 积分已收回',
      }),
    ]);
    // Approving again changes nothing.
    const { status, refunded, shortfall, pointsClawedBack } = approved.body;
    expect((await approve().expect(200)).body).toMatchObject({
      status,
      refunded,
      shortfall,
      pointsClawedBack,
    });
    expect(await available(inviter)).toBe(0);
    expect((await w.get(w.admin, '/admin/points/reconciliation')).mismatches).toEqual([]);
  });

  it('takes a reward back once when all of an invitee’s orders come back at the same moment', async () => {
    // Orders that earn no points claw nothing back, so nothing else lines the refunds up.
    await w.changePointsPolicy({ earnPointsPerYuan: 0 });
    const inviter = await w.shopperAt('ref-twice-inviter');
    const { inviteCode } = await invite(inviter);
    const invitees = await Promise.all(
      Array.from({ length: 5 }, (_, i) => invitedShopper(`ref-twice-${i}`, inviteCode)),
    );
    const campaign = await w.campaign(w.skus.milk, { minBuyers: 1 });
    const orders = [];
    for (const invitee of invitees)
      orders.push([
        await w.buy(invitee, [{ campaignId: campaign, quantity: 1 }]),
        await w.buy(invitee, [{ campaignId: campaign, quantity: 1 }]),
      ]);
    await w.deliverTo(leader);
    for (const [i, invitee] of invitees.entries())
      for (const order of orders[i]) await w.handOver(leader, invitee, order.id);
    expect(await invite(inviter)).toMatchObject({ rewarded: 2, pointsEarned: 160 });

    const approvals = [];
    for (const [i, invitee] of invitees.entries())
      for (const order of orders[i]) approvals.push(await refundWhole(invitee, order));
    const answers = await Promise.all(approvals.map((approve) => approve()));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));

    for (const invitee of invitees) expect(await available(invitee)).toBe(0);
    expect(await available(inviter)).toBe(0);
    expect(await invite(inviter)).toMatchObject({ rewarded: 0, pointsEarned: 0 });
    const [reversed] = await t.dataSource.query(
      `SELECT count(*) FILTER (WHERE reversed_at IS NOT NULL)::int AS reversed, count(*)::int AS rewards
       FROM referral_rewards WHERE inviter_id = $1`,
      [inviter.id],
    );
    expect(reversed).toEqual({ reversed: 5, rewards: 5 });
    expect((await w.get(w.admin, '/admin/points/reconciliation')).mismatches).toEqual([]);
  });

  const inTransaction = <R>(work: (ctx: RequestContext) => Promise<R>) =>
    t.dataSource.transaction((manager) => work(RequestContext.forSystem('test', manager)));

  it('rewards a first pickup while the inviter’s own points and growth are being written, without a deadlock', async () => {
    // The inviter checks in (points, then growth, which locks their member row) just as their
    // invitee's first order is handed over; the pickup waits for the check-in, not in a cycle.
    const inviter = await w.shopperAt('ref-busy-day-inviter');
    const invitee = await invitedShopper('ref-busy-day', (await invite(inviter)).inviteCode);
    const campaign = await w.campaign(w.skus.apples);
    const order = await w.buy(invitee, [{ campaignId: campaign, quantity: 1 }]);
    const ledger = t.app.get(PointsLedger);
    const tiers = t.app.get(MemberTiersService);
    const referrals = t.app.get(ReferralsService);
    const source = { type: 'check_in', id: randomUUID() };
    await betweenLocks(
      t.dataSource,
      inTransaction,
      (ctx) => ledger.grant(ctx, inviter.id, source, 5, '签到'),
      (ctx) => tiers.recordGrowth(ctx, inviter.id, source, 1),
      () => inTransaction((ctx) => referrals.onPickedUp(ctx, invitee.id, [order.id])),
    );
    expect(await fromInvites(invitee)).toEqual({ pending: 50 });
    expect(await fromInvites(inviter)).toEqual({ pending: 80 });
    expect(await available(inviter)).toBe(5);
  });

  /**
   * An inviter and their invitee with a first order picked up, the inviter's member id the lower
   * of the two: the order the expiry job takes points accounts in puts the inviter's first.
   */
  const pairWithInviterFirst = async (name: string) => {
    const inviter = await w.shopperAt(`${name}-inviter`);
    const { inviteCode } = await invite(inviter);
    let invitee = await invitedShopper(`${name}-0`, inviteCode);
    for (let i = 1; invitee.id < inviter.id; i++)
      invitee = await invitedShopper(`${name}-${i}`, inviteCode);
    const campaign = await w.campaign(w.skus.apples, { minBuyers: 1 });
    const order = await w.buy(invitee, [{ campaignId: campaign, quantity: 1 }]);
    await w.deliverTo(leader);
    await w.handOver(leader, invitee, order.id);
    expect(await fromInvites(inviter)).toEqual({ pending: 80 });
    return { inviter, invitee, order };
  };
  /**
   * Runs `work` while a transaction takes the inviter's points account and then the invitee's,
   * as the expiry job does when both have points due: work that takes the invitee's first and
   * then waits for the inviter's would close a cycle, which PostgreSQL breaks by failing one.
   */
  const whileExpiryHolds = <R>(
    pair: { inviter: { id: string }; invitee: { id: string } },
    work: () => Promise<R>,
  ) => {
    const ledger = t.app.get(PointsLedger);
    return betweenLocks(
      t.dataSource,
      inTransaction,
      (ctx) => ledger.holdAccounts(ctx, [pair.inviter.id]),
      (ctx) => ledger.holdAccounts(ctx, [pair.invitee.id]),
      work,
    );
  };

  it('makes an invite reward spendable as the invitee’s order completes while the expiry job takes both accounts, without a deadlock', async () => {
    const pair = await pairWithInviterFirst('ref-expiring');
    w.clock.advance(8 * 24 * HOUR_MS);
    const completion = t.app.get(OrderCompletionService);
    await whileExpiryHolds(pair, () => inTransaction((ctx) => completion.completeDue(ctx, 100)));
    expect(await fromInvites(pair.invitee)).toEqual({ available: 50 });
    expect(await fromInvites(pair.inviter)).toEqual({ available: 80 });
  });

  it('takes an invite reward back as the invitee’s only order is refunded while the expiry job takes both accounts, without a deadlock', async () => {
    const pair = await pairWithInviterFirst('ref-expiring-refund');
    const approve = await refundWhole(pair.invitee, pair.order);
    const approved = await whileExpiryHolds(pair, () => approve());
    expect(approved.status).toBe(200);
    expect(await fromInvites(pair.invitee)).toEqual({ pending: 0 });
    expect(await fromInvites(pair.inviter)).toEqual({ pending: 0 });
  });

  it('is the member’s own, signed in', async () => {
    await t.http().get('/api/v1/me/invite').expect(401);
    await t.http().get('/api/v1/me/invite').set(as(w.admin)).expect(403);
  });

  it('refuses a cap or points below zero in the policy', async () => {
    const { version, updatedAt, ...rules } = await w.get(w.admin, '/admin/points-policy');
    void version;
    void updatedAt;
    for (const change of [
      { referralMonthlyCap: -1 },
      { referralInviterPoints: -5 },
      { referralInviteePoints: 1.5 },
    ])
      await t
        .http()
        .put('/api/v1/admin/points-policy')
        .set(as(w.admin))
        .send({ ...rules, ...change })
        .expect(400);
  });
});
