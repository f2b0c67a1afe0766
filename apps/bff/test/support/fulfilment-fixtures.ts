import { randomUUID } from 'node:crypto';
import { Clock } from '../../src/common/clock';
import { MemberCodeService } from '../../src/modules/tiers/member-code.service';
import {
  approveLeader,
  createLeaderlessPickupPoints,
  liveCampaign,
  shopperAt as memberAt,
} from './group-buy-fixtures';
import { loginAdmin, TestApp } from './test-app';

export const HOUR_MS = 3_600_000;
export const as = (token: string) => ({ authorization: `Bearer ${token}` });

/**
 * A community with two pickup points that have no leader until `leaderOf` gives them one, and
 * an admin: what the fulfilment specs start from. Everything goes through the HTTP API as the
 * real users would.
 */
export async function fulfilmentWorld(t: TestApp) {
  const admin = await loginAdmin(t);
  const clock = t.app.get(Clock);
  const points = await createLeaderlessPickupPoints(t);
  const product = await t
    .http()
    .post('/api/v1/admin/products')
    .set(as(admin))
    .send({
      name: '邻里鲜果',
      skus: [
        { name: '苹果 3斤', priceFen: 3_990 },
        { name: '鲜牛奶 1L', priceFen: 1_990 },
      ],
    })
    .expect(201);
  const [apples, milk] = product.body.skus.map((s: { id: string }) => s.id) as string[];

  const shopperAt = async (name: string, pickupPointId = points.east) => {
    const login = await memberAt(t, name, pickupPointId);
    return { id: login.member.id, token: login.accessToken };
  };

  /** A member applies to run the pickup point, is approved, and then shops there too. */
  const leaderOf = async (name: string, pickupPointId: string) => {
    const leader = await approveLeader(t, pickupPointId, name);
    await t
      .http()
      .put('/api/v1/me/pickup-point')
      .set(as(leader.accessToken))
      .send({ pickupPointId })
      .expect(200);
    return { id: leader.member.id, token: leader.accessToken };
  };

  const campaign = async (skuId: string, overrides: Record<string, unknown> = {}) => {
    const draft = await t
      .http()
      .post('/api/v1/admin/campaigns')
      .set(as(admin))
      .send(
        liveCampaign(skuId, {
          // Live by the app's clock, which the specs move forward.
          startsAt: new Date(clock.now().getTime() - HOUR_MS).toISOString(),
          cutsOffAt: new Date(clock.now().getTime() + 24 * HOUR_MS).toISOString(),
          pickupDate: new Date(clock.now().getTime() + 72 * HOUR_MS).toISOString().slice(0, 10),
          ...overrides,
        }),
      )
      .expect(201);
    await t
      .http()
      .post(`/api/v1/admin/campaigns/${draft.body.id}/publish`)
      .set(as(admin))
      .expect(200);
    return draft.body.id as string;
  };

  /** Places and pays an order; returns the paid order. */
  const buy = async (
    shopper: { token: string },
    items: { campaignId: string; quantity: number }[],
    pointsToUse = 0,
  ) => {
    const placed = await t
      .http()
      .post('/api/v1/orders')
      .set(as(shopper.token))
      .set('Idempotency-Key', randomUUID())
      .send({ items, pointsToUse })
      .expect(201);
    const paid = await t
      .http()
      .post(`/api/v1/orders/${placed.body.id}/pay`)
      .set(as(shopper.token))
      .expect(200);
    return paid.body.order;
  };

  /** A GET as the token's holder that must succeed; its body. */
  const get = (token: string, path: string) =>
    t
      .http()
      .get(`/api/v1${path}`)
      .set(as(token))
      .expect(200)
      .then((r) => r.body);

  const runJob = (name: string) =>
    t.http().post(`/api/v1/admin/jobs/${name}/run`).set(as(admin)).expect(200);

  /** The cut-off comes; the leader's batches still packing are dispatched and received. */
  const deliverTo = async (leader: { token: string }) => {
    clock.advance(25 * HOUR_MS);
    await runJob('cut-off-campaigns');
    const { items: batches }: { items: { id: string; state: string }[] } = await get(
      leader.token,
      '/leader/deliveries?limit=100',
    );
    for (const batch of batches.filter((b) => b.state === 'packing')) {
      await t
        .http()
        .post(`/api/v1/admin/deliveries/${batch.id}/dispatch`)
        .set(as(admin))
        .expect(200);
      await t
        .http()
        .post(`/api/v1/leader/deliveries/${batch.id}/receive`)
        .set(as(leader.token))
        .expect(200);
    }
  };

  /** The shopper shows the order's pickup code and the leader verifies it. */
  const handOver = async (
    leader: { token: string },
    shopper: { token: string },
    orderId: string,
  ) => {
    const { pickupCode } = await get(shopper.token, `/me/orders/${orderId}`);
    await t
      .http()
      .post('/api/v1/leader/pickups/verify')
      .set(as(leader.token))
      .send({ code: pickupCode })
      .expect(200);
  };

  const memberCode = (memberId: string) => t.app.get(MemberCodeService).issue(memberId).memberCode;

  /** An operator creates a coupon: 满 30 减 5 for the next 30 days unless `body` says otherwise. */
  const createCoupon = (body: Record<string, unknown> = {}) =>
    t
      .http()
      .post('/api/v1/admin/coupons')
      .set(as(admin))
      .send({
        name: '满 30 减 5',
        kind: 'fixed',
        amountFen: 500,
        minSpendFen: 3_000,
        validFrom: new Date(clock.now().getTime() - HOUR_MS).toISOString(),
        validUntil: new Date(clock.now().getTime() + 30 * 24 * HOUR_MS).toISOString(),
        ...body,
      });

  /** The shopper asks for units of their order's lines back after-sales; the request. */
  const requestRefund = async (
    shopper: { token: string },
    orderId: string,
    lines: { orderLineId: string; quantity: number }[],
    reason = '坏了',
  ) =>
    (
      await t
        .http()
        .post(`/api/v1/me/orders/${orderId}/refunds`)
        .set(as(shopper.token))
        .set('Idempotency-Key', randomUUID())
        .send({ lines, reason })
        .expect(201)
    ).body as { id: string; requested: number };

  /** An operator approves a refund request; the answer, to check. */
  const approveRefund = (requestId: string) =>
    t
      .http()
      .post(`/api/v1/admin/refunds/${requestId}/approve`)
      .set(as(admin))
      .send({ note: '核实' });

  /** An operator changes some of the points policy, keeping the rest. */
  const changePointsPolicy = async (changes: Record<string, unknown>) => {
    const { version, updatedAt, ...rules } = await get(admin, '/admin/points-policy');
    void version;
    void updatedAt;
    await t
      .http()
      .put('/api/v1/admin/points-policy')
      .set(as(admin))
      .send({ ...rules, ...changes })
      .expect(200);
  };

  return {
    admin,
    points,
    skus: { apples, milk },
    shopperAt,
    leaderOf,
    campaign,
    buy,
    get,
    runJob,
    deliverTo,
    handOver,
    memberCode,
    createCoupon,
    requestRefund,
    approveRefund,
    changePointsPolicy,
    clock,
  };
}
