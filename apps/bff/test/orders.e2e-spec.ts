import { ErrorCode, formatYuan } from '@linli/shared';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TokenService } from '../src/common/auth/token.service';
import {
  SandboxPaymentProvider,
  SANDBOX_SIGNATURE_HEADER,
} from '../src/modules/payments/sandbox-payment.provider';
import {
  createPickupPoints,
  liveCampaign,
  shopperAt as memberAt,
} from './support/group-buy-fixtures';
import { lockWaits } from './support/lock-waits';
import { pointsOf } from './support/points-helpers';
import { loginAdmin, startTestApp, TestApp } from './support/test-app';

describe('checkout and orders', () => {
  let t: TestApp;
  let admin: string;
  let skuId: string;
  let points: { east: string; west: string };
  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  const newCampaign = async (overrides: Record<string, unknown> = {}) => {
    const draft = await t
      .http()
      .post('/api/v1/admin/campaigns')
      .set(as(admin))
      .send(liveCampaign(skuId, overrides))
      .expect(201);
    await t
      .http()
      .post(`/api/v1/admin/campaigns/${draft.body.id}/publish`)
      .set(as(admin))
      .expect(200);
    return draft.body.id as string;
  };
  const shopperAt = (name: string, pickupPointId = points.east) => memberAt(t, name, pickupPointId);
  const order = (token: string, body: object, key: string | null = randomUUID()) => {
    const req = t.http().post('/api/v1/orders').set(as(token));
    if (key) req.set('Idempotency-Key', key);
    return req.send(body);
  };
  const pay = (token: string, orderId: string) =>
    t.http().post(`/api/v1/orders/${orderId}/pay`).set(as(token));
  /** One unit of the campaign, ordered and paid through the sandbox: the order as placed. */
  const paidOrder = async (token: string, campaignId: string) => {
    const placed = await order(token, { items: [{ campaignId, quantity: 1 }] }).expect(201);
    await pay(token, placed.body.id).expect(200);
    return placed;
  };
  /** Many shoppers at the east pickup point, written straight to the database, with their tokens. */
  const buyersAtEast = (count: number): Promise<{ id: string; token: string }[]> => {
    const tokens = t.app.get(TokenService);
    return Promise.all(
      Array.from({ length: count }, async () => {
        const [row] = await t.dataSource.query(
          `INSERT INTO members (openid, nickname, invite_code, pickup_point_id) VALUES ($1, 'buyer', $2, $3) RETURNING id`,
          [`buyer_${randomUUID()}`, `B${randomUUID().slice(0, 9).toUpperCase()}`, points.east],
        );
        return {
          id: row.id,
          token: tokens.signAccess({ kind: 'member', id: row.id, roles: ['shopper'] }),
        };
      }),
    );
  };
  /** What the shopper was told about one order, newest first. */
  const noticesAbout = async (token: string, orderId: string) =>
    (
      await t.http().get('/api/v1/me/notifications?limit=100').set(as(token)).expect(200)
    ).body.items.filter((n: { data: { orderId?: string } }) => n.data.orderId === orderId);
  /** What the shopper is told once the whole order's money is back: at once, in the sandbox. */
  const moneyBack = (placed: { id: string; payable: number; lines: { title: string }[] }) =>
    expect.objectContaining({
      kind: 'refund_settled',
      title: '退款已到账',
      body: `「${placed.lines[0].title}」订单退款 ${formatYuan(placed.payable)} 已到账。`,
      data: { orderId: placed.id, refundFen: placed.payable },
    });
  /** The order's refunds; the sandbox pays back at once, so each is settled when made. */
  const refundsOf = (orderId: string) =>
    t.dataSource.query(
      `SELECT reason, amount_fen, status, settled_at IS NOT NULL AS settled FROM refunds WHERE order_id = $1`,
      [orderId],
    );

  beforeAll(async () => {
    // The flash sale queues a thousand requests for connections: let them wait rather than shed load.
    t = await startTestApp({ DB_POOL_SIZE: '20', DB_CONNECT_TIMEOUT_MS: '120000' });
    admin = await loginAdmin(t);
    points = await createPickupPoints(t);
    const product = await t
      .http()
      .post('/api/v1/admin/products')
      .set(as(admin))
      .send({
        name: '赣南脐橙',
        images: ['https://img.example/orange.jpg', 'https://img.example/box.jpg'],
        skus: [{ name: '5斤装', priceFen: 3_990 }],
      })
      .expect(201);
    skuId = product.body.skus[0].id;
  });
  afterAll(() => t.close());

  describe('quote', () => {
    it('shows every step of the price, with points capped at half', async () => {
      const campaignId = await newCampaign();
      const buyer = await shopperAt('quote-buyer');
      await t.dataSource.query(`UPDATE members SET tier = 'silver' WHERE id = $1`, [
        buyer.member.id,
      ]);
      await pointsOf(t).inTransaction((ctx) =>
        pointsOf(t).ledger.adjust(ctx, buyer.member.id, 10_000, 'gift', 'quote-gift'),
      );
      const res = await t
        .http()
        .post('/api/v1/orders/quote')
        .set(as(buyer.accessToken))
        .send({ items: [{ campaignId, quantity: 2 }], pointsToUse: 10_000 })
        .expect(200);
      // 2 x 29.90 = 59.80; silver 98% -> 58.60; points at most 50% -> 29.30
      expect(res.body).toMatchObject({
        subtotal: 5_980,
        tierDiscount: 120,
        couponDiscount: 0,
        pointsUsed: 2_930,
        pointsDiscount: 2_930,
        payable: 2_930,
        pointsToEarn: 34, // floor(29 yuan x 1.2)
      });
      expect(res.body.lines).toEqual([
        expect.objectContaining({ campaignId, quantity: 2, unitPrice: 2_990, payable: 2_930 }),
      ]);
    });

    it('refuses to quote more than the member may still buy, counting what they already ordered', async () => {
      const campaignId = await newCampaign({ perMemberLimit: 3 });
      const buyer = await shopperAt('quote-limit-left');
      await order(buyer.accessToken, { items: [{ campaignId, quantity: 2 }] }).expect(201);
      const quote = (quantity: number) =>
        t
          .http()
          .post('/api/v1/orders/quote')
          .set(as(buyer.accessToken))
          .send({ items: [{ campaignId, quantity }] });
      await quote(1).expect(200);
      const refused = await quote(2).expect(409);
      expect(refused.body.error).toMatchObject({
        code: ErrorCode.PurchaseLimitExceeded,
        details: { campaignId, limit: 3, alreadyOrdered: 2 },
      });
    });

    it.each([
      ['an empty basket', { items: [] }],
      ['a zero quantity', { items: [{ campaignId: randomUUID(), quantity: 0 }] }],
      ['a client-set price', { items: [{ campaignId: randomUUID(), quantity: 1, priceFen: 1 }] }],
      ['negative points', { items: [{ campaignId: randomUUID(), quantity: 1 }], pointsToUse: -5 }],
    ])('refuses %s', async (_, body) => {
      const buyer = await shopperAt(`quote-bad-${randomUUID().slice(0, 6)}`);
      const res = await t
        .http()
        .post('/api/v1/orders/quote')
        .set(as(buyer.accessToken))
        .send(body)
        .expect(400);
      expect(res.body.error.code).toBe(ErrorCode.ValidationFailed);
    });

    it('refuses, in the quote and the order, a basket that comes to more than one order can hold', async () => {
      const product = await t
        .http()
        .post('/api/v1/admin/products')
        .set(as(admin))
        .send({ name: '金条', skus: [{ name: '1公斤', priceFen: 100_000_000 }] })
        .expect(201);
      const campaignId = await newCampaign({
        skuId: product.body.skus[0].id,
        groupPriceFen: 100_000_000,
        perMemberLimit: 99,
      });
      const buyer = await shopperAt('quote-too-large');
      // 22 x 1,000,000 yuan = 2,200,000,000 fen: more than an order's amounts can hold.
      const tooLarge = { items: [{ campaignId, quantity: 22 }] };
      const quoted = await t
        .http()
        .post('/api/v1/orders/quote')
        .set(as(buyer.accessToken))
        .send(tooLarge)
        .expect(400);
      expect(quoted.body.error).toMatchObject({
        code: ErrorCode.ValidationFailed,
        details: { subtotal: 2_200_000_000, maxSubtotal: 2_147_483_647 },
      });
      const refused = await order(buyer.accessToken, tooLarge).expect(400);
      expect(refused.body.error.code).toBe(ErrorCode.ValidationFailed);

      const largest = await order(buyer.accessToken, {
        items: [{ campaignId, quantity: 21 }],
      }).expect(201);
      expect(largest.body).toMatchObject({ subtotal: 2_100_000_000, payable: 2_100_000_000 });
    });

    it('refuses campaigns that are not open or not offered to the member', async () => {
      const buyer = await shopperAt('quote-closed');
      const westOnly = await newCampaign({ pickupPointIds: [points.west] });
      await t
        .http()
        .post('/api/v1/orders/quote')
        .set(as(buyer.accessToken))
        .send({ items: [{ campaignId: westOnly, quantity: 1 }] })
        .expect(404);
      const upcoming = await newCampaign({
        startsAt: new Date(Date.now() + 3_600_000).toISOString(),
        cutsOffAt: new Date(Date.now() + 7_200_000).toISOString(),
      });
      const res = await t
        .http()
        .post('/api/v1/orders/quote')
        .set(as(buyer.accessToken))
        .send({ items: [{ campaignId: upcoming, quantity: 1 }] })
        .expect(409);
      expect(res.body.error).toMatchObject({
        code: ErrorCode.CampaignNotOpen,
        details: { state: 'scheduled' },
      });
    });
  });

  describe('placing orders', () => {
    it('refuses an order whose price is no longer the one the shopper saw, and takes nothing', async () => {
      const campaignId = await newCampaign({ stock: 10 });
      const buyer = await shopperAt('price-changed');
      await pointsOf(t).inTransaction((ctx) =>
        pointsOf(t).ledger.adjust(ctx, buyer.member.id, 500, 'gift', 'price-changed-gift'),
      );
      const basket = { items: [{ campaignId, quantity: 2 }], pointsToUse: 500 };
      const quoted = await t
        .http()
        .post('/api/v1/orders/quote')
        .set(as(buyer.accessToken))
        .send(basket)
        .expect(200);
      expect(quoted.body.payable).toBe(5_480);
      // Meanwhile 300 of the points are taken back: 200 are left to use, the order comes to more.
      await pointsOf(t).inTransaction((ctx) =>
        pointsOf(t).ledger.adjust(ctx, buyer.member.id, -300, 'correction', 'price-changed-fix'),
      );
      const refused = await order(buyer.accessToken, {
        ...basket,
        expectedPayable: quoted.body.payable,
      }).expect(409);
      expect(refused.body.error).toMatchObject({
        code: ErrorCode.PriceChanged,
        details: { expectedPayable: 5_480, payable: 5_780 },
      });
      const [{ stock_left }] = await t.dataSource.query(
        `SELECT stock_left FROM campaigns WHERE id = $1`,
        [campaignId],
      );
      expect(stock_left).toBe(10);
      const wallet = await t.http().get('/api/v1/me/points').set(as(buyer.accessToken)).expect(200);
      expect(wallet.body.available).toBe(200);
      const placed = await order(buyer.accessToken, { ...basket, expectedPayable: 5_780 }).expect(
        201,
      );
      expect(placed.body).toMatchObject({ payable: 5_780, pointsUsed: 200 });
    });

    it.each([[-1], [1.5], ['5480']])('refuses an expected payable of %j', async (expected) => {
      const campaignId = await newCampaign();
      const buyer = await shopperAt(`expected-bad-${randomUUID().slice(0, 6)}`);
      const res = await order(buyer.accessToken, {
        items: [{ campaignId, quantity: 1 }],
        expectedPayable: expected,
      }).expect(400);
      expect(res.body.error.code).toBe(ErrorCode.ValidationFailed);
    });

    it('reserves stock, spends points and awaits payment for 15 minutes', async () => {
      const campaignId = await newCampaign({ stock: 10 });
      const buyer = await shopperAt('order-buyer');
      await pointsOf(t).inTransaction((ctx) =>
        pointsOf(t).ledger.adjust(ctx, buyer.member.id, 500, 'gift', 'order-gift'),
      );
      const res = await order(buyer.accessToken, {
        items: [{ campaignId, quantity: 2 }],
        pointsToUse: 500,
      }).expect(201);
      expect(res.body).toMatchObject({
        state: 'pending_payment',
        pickupPointId: points.east,
        pickupPoint: { id: points.east, name: '东门', address: '文三路' },
        pointsUsed: 500,
        payable: 5_480,
      });
      const [{ pickup_date }] = await t.dataSource.query(
        `SELECT pickup_date FROM campaigns WHERE id = $1`,
        [campaignId],
      );
      expect(res.body.lines).toEqual([
        expect.objectContaining({
          campaignId,
          pickupDate: pickup_date,
          image: 'https://img.example/orange.jpg',
        }),
      ]);
      expect(new Date(res.body.expiresAt).getTime() - Date.now()).toBeGreaterThan(14 * 60_000);
      const [{ stock_left }] = await t.dataSource.query(
        `SELECT stock_left FROM campaigns WHERE id = $1`,
        [campaignId],
      );
      expect(stock_left).toBe(8);
      expect(
        (await t.http().get('/api/v1/me/points').set(as(buyer.accessToken))).body.available,
      ).toBe(0);
      const mine = await t
        .http()
        .get(`/api/v1/me/orders/${res.body.id}`)
        .set(as(buyer.accessToken))
        .expect(200);
      expect(mine.body).toEqual(res.body);

      // Moving to another pickup point leaves the order where it was placed.
      await shopperAt('order-buyer', points.west);
      const afterMove = await t
        .http()
        .get(`/api/v1/me/orders/${res.body.id}`)
        .set(as(buyer.accessToken))
        .expect(200);
      expect(afterMove.body.pickupPoint).toEqual(res.body.pickupPoint);
    });

    it('places the order at the pickup point the campaign was checked against, even if the member moves meanwhile', async () => {
      const campaignId = await newCampaign({ stock: 10, pickupPointIds: [points.east] });
      const buyer = await shopperAt('order-moving');
      // Holds the order just after it has read the member's pickup point, before it reads the campaign.
      const blocker = t.dataSource.createQueryRunner();
      await blocker.connect();
      let placed: Promise<{ status: number; body: { pickupPointId: string } }>;
      try {
        await blocker.startTransaction();
        await blocker.query(`LOCK TABLE campaigns IN ACCESS EXCLUSIVE MODE`);
        placed = order(buyer.accessToken, { items: [{ campaignId, quantity: 1 }] }).then((r) => r);
        for (let waiting = 0; waiting === 0; ) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          [{ waiting }] = await t.dataSource.query(
            `SELECT count(*)::int AS waiting FROM pg_locks WHERE relation = 'campaigns'::regclass AND NOT granted`,
          );
        }
        await t
          .http()
          .put('/api/v1/me/pickup-point')
          .set(as(buyer.accessToken))
          .send({ pickupPointId: points.west })
          .expect(200);
        await blocker.commitTransaction();
      } finally {
        await blocker.release();
      }
      const res = await placed;
      expect(res.status).toBe(201);
      expect(res.body.pickupPointId).toBe(points.east);
    });

    it('replays an order for the same key and refuses the key with another basket', async () => {
      const campaignId = await newCampaign({ stock: 10 });
      const buyer = await shopperAt('order-replayer');
      const key = randomUUID();
      const first = await order(
        buyer.accessToken,
        { items: [{ campaignId, quantity: 1 }] },
        key,
      ).expect(201);
      const again = await order(
        buyer.accessToken,
        { items: [{ campaignId, quantity: 1 }] },
        key,
      ).expect(201);
      expect(again.body).toEqual(first.body);
      await order(buyer.accessToken, { items: [{ campaignId, quantity: 2 }] }, key).expect(422);
      const [{ stock_left }] = await t.dataSource.query(
        `SELECT stock_left FROM campaigns WHERE id = $1`,
        [campaignId],
      );
      expect(stock_left).toBe(9);
      // Sent without a key, an order is an order of its own each time.
      const unkeyed = await order(
        buyer.accessToken,
        { items: [{ campaignId, quantity: 1 }] },
        null,
      ).expect(201);
      expect(unkeyed.body.id).not.toBe(first.body.id);
    });

    it('holds the per-member limit across orders, and stops at the stock', async () => {
      const campaignId = await newCampaign({ stock: 4, perMemberLimit: 3 });
      const buyer = await shopperAt('order-limited');
      const yourQuantity = async () => {
        const detail = await t
          .http()
          .get(`/api/v1/campaigns/${campaignId}`)
          .set(as(buyer.accessToken))
          .expect(200);
        const list = await t.http().get('/api/v1/campaigns?limit=100').set(as(buyer.accessToken));
        const listed = list.body.items.find((c: { id: string }) => c.id === campaignId);
        expect(listed.yourQuantity).toBe(detail.body.yourQuantity);
        return detail.body.yourQuantity;
      };
      expect(await yourQuantity()).toBe(0);
      const first = await order(buyer.accessToken, { items: [{ campaignId, quantity: 2 }] }).expect(
        201,
      );
      // The shopper is shown what they hold already, so as not to ask for more than the limit.
      expect(await yourQuantity()).toBe(2);
      const over = await order(buyer.accessToken, { items: [{ campaignId, quantity: 2 }] }).expect(
        409,
      );
      expect(over.body.error.code).toBe(ErrorCode.PurchaseLimitExceeded);
      await t
        .http()
        .post(`/api/v1/orders/${first.body.id}/cancel`)
        .set(as(buyer.accessToken))
        .expect(200);
      expect(await yourQuantity()).toBe(0);
      await order(buyer.accessToken, { items: [{ campaignId, quantity: 2 }] }).expect(201);
      const other = await shopperAt('order-other');
      const sold = await order(other.accessToken, { items: [{ campaignId, quantity: 3 }] }).expect(
        409,
      );
      expect(sold.body.error.code).toBe(ErrorCode.OutOfStock);
      await order(other.accessToken, { items: [{ campaignId, quantity: 2 }] }).expect(201);
    });

    describe('of several campaigns', () => {
      // An order's campaigns are cut off together: these share one cut-off, after the other
      // campaigns of this file, whose place in the shopper's list they leave as it was.
      const cutsOffAt = new Date(Date.now() + 48 * 3_600_000).toISOString();
      const stockOf = async (campaignId: string) =>
        (
          await t.dataSource.query(`SELECT stock_left FROM campaigns WHERE id = $1`, [campaignId])
        )[0].stock_left;
      const heldBy = async (memberId: string) =>
        Object.fromEntries(
          (
            await t.dataSource.query(
              `SELECT campaign_id, quantity FROM campaign_member_quantities WHERE member_id = $1 AND quantity > 0`,
              [memberId],
            )
          ).map((r: { campaign_id: string; quantity: number }) => [r.campaign_id, r.quantity]),
        );

      it("reserves each campaign's stock and holds the member's quantity of each", async () => {
        const a = await newCampaign({ stock: 5, cutsOffAt });
        const b = await newCampaign({ stock: 5, cutsOffAt });
        const buyer = await shopperAt('basket-two');
        const placed = await order(buyer.accessToken, {
          items: [
            { campaignId: b, quantity: 1 },
            { campaignId: a, quantity: 2 },
          ],
        }).expect(201);
        expect(placed.body.lines.map((l: { campaignId: string }) => l.campaignId)).toEqual(
          [a, b].sort(),
        );
        expect(placed.body).toMatchObject({ subtotal: 3 * 2_990, payable: 3 * 2_990 });
        expect([await stockOf(a), await stockOf(b)]).toEqual([3, 4]);
        expect(await heldBy(buyer.member.id)).toEqual({ [a]: 2, [b]: 1 });
      });

      it('refuses the order when one campaign has too few left, naming it, and takes nothing', async () => {
        const a = await newCampaign({ stock: 5, cutsOffAt });
        const b = await newCampaign({ stock: 1, perMemberLimit: 1, minBuyers: 1, cutsOffAt });
        const other = await shopperAt('basket-first-buyer');
        await order(other.accessToken, { items: [{ campaignId: b, quantity: 1 }] }).expect(201);
        const buyer = await shopperAt('basket-sold-out');
        const refused = await order(buyer.accessToken, {
          items: [
            { campaignId: a, quantity: 1 },
            { campaignId: b, quantity: 1 },
          ],
        }).expect(409);
        expect(refused.body.error).toMatchObject({
          code: ErrorCode.OutOfStock,
          details: { campaignId: b },
        });
        expect([await stockOf(a), await stockOf(b)]).toEqual([5, 0]);
        expect(await heldBy(buyer.member.id)).toEqual({});
        const orders = await t.http().get('/api/v1/me/orders').set(as(buyer.accessToken));
        expect(orders.body.items).toEqual([]);
      });

      it('refuses the order past the limit of one campaign, naming it, and takes nothing', async () => {
        const a = await newCampaign({ stock: 10, perMemberLimit: 3, cutsOffAt });
        const b = await newCampaign({ stock: 10, perMemberLimit: 3, cutsOffAt });
        const buyer = await shopperAt('basket-limit');
        await order(buyer.accessToken, { items: [{ campaignId: a, quantity: 2 }] }).expect(201);
        const refused = await order(buyer.accessToken, {
          items: [
            { campaignId: b, quantity: 1 },
            { campaignId: a, quantity: 2 },
          ],
        }).expect(409);
        expect(refused.body.error).toMatchObject({
          code: ErrorCode.PurchaseLimitExceeded,
          details: { campaignId: a, limit: 3, alreadyOrdered: 2 },
        });
        expect([await stockOf(a), await stockOf(b)]).toEqual([8, 10]);
        expect(await heldBy(buyer.member.id)).toEqual({ [a]: 2 });
      });

      it('cancels an order while another of the member takes the same campaigns, without a deadlock', async () => {
        const [low, high] = [
          await newCampaign({ stock: 5, cutsOffAt }),
          await newCampaign({ stock: 5, cutsOffAt }),
        ].sort();
        const buyer = await shopperAt('basket-cancel-while-ordering');
        const placed = await order(buyer.accessToken, {
          items: [
            { campaignId: high, quantity: 1 },
            { campaignId: low, quantity: 1 },
          ],
        }).expect(201);
        // A new order of the member takes their quantities in campaign-id order, as every request
        // does: the lower campaign's, then, once the cancel has come in, the higher's.
        const ordering = t.dataSource.createQueryRunner();
        await ordering.connect();
        const takeQuantity = (campaignId: string) =>
          ordering.query(
            `SELECT 1 FROM campaign_member_quantities WHERE member_id = $1 AND campaign_id = $2 FOR UPDATE`,
            [buyer.member.id, campaignId],
          );
        try {
          await ordering.startTransaction();
          await takeQuantity(low);
          const cancelling = t
            .http()
            .post(`/api/v1/orders/${placed.body.id}/cancel`)
            .set(as(buyer.accessToken))
            .then((r) => r);
          await lockWaits(t.dataSource, 1);
          await takeQuantity(high);
          await ordering.commitTransaction();
          expect((await cancelling).status).toBe(200);
        } finally {
          await ordering.release();
        }
        expect(await heldBy(buyer.member.id)).toEqual({});
        expect([await stockOf(low), await stockOf(high)]).toEqual([5, 5]);
      });

      it('answers for the first item refused, in the order the member listed them', async () => {
        const westOnly = await newCampaign({ pickupPointIds: [points.west], cutsOffAt });
        const upcoming = await newCampaign({
          startsAt: new Date(Date.now() + 3_600_000).toISOString(),
          cutsOffAt,
        });
        const buyer = await shopperAt('basket-refused');
        const basket = (first: string, second: string) => ({
          items: [
            { campaignId: first, quantity: 1 },
            { campaignId: second, quantity: 1 },
          ],
        });
        const notOffered = await order(buyer.accessToken, basket(westOnly, upcoming)).expect(404);
        expect(notOffered.body.error.details).toEqual({ campaignId: westOnly });
        const notOpen = await t
          .http()
          .post('/api/v1/orders/quote')
          .set(as(buyer.accessToken))
          .send(basket(upcoming, westOnly))
          .expect(409);
        expect(notOpen.body.error).toMatchObject({
          code: ErrorCode.CampaignNotOpen,
          details: { campaignId: upcoming, state: 'scheduled' },
        });
      });
    });

    it('shows a member only their own orders, newest first, a page at a time', async () => {
      const campaignId = await newCampaign({ stock: 50, perMemberLimit: 10 });
      const buyer = await shopperAt('order-lister');
      const ids = [];
      for (let i = 0; i < 3; i++)
        ids.push(
          (await order(buyer.accessToken, { items: [{ campaignId, quantity: 1 }] }).expect(201))
            .body.id,
        );
      const first = await t
        .http()
        .get('/api/v1/me/orders?limit=2')
        .set(as(buyer.accessToken))
        .expect(200);
      expect(first.body.items.map((o: { id: string }) => o.id)).toEqual([ids[2], ids[1]]);
      const second = await t
        .http()
        .get(`/api/v1/me/orders?limit=2&cursor=${first.body.nextCursor}`)
        .set(as(buyer.accessToken))
        .expect(200);
      expect(second.body).toMatchObject({
        items: [expect.objectContaining({ id: ids[0] })],
        nextCursor: null,
      });
      const stranger = await shopperAt('order-stranger');
      await t.http().get(`/api/v1/me/orders/${ids[0]}`).set(as(stranger.accessToken)).expect(404);
      expect(
        (await t.http().get('/api/v1/me/orders').set(as(stranger.accessToken))).body.items,
      ).toEqual([]);
    });

    it('shows one tab of a member’s orders at a time: to pay, to pick up, picked up, refunded', async () => {
      const campaignId = await newCampaign({ stock: 50, perMemberLimit: 10 });
      const buyer = await shopperAt('order-tabs');
      const place = async () =>
        (await order(buyer.accessToken, { items: [{ campaignId, quantity: 1 }] }).expect(201)).body
          .id as string;
      const unpaid = await place();
      const [paid, later] = [await place(), await place()];
      for (const id of [paid, later]) await pay(buyer.accessToken, id).expect(200);
      const cancelled = await place();
      await t
        .http()
        .post(`/api/v1/orders/${cancelled}/cancel`)
        .set(as(buyer.accessToken))
        .expect(200);
      // Picked up and partly refunded after-sales, as fulfilment leaves them.
      const [pickedUp, partlyRefunded] = [await place(), await place()];
      await t.dataSource.query(
        `UPDATE orders SET state = CASE id WHEN $1 THEN 'picked_up' ELSE 'partially_refunded' END
         WHERE id IN ($1, $2)`,
        [pickedUp, partlyRefunded],
      );
      const tab = async (query: string, token = buyer.accessToken, path = '/api/v1/me/orders') =>
        (await t.http().get(`${path}?${query}`).set(as(token)).expect(200)).body;
      const ids = async (query: string) =>
        (await tab(query)).items.map((o: { id: string }) => o.id);

      expect(await ids('stage=to_pay')).toEqual([unpaid]);
      expect(await ids('stage=to_pick_up')).toEqual([later, paid]);
      expect(await ids('stage=picked_up')).toEqual([pickedUp]);
      expect(await ids('stage=refunded')).toEqual([partlyRefunded]);
      expect(await ids('')).toEqual([partlyRefunded, pickedUp, cancelled, later, paid, unpaid]);
      const first = await tab('stage=to_pick_up&limit=1');
      expect(first.items.map((o: { id: string }) => o.id)).toEqual([later]);
      const rest = await tab(`stage=to_pick_up&limit=1&cursor=${first.nextCursor}`);
      expect(rest).toMatchObject({
        items: [expect.objectContaining({ id: paid })],
        nextCursor: null,
      });
      // The operator's view of the member's orders has the same tabs.
      const forOperator = await tab(
        'stage=to_pick_up',
        admin,
        `/api/v1/admin/members/${buyer.member.id}/orders`,
      );
      expect(forOperator.items.map((o: { id: string }) => o.id)).toEqual([later, paid]);

      for (const stage of ['cancelled', 'paid', '']) {
        const bad = await t
          .http()
          .get(`/api/v1/me/orders?stage=${stage}`)
          .set(as(buyer.accessToken))
          .expect(400);
        expect(bad.body.error.code).toBe(ErrorCode.ValidationFailed);
      }
    });
  });

  describe('an order overtaken by a withdrawal', () => {
    it('tells the shopper the group-buy is no longer open, not that it sold out, and takes nothing', async () => {
      const campaignId = await newCampaign({ stock: 10 });
      const buyer = await shopperAt('overtaken-buyer');
      // Hold the buyer's quantity row, so that their order, already priced, waits for it.
      const holder = t.dataSource.createQueryRunner();
      await holder.connect();
      await holder.startTransaction();
      await holder.query(
        `INSERT INTO campaign_member_quantities (campaign_id, member_id, quantity) VALUES ($1, $2, 0)`,
        [campaignId, buyer.member.id],
      );
      const placing = order(buyer.accessToken, { items: [{ campaignId, quantity: 1 }] }).then(
        (res) => res,
      );
      await lockWaits(t.dataSource);
      // Nobody holds a unit yet (stock is taken last), so the operator may withdraw it.
      await t
        .http()
        .post(`/api/v1/admin/campaigns/${campaignId}/withdraw`)
        .set(as(admin))
        .expect(200);
      await holder.rollbackTransaction();
      await holder.release();

      const refused = await placing;
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({
        code: ErrorCode.CampaignNotOpen,
        details: { campaignId, state: 'draft' },
      });
      const [{ stock_left, orders }] = await t.dataSource.query(
        `SELECT stock_left, (SELECT count(*)::int FROM order_lines WHERE campaign_id = $1) AS orders
         FROM campaigns WHERE id = $1`,
        [campaignId],
      );
      expect({ stock_left, orders }).toEqual({ stock_left: 10, orders: 0 });
    });
  });

  describe('operators looking orders up', () => {
    it('finds any order by its id, saying whose it is and hiding its pickup code', async () => {
      const campaignId = await newCampaign();
      const buyer = await shopperAt('lookup-buyer');
      const placed = await paidOrder(buyer.accessToken, campaignId);
      const own = (
        await t.http().get(`/api/v1/me/orders/${placed.body.id}`).set(as(buyer.accessToken))
      ).body;
      expect(own.pickupCode).toMatch(/^\d{8}$/);

      const seen = await t
        .http()
        .get(`/api/v1/admin/orders/${placed.body.id}`)
        .set(as(admin))
        .expect(200);
      const { pickupCode: _code, ...shared } = own;
      expect(seen.body).toEqual({
        ...shared,
        memberId: buyer.member.id,
        memberNickname: 'lookup-buyer',
      });
      expect(seen.body).not.toHaveProperty('pickupCode');

      await t.http().get(`/api/v1/admin/orders/${randomUUID()}`).set(as(admin)).expect(404);
      await t.http().get('/api/v1/admin/orders/not-an-id').set(as(admin)).expect(400);
      await t
        .http()
        .get(`/api/v1/admin/orders/${placed.body.id}`)
        .set(as(buyer.accessToken))
        .expect(403);
    });

    it('lists the orders of one campaign, newest first, a stage and a page at a time', async () => {
      // One cut-off for both, as an order of two campaigns needs, after the file's other ones.
      const cutsOffAt = new Date(Date.now() + 48 * 3_600_000).toISOString();
      const roomy = { stock: 50, perMemberLimit: 10, cutsOffAt };
      const [campaignId, otherCampaignId] = [await newCampaign(roomy), await newCampaign(roomy)];
      const [ann, ben] = [await shopperAt('campaign-ann'), await shopperAt('campaign-ben')];
      const annPaid = (await paidOrder(ann.accessToken, campaignId)).body.id;
      const benUnpaid = (
        await order(ben.accessToken, { items: [{ campaignId, quantity: 2 }] }).expect(201)
      ).body.id;
      // Both campaigns in one order: it is an order of each.
      const both = (
        await order(ben.accessToken, {
          items: [
            { campaignId, quantity: 1 },
            { campaignId: otherCampaignId, quantity: 1 },
          ],
        }).expect(201)
      ).body.id;
      const onlyOther = (await paidOrder(ann.accessToken, otherCampaignId)).body.id;

      const list = async (id: string, query = '') =>
        (
          await t
            .http()
            .get(`/api/v1/admin/campaigns/${id}/orders?${query}`)
            .set(as(admin))
            .expect(200)
        ).body;
      const ids = async (id: string, query = '') =>
        (await list(id, query)).items.map((o: { id: string }) => o.id);

      expect(await ids(campaignId)).toEqual([both, benUnpaid, annPaid]);
      expect(await ids(otherCampaignId)).toEqual([onlyOther, both]);
      expect(await ids(campaignId, 'stage=to_pay')).toEqual([both, benUnpaid]);
      expect(await ids(campaignId, 'stage=to_pick_up')).toEqual([annPaid]);
      const first = await list(campaignId, 'limit=2');
      expect(first.items.map((o: { memberNickname: string }) => o.memberNickname)).toEqual([
        'campaign-ben',
        'campaign-ben',
      ]);
      expect(first.items[0]).not.toHaveProperty('pickupCode');
      expect(await list(campaignId, `limit=2&cursor=${first.nextCursor}`)).toMatchObject({
        items: [expect.objectContaining({ id: annPaid, memberId: ann.member.id })],
        nextCursor: null,
      });

      await t
        .http()
        .get(`/api/v1/admin/campaigns/${randomUUID()}/orders`)
        .set(as(admin))
        .expect(404);
      const bad = await t
        .http()
        .get(`/api/v1/admin/campaigns/${campaignId}/orders?stage=paid`)
        .set(as(admin))
        .expect(400);
      expect(bad.body.error.code).toBe(ErrorCode.ValidationFailed);
      await t
        .http()
        .get(`/api/v1/admin/campaigns/${campaignId}/orders`)
        .set(as(ann.accessToken))
        .expect(403);
    });
  });

  describe('a group-buy’s sales by pickup point', () => {
    it('counts for each point the units paid for, the orders and buyers, and what awaits payment', async () => {
      const campaignId = await newCampaign({ stock: 50, perMemberLimit: 10 });
      const buy = async (token: string, quantity: number) =>
        (await order(token, { items: [{ campaignId, quantity }] }).expect(201)).body.id as string;
      const [ann, ben, cara] = [
        await shopperAt('sales-ann'),
        await shopperAt('sales-ben'),
        await shopperAt('sales-cara'),
      ];
      const dan = await shopperAt('sales-dan', points.west);
      await pay(ann.accessToken, await buy(ann.accessToken, 2)).expect(200);
      await pay(ben.accessToken, await buy(ben.accessToken, 1)).expect(200);
      await buy(ben.accessToken, 3);
      const changedMind = await buy(cara.accessToken, 1);
      await t
        .http()
        .post(`/api/v1/orders/${changedMind}/cancel`)
        .set(as(cara.accessToken))
        .expect(200);
      await pay(dan.accessToken, await buy(dan.accessToken, 2)).expect(200);

      const sales = await t
        .http()
        .get(`/api/v1/admin/campaigns/${campaignId}/sales`)
        .set(as(admin))
        .expect(200);
      expect(sales.body).toEqual([
        {
          pickupPointId: points.east,
          pickupPointName: expect.any(String),
          units: 3,
          orders: 2,
          buyers: 2,
          unpaidUnits: 3,
        },
        {
          pickupPointId: points.west,
          pickupPointName: expect.any(String),
          units: 2,
          orders: 1,
          buyers: 1,
          unpaidUnits: 0,
        },
      ]);

      const untouched = await newCampaign();
      expect(
        (
          await t
            .http()
            .get(`/api/v1/admin/campaigns/${untouched}/sales`)
            .set(as(admin))
            .expect(200)
        ).body,
      ).toEqual([]);
      await t
        .http()
        .get(`/api/v1/admin/campaigns/${randomUUID()}/sales`)
        .set(as(admin))
        .expect(404);
      await t
        .http()
        .get(`/api/v1/admin/campaigns/${campaignId}/sales`)
        .set(as(ann.accessToken))
        .expect(403);
    });
  });

  describe('payment, cancellation and expiry', () => {
    const stockOf = async (id: string) =>
      (await t.dataSource.query(`SELECT stock_left FROM campaigns WHERE id = $1`, [id]))[0]
        .stock_left as number;
    const notify = (body: object, signature?: string) => {
      const text = JSON.stringify(body);
      return t
        .http()
        .post('/api/v1/payments/notify/sandbox')
        .set('content-type', 'application/json')
        .set(SANDBOX_SIGNATURE_HEADER, signature ?? t.app.get(SandboxPaymentProvider).sign(text))
        .send(text);
    };

    it('pays through the signed notification once, crediting pending points; replays change nothing', async () => {
      const campaignId = await newCampaign({ stock: 10 });
      const buyer = await shopperAt('pay-buyer');
      const placed = await order(buyer.accessToken, {
        items: [{ campaignId, quantity: 2 }],
      }).expect(201);
      const paid = await pay(buyer.accessToken, placed.body.id).expect(200);
      expect(paid.body).toMatchObject({
        kind: 'completed',
        order: { state: 'paid', paidAt: expect.any(String) },
      });
      expect(
        (await t.http().get('/api/v1/me/points').set(as(buyer.accessToken))).body.pending,
      ).toBe(placed.body.pointsToEarn);

      const [payment] = await t.dataSource.query(
        `SELECT transaction_id, amount_fen FROM payments WHERE order_id = $1`,
        [placed.body.id],
      );
      const replay = {
        orderId: placed.body.id,
        transactionId: payment.transaction_id,
        amountFen: payment.amount_fen,
        paidAt: new Date().toISOString(),
      };
      await notify(replay).expect(200);
      await notify(replay).expect(200);
      const [{ n }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM payments WHERE order_id = $1`,
        [placed.body.id],
      );
      expect(n).toBe(1);
      expect(
        (await t.http().get('/api/v1/me/points').set(as(buyer.accessToken))).body.pending,
      ).toBe(placed.body.pointsToEarn);
      const again = await pay(buyer.accessToken, placed.body.id).expect(409);
      expect(again.body.error.code).toBe(ErrorCode.OrderStateInvalid);
    });

    it('earns points with the tier the member holds when paying, not the one they held when ordering', async () => {
      const campaignId = await newCampaign({ stock: 10 });
      const buyer = await shopperAt('pay-upgraded');
      const placed = await order(buyer.accessToken, {
        items: [{ campaignId, quantity: 1 }],
      }).expect(201);
      expect(placed.body).toMatchObject({ payable: 2_990, pointsToEarn: 29 }); // regular: x1.0
      await t.dataSource.query(`UPDATE members SET tier = 'gold' WHERE id = $1`, [buyer.member.id]);
      const paid = await pay(buyer.accessToken, placed.body.id).expect(200);
      // floor(29 yuan x 1.5), on the price fixed when ordering
      expect(paid.body.order).toMatchObject({ state: 'paid', payable: 2_990, pointsToEarn: 43 });
      expect(
        (await t.http().get('/api/v1/me/points').set(as(buyer.accessToken))).body.pending,
      ).toBe(43);
    });

    it('sends the payment notification to the BFF itself, whatever Host the client names', async () => {
      const received: string[] = [];
      const elsewhere = createServer((req, res) => {
        received.push(req.url ?? '');
        res.end('{}');
      });
      await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
      try {
        const campaignId = await newCampaign({ stock: 10 });
        const buyer = await shopperAt('pay-forged-host');
        const placed = await order(buyer.accessToken, {
          items: [{ campaignId, quantity: 1 }],
        }).expect(201);
        const paid = await pay(buyer.accessToken, placed.body.id)
          .set('Host', `127.0.0.1:${(elsewhere.address() as AddressInfo).port}`)
          .expect(200);
        expect(paid.body.order.state).toBe('paid');
        expect(received).toEqual([]);
      } finally {
        elsewhere.closeAllConnections();
        await new Promise((resolve) => elsewhere.close(resolve));
      }
    });

    it('refunds a second payment of an order already paid, once, and keeps the order paid once', async () => {
      const campaignId = await newCampaign({ stock: 10 });
      const buyer = await shopperAt('pay-twice');
      const placed = await order(buyer.accessToken, {
        items: [{ campaignId, quantity: 1 }],
      }).expect(201);
      const paid = await pay(buyer.accessToken, placed.body.id).expect(200);
      // The shopper also paid from a second device: another transaction for the same order.
      const second = {
        orderId: placed.body.id,
        transactionId: `tx-second-${randomUUID()}`,
        amountFen: placed.body.payable,
        paidAt: new Date().toISOString(),
      };
      await notify(second).expect(200);
      await notify(second).expect(200);

      const refunds = await t.dataSource.query(
        `SELECT reason, amount_fen FROM refunds WHERE order_id = $1`,
        [placed.body.id],
      );
      expect(refunds).toEqual([
        { reason: `duplicate-payment:${second.transactionId}`, amount_fen: placed.body.payable },
      ]);
      const payments = await t.dataSource.query(
        `SELECT transaction_id FROM payments WHERE order_id = $1`,
        [placed.body.id],
      );
      expect(payments).toEqual([{ transaction_id: expect.stringMatching(/^sandbox-/) }]);
      const after = await t
        .http()
        .get(`/api/v1/me/orders/${placed.body.id}`)
        .set(as(buyer.accessToken))
        .expect(200);
      expect(after.body).toMatchObject({
        state: 'paid',
        paidAt: paid.body.order.paidAt,
        refunded: 0,
      });
      expect(
        (await t.http().get('/api/v1/me/points').set(as(buyer.accessToken))).body.pending,
      ).toBe(placed.body.pointsToEarn);
    });

    it('records one payment when its notices and another transaction’s arrive at the same moment, refunding the other once', async () => {
      const campaignId = await newCampaign({ stock: 10 });
      const buyer = await shopperAt('pay-notices-at-once');
      const placed = await order(buyer.accessToken, {
        items: [{ campaignId, quantity: 1 }],
      }).expect(201);
      // The shopper paid from two devices; WeChat Pay sends each transaction's notice again and again.
      const notice = (transactionId: string) => ({
        orderId: placed.body.id,
        transactionId,
        amountFen: placed.body.payable,
        paidAt: new Date().toISOString(),
      });
      const [first, second] = [notice(`tx-a-${randomUUID()}`), notice(`tx-b-${randomUUID()}`)];
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => notify(i % 2 === 0 ? first : second)),
      );
      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));

      const payments = await t.dataSource.query(
        `SELECT transaction_id FROM payments WHERE order_id = $1`,
        [placed.body.id],
      );
      expect(payments).toHaveLength(1);
      const kept = payments[0].transaction_id;
      expect([first.transactionId, second.transactionId]).toContain(kept);
      const other = kept === first.transactionId ? second : first;
      const refunds = await t.dataSource.query(
        `SELECT reason, amount_fen FROM refunds WHERE order_id = $1`,
        [placed.body.id],
      );
      expect(refunds).toEqual([
        { reason: `duplicate-payment:${other.transactionId}`, amount_fen: placed.body.payable },
      ]);
      const [{ credits }] = await t.dataSource.query(
        `SELECT count(*)::int AS credits FROM point_lots WHERE member_id = $1 AND source_type = 'order'`,
        [buyer.member.id],
      );
      expect(credits).toBe(1);
      expect(
        (await t.http().get('/api/v1/me/points').set(as(buyer.accessToken))).body.pending,
      ).toBe(placed.body.pointsToEarn);
      expect(await stockOf(campaignId)).toBe(9);
    });

    it('refuses forged and mismatched notifications, leaving the order unpaid', async () => {
      const campaignId = await newCampaign({ stock: 10 });
      const buyer = await shopperAt('pay-forger');
      const placed = await order(buyer.accessToken, {
        items: [{ campaignId, quantity: 1 }],
      }).expect(201);
      const genuine = {
        orderId: placed.body.id,
        transactionId: 'tx-forged',
        amountFen: placed.body.payable,
        paidAt: new Date().toISOString(),
      };
      const forged = await notify(genuine, 'f'.repeat(64)).expect(400);
      expect(forged.body.error.code).toBe(ErrorCode.PaymentNotificationInvalid);
      const cheap = await notify({ ...genuine, transactionId: 'tx-cheap', amountFen: 1 }).expect(
        400,
      );
      expect(cheap.body.error.code).toBe(ErrorCode.PaymentAmountMismatch);
      const state = await t
        .http()
        .get(`/api/v1/me/orders/${placed.body.id}`)
        .set(as(buyer.accessToken))
        .expect(200);
      expect(state.body.state).toBe('pending_payment');
      await notify({ ...genuine, orderId: randomUUID() }).expect(404);
    });

    it('counts as buyers the neighbours who paid, not those yet to pay or who cancelled', async () => {
      const campaignId = await newCampaign({ stock: 10, minBuyers: 3 });
      const placeAndPay = async (token: string) => {
        const placed = await order(token, { items: [{ campaignId, quantity: 1 }] }).expect(201);
        await pay(token, placed.body.id).expect(200);
        return placed.body.id as string;
      };
      const regular = await shopperAt('buyers-regular');
      const first = await placeAndPay(regular.accessToken);
      const second = await placeAndPay(regular.accessToken);
      const waiting = await shopperAt('buyers-waiting');
      const unpaid = (
        await order(waiting.accessToken, { items: [{ campaignId, quantity: 1 }] }).expect(201)
      ).body.id as string;
      const quitter = await shopperAt('buyers-quitter');
      const quitterOrder = await placeAndPay(quitter.accessToken);
      await t
        .http()
        .post(`/api/v1/orders/${quitterOrder}/cancel`)
        .set(as(quitter.accessToken))
        .expect(200);

      const detail = await t
        .http()
        .get(`/api/v1/campaigns/${campaignId}`)
        .set(as(waiting.accessToken))
        .expect(200);
      expect(detail.body).toMatchObject({ buyers: 1, minBuyers: 3, sold: 3 });
      const buyers = async () => {
        const list = await t
          .http()
          .get('/api/v1/campaigns?limit=100')
          .set(as(waiting.accessToken))
          .expect(200);
        return list.body.items.find((c: { id: string }) => c.id === campaignId).buyers as number;
      };
      expect(await buyers()).toBe(1);

      // A neighbour with two paid orders is a buyer until both are cancelled.
      const cancel = (id: string) =>
        t.http().post(`/api/v1/orders/${id}/cancel`).set(as(regular.accessToken)).expect(200);
      await cancel(first);
      expect(await buyers()).toBe(1);
      await cancel(second);
      expect(await buyers()).toBe(0);
      await pay(waiting.accessToken, unpaid).expect(200);
      expect(await buyers()).toBe(1);
    });

    it('keeps counting buyers right under concurrent payments and cancellations', async () => {
      const campaignId = await newCampaign({ stock: 200, perMemberLimit: 3 });
      const shoppers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => shopperAt(`buyers-race-${i}`)),
      );
      const placed = await Promise.all(
        shoppers.flatMap((s) =>
          [1, 2].map(async () => ({
            token: s.accessToken,
            id: (await order(s.accessToken, { items: [{ campaignId, quantity: 1 }] }).expect(201))
              .body.id as string,
          })),
        ),
      );
      // Every order is paid, and every third one cancelled, all at once: some cancellations
      // reach an order before its payment, some after.
      const answers = await Promise.all(
        placed.flatMap((o, i) => [
          pay(o.token, o.id),
          ...(i % 3 === 0 ? [t.http().post(`/api/v1/orders/${o.id}/cancel`).set(as(o.token))] : []),
        ]),
      );
      // A payment that reaches an order already cancelled is refused (409); nothing fails.
      expect(
        answers.filter((a) => a.status !== 200 && a.status !== 409).map((a) => a.body),
      ).toEqual([]);
      // Then another third, all paid by now, are cancelled at once.
      await Promise.all(
        placed
          .filter((_, i) => i % 3 === 1)
          .map((o) => t.http().post(`/api/v1/orders/${o.id}/cancel`).set(as(o.token)).expect(200)),
      );
      const [{ exact }] = await t.dataSource.query(
        `SELECT COUNT(DISTINCT o.member_id)::int AS exact FROM orders o JOIN order_lines l ON l.order_id = o.id
         WHERE l.campaign_id = $1 AND o.paid_at IS NOT NULL AND o.state NOT IN ('cancelled', 'refunded')`,
        [campaignId],
      );
      expect(exact).toBeGreaterThan(0);
      const shown = await t
        .http()
        .get(`/api/v1/campaigns/${campaignId}`)
        .set(as(shoppers[0].accessToken))
        .expect(200);
      expect(shown.body.buyers).toBe(exact);
      const [{ wrong }] = await t.dataSource.query(
        `SELECT COUNT(*)::int AS wrong FROM campaign_buyers b
         FULL JOIN (SELECT o.member_id, COUNT(*)::int AS n FROM orders o JOIN order_lines l ON l.order_id = o.id
                    WHERE l.campaign_id = $1 AND o.paid_at IS NOT NULL AND o.state NOT IN ('cancelled', 'refunded')
                    GROUP BY o.member_id) paid ON paid.member_id = b.member_id AND b.campaign_id = $1
         WHERE (b.campaign_id = $1 OR b.campaign_id IS NULL) AND COALESCE(b.paid_orders, 0) <> COALESCE(paid.n, 0)`,
        [campaignId],
      );
      expect(wrong).toBe(0);
    });

    it('cancels an unpaid order, giving back stock, points and the member’s quantity', async () => {
      const campaignId = await newCampaign({ stock: 10, perMemberLimit: 2 });
      const buyer = await shopperAt('cancel-unpaid');
      await pointsOf(t).inTransaction((ctx) =>
        pointsOf(t).ledger.adjust(ctx, buyer.member.id, 300, 'gift', 'cancel-gift'),
      );
      const placed = await order(buyer.accessToken, {
        items: [{ campaignId, quantity: 2 }],
        pointsToUse: 300,
      }).expect(201);
      expect(await stockOf(campaignId)).toBe(8);
      const cancelled = await t
        .http()
        .post(`/api/v1/orders/${placed.body.id}/cancel`)
        .set(as(buyer.accessToken))
        .expect(200);
      expect(cancelled.body.state).toBe('cancelled');
      expect(await stockOf(campaignId)).toBe(10);
      expect(
        (await t.http().get('/api/v1/me/points').set(as(buyer.accessToken))).body.available,
      ).toBe(300);
      await order(buyer.accessToken, { items: [{ campaignId, quantity: 2 }] }).expect(201);
      await t
        .http()
        .post(`/api/v1/orders/${placed.body.id}/cancel`)
        .set(as(buyer.accessToken))
        .expect(409);
      const stranger = await shopperAt('cancel-stranger');
      await t
        .http()
        .post(`/api/v1/orders/${placed.body.id}/cancel`)
        .set(as(stranger.accessToken))
        .expect(404);
      expect((await pointsOf(t).reconcile()).mismatches).toEqual([]);
    });

    it('cancels a paid order before cut-off with a full refund, cancelling its pending points', async () => {
      const campaignId = await newCampaign({ stock: 10 });
      const buyer = await shopperAt('cancel-paid');
      const placed = await paidOrder(buyer.accessToken, campaignId);
      await t
        .http()
        .post(`/api/v1/orders/${placed.body.id}/cancel`)
        .set(as(buyer.accessToken))
        .expect(200);
      expect(await refundsOf(placed.body.id)).toEqual([
        {
          reason: 'cancelled',
          amount_fen: placed.body.payable,
          status: 'succeeded',
          settled: true,
        },
      ]);
      expect(await noticesAbout(buyer.accessToken, placed.body.id)).toEqual([
        moneyBack(placed.body),
      ]);
      expect(
        (await t.http().get('/api/v1/me/points').set(as(buyer.accessToken))).body.pending,
      ).toBe(0);
      expect(await stockOf(campaignId)).toBe(10);
    });

    it('answers a retried cancel with the same Idempotency-Key as the first time, refunding once', async () => {
      const campaignId = await newCampaign({ stock: 10 });
      const buyer = await shopperAt('cancel-retry');
      const placed = await paidOrder(buyer.accessToken, campaignId);
      const cancel = (token: string, key: string) =>
        t
          .http()
          .post(`/api/v1/orders/${placed.body.id}/cancel`)
          .set(as(token))
          .set('Idempotency-Key', key);
      const stranger = await shopperAt('cancel-retry-stranger');
      await cancel(stranger.accessToken, randomUUID()).expect(404);

      const key = randomUUID();
      const first = await cancel(buyer.accessToken, key).expect(200);
      expect(first.body).toMatchObject({ state: 'cancelled', refunded: placed.body.payable });
      // The first answer was lost: the app tries again with the same key.
      const retry = await cancel(buyer.accessToken, key).expect(200);
      expect(retry.body).toEqual(first.body);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(await refundsOf(placed.body.id)).toEqual([
        {
          reason: 'cancelled',
          amount_fen: placed.body.payable,
          status: 'succeeded',
          settled: true,
        },
      ]);
      // Another action, another key: the order is already cancelled.
      const again = await cancel(buyer.accessToken, randomUUID()).expect(409);
      expect(again.body.error.code).toBe(ErrorCode.OrderStateInvalid);
      expect(await stockOf(campaignId)).toBe(10);
    });

    it('places an order and cancels another of the same member and campaign at the same moment, both answered', async () => {
      const campaignId = await newCampaign({ stock: 10, perMemberLimit: 5 });
      const buyer = await shopperAt('cancel-while-ordering');
      await pointsOf(t).inTransaction((ctx) =>
        pointsOf(t).ledger.adjust(ctx, buyer.member.id, 1_000, 'gift', `gift-${randomUUID()}`),
      );
      const first = await order(buyer.accessToken, { items: [{ campaignId, quantity: 1 }] }).expect(
        201,
      );
      // Another points operation of the member holds their account for a moment: the new order
      // has taken its member quantity and waits there, before its stock, as the cancel comes in.
      const other = t.dataSource.createQueryRunner();
      await other.connect();
      let placing: Promise<{ status: number }>;
      let cancelling: Promise<{ status: number }>;
      try {
        await other.startTransaction();
        await other.query(`SELECT 1 FROM point_accounts WHERE member_id = $1 FOR UPDATE`, [
          buyer.member.id,
        ]);
        placing = order(buyer.accessToken, {
          items: [{ campaignId, quantity: 1 }],
          pointsToUse: 100,
        }).then((r) => r);
        await lockWaits(t.dataSource, 1);
        cancelling = t
          .http()
          .post(`/api/v1/orders/${first.body.id}/cancel`)
          .set(as(buyer.accessToken))
          .then((r) => r);
        await lockWaits(t.dataSource, 2);
        await other.commitTransaction();
      } finally {
        await other.release();
      }
      const [placed, cancelled] = await Promise.all([placing, cancelling]);
      expect([placed.status, cancelled.status]).toEqual([201, 200]);
      expect(await stockOf(campaignId)).toBe(9);
    });

    it('expires unpaid orders after 15 minutes, and refunds a payment that arrives too late', async () => {
      const campaignId = await newCampaign({ stock: 10 });
      const buyer = await shopperAt('expiring');
      const placed = await order(buyer.accessToken, {
        items: [{ campaignId, quantity: 3 }],
      }).expect(201);
      pointsOf(t).clock.advance(16 * 60_000);
      await pay(buyer.accessToken, placed.body.id).expect(409);
      const run = await t
        .http()
        .post('/api/v1/admin/jobs/cancel-unpaid-orders/run')
        .set(as(admin))
        .expect(200);
      expect(run.body.processed).toBeGreaterThanOrEqual(1);
      expect(
        (await t.http().get(`/api/v1/me/orders/${placed.body.id}`).set(as(buyer.accessToken))).body
          .state,
      ).toBe('cancelled');
      expect(await stockOf(campaignId)).toBe(10);
      const late = {
        orderId: placed.body.id,
        transactionId: 'tx-late',
        amountFen: placed.body.payable,
        paidAt: new Date().toISOString(),
      };
      await notify(late).expect(200);
      await notify(late).expect(200); // the provider repeats its notice
      const refunds = await t.dataSource.query(`SELECT reason FROM refunds WHERE order_id = $1`, [
        placed.body.id,
      ]);
      expect(refunds).toEqual([{ reason: 'late-payment' }]);
      // The shopper paid: they are told, once, that the money goes back, and that it is back.
      expect(await noticesAbout(buyer.accessToken, placed.body.id)).toEqual([
        moneyBack(placed.body),
        expect.objectContaining({
          kind: 'order_refunded',
          title: '订单已关闭，付款将退回',
          body: `付款到账时订单已取消，${formatYuan(placed.body.payable)} 将原路退回。`,
          data: { orderId: placed.body.id, refundFen: placed.body.payable },
        }),
      ]);
    });

    it('closes the payment window at the cut-off: paying after it is refused, and a payment arriving after it is refunded', async () => {
      const clock = pointsOf(t).clock;
      const cutsOffAt = new Date(clock.now().getTime() + 5 * 60_000);
      const campaignId = await newCampaign({ stock: 10, cutsOffAt: cutsOffAt.toISOString() });
      const buyer = await shopperAt('pay-at-cut-off');
      const placed = await order(buyer.accessToken, {
        items: [{ campaignId, quantity: 1 }],
      }).expect(201);
      expect(placed.body).toMatchObject({
        expiresAt: cutsOffAt.toISOString(),
        cutsOffAt: cutsOffAt.toISOString(),
      });
      // An order placed while its window could still run past the cut-off.
      const other = await shopperAt('pay-at-cut-off-2');
      const older = await order(other.accessToken, {
        items: [{ campaignId, quantity: 1 }],
      }).expect(201);
      await t.dataSource.query(
        `UPDATE orders SET expires_at = expires_at + interval '10 minutes' WHERE id = $1`,
        [older.body.id],
      );

      // A minute past the cut-off, before the cut-off job has decided the campaign.
      clock.advance(6 * 60_000);
      for (const [id, token] of [
        [placed.body.id, buyer.accessToken],
        [older.body.id, other.accessToken],
      ]) {
        const refused = await pay(token, id).expect(409);
        expect(refused.body.error).toMatchObject({
          code: ErrorCode.OrderStateInvalid,
          details: { state: 'pending_payment', event: 'pay' },
        });
      }
      const [{ status }] = await t.dataSource.query(`SELECT status FROM campaigns WHERE id = $1`, [
        campaignId,
      ]);
      expect(status).toBe('published');

      // WeChat Pay confirms a payment started earlier only now: too late to join the group-buy.
      const late = {
        orderId: placed.body.id,
        transactionId: `tx-after-cut-off-${randomUUID()}`,
        amountFen: placed.body.payable,
        paidAt: clock.now().toISOString(),
      };
      await notify(late).expect(200);
      await notify(late).expect(200); // the provider repeats its notice
      const after = await t
        .http()
        .get(`/api/v1/me/orders/${placed.body.id}`)
        .set(as(buyer.accessToken))
        .expect(200);
      expect(after.body).toMatchObject({
        state: 'cancelled',
        paidAt: null,
        cutsOffAt: cutsOffAt.toISOString(),
      });
      const refunds = await t.dataSource.query(
        `SELECT reason, amount_fen FROM refunds WHERE order_id = $1`,
        [placed.body.id],
      );
      expect(refunds).toEqual([{ reason: 'late-payment', amount_fen: placed.body.payable }]);
      expect(await noticesAbout(buyer.accessToken, placed.body.id)).toEqual([
        moneyBack(placed.body),
        expect.objectContaining({
          kind: 'order_refunded',
          title: '订单已关闭，付款将退回',
          body: `付款到账时团购已截团，订单已关闭，${formatYuan(placed.body.payable)} 将原路退回。`,
          data: { orderId: placed.body.id, refundFen: placed.body.payable },
        }),
      ]);
      expect(await stockOf(campaignId)).toBe(9);
    });

    it('decides a group-buy once its unpaid orders are settled, so a payment made just before the cut-off counts however late its notice comes', async () => {
      const clock = pointsOf(t).clock;
      const cutsOffAt = new Date(clock.now().getTime() + 5 * 60_000);
      const campaignId = await newCampaign({
        stock: 10,
        minBuyers: 1,
        cutsOffAt: cutsOffAt.toISOString(),
      });
      const buyer = await shopperAt('paid-at-cut-off');
      const placed = await order(buyer.accessToken, {
        items: [{ campaignId, quantity: 1 }],
      }).expect(201);
      const idle = await shopperAt('unpaid-at-cut-off');
      await order(idle.accessToken, { items: [{ campaignId, quantity: 1 }] }).expect(201);
      const runJob = (name: string) =>
        t.http().post(`/api/v1/admin/jobs/${name}/run`).set(as(admin)).expect(200);
      const campaign = async () =>
        (
          await t.dataSource.query(`SELECT status, buyers FROM campaigns WHERE id = $1`, [
            campaignId,
          ])
        )[0];

      // Paid a second before the cut-off; the cut-off job runs at the cut-off, while the
      // provider's notice is still on its way.
      clock.advance(5 * 60_000 + 5_000);
      await runJob('cut-off-campaigns');
      expect(await campaign()).toEqual({ status: 'published', buyers: null });
      await notify({
        orderId: placed.body.id,
        transactionId: `tx-in-time-${randomUUID()}`,
        amountFen: placed.body.payable,
        paidAt: new Date(cutsOffAt.getTime() - 1_000).toISOString(),
      }).expect(200);
      const paid = await t
        .http()
        .get(`/api/v1/me/orders/${placed.body.id}`)
        .set(as(buyer.accessToken))
        .expect(200);
      expect(paid.body).toMatchObject({ state: 'paid', refunded: 0 });
      expect(await refundsOf(placed.body.id)).toEqual([]);

      // The neighbour's order, never paid, is looked up and cancelled; then the campaign is decided.
      await runJob('cut-off-campaigns');
      expect(await campaign()).toEqual({ status: 'published', buyers: null });
      await runJob('cancel-unpaid-orders');
      await runJob('cut-off-campaigns');
      expect(await campaign()).toEqual({ status: 'cut_off', buyers: 1 });
      const confirmed = await t
        .http()
        .get(`/api/v1/me/orders/${placed.body.id}`)
        .set(as(buyer.accessToken))
        .expect(200);
      expect(confirmed.body.state).toBe('confirmed');
      expect(await stockOf(campaignId)).toBe(9);
    });

    it('decides a group-buy 15 minutes after its cut-off even while an unpaid order cannot be settled', async () => {
      const clock = pointsOf(t).clock;
      const cutsOffAt = new Date(clock.now().getTime() + 5 * 60_000);
      const campaignId = await newCampaign({ minBuyers: 1, cutsOffAt: cutsOffAt.toISOString() });
      const buyer = await shopperAt('unsettled-at-cut-off');
      await order(buyer.accessToken, { items: [{ campaignId, quantity: 1 }] }).expect(201);
      const status = async () =>
        (await t.dataSource.query(`SELECT status FROM campaigns WHERE id = $1`, [campaignId]))[0]
          .status;
      const cutOff = () =>
        t.http().post('/api/v1/admin/jobs/cut-off-campaigns/run').set(as(admin)).expect(200);

      clock.advance(5 * 60_000 + 14 * 60_000);
      await cutOff();
      expect(await status()).toBe('published');
      clock.advance(60_000);
      await cutOff();
      expect(await status()).toBe('failed');
    });
  });

  describe('flash sale', () => {
    // Races differ from run to run: three rounds, each on a fresh campaign and buyers. The third
    // has no cancellations, so stock only goes down and a refusal for stock must mean sold out.
    it.each([
      { round: 1, cancelling: true },
      { round: 2, cancelling: true },
      { round: 3, cancelling: false },
    ])(
      'round $round: never oversells 100 units to 1,000 concurrent buyers, some replaying, some ordering past their limit under new keys (cancelling: $cancelling), and holds every limit',
      async ({ cancelling }) => {
        const limit = 3;
        const campaignId = await newCampaign({ stock: 100, perMemberLimit: limit });
        const buyers = await buyersAtEast(1000);
        // Every 50th buyer also orders one unit three more times at once, each under a key of its
        // own: only the member's limit can refuse some of those.
        const pastLimit = (i: number) => i % 50 === 1;
        const attempts = buyers.flatMap((buyer, i) => [
          { buyer, i, quantity: 1 + (i % 3), key: randomUUID(), replays: i % 10 === 0 ? 2 : 0 },
          ...(pastLimit(i)
            ? Array.from({ length: 3 }, () => ({
                buyer,
                i,
                quantity: 1,
                key: randomUUID(),
                replays: 0,
              }))
            : []),
        ]);
        // The buyers ordering past their limit go first, while there is stock for them.
        attempts.sort((x, y) => Number(pastLimit(y.i)) - Number(pastLimit(x.i)));
        // Every seventh buyer cancels as soon as the order is placed, while the others still buy.
        const cancels = (a: (typeof attempts)[number]) =>
          cancelling && a.i % 7 === 3 && !pastLimit(a.i);
        const cancelled: { id: string; quantity: number }[] = [];
        const requests = attempts.flatMap((a) =>
          Array.from({ length: 1 + a.replays }, (_, replay) =>
            order(a.buyer.token, { items: [{ campaignId, quantity: a.quantity }] }, a.key).then(
              async (res) => {
                if (replay === 0 && cancels(a) && res.status === 201) {
                  await t
                    .http()
                    .post(`/api/v1/orders/${res.body.id}/cancel`)
                    .set(as(a.buyer.token))
                    .expect(200);
                  cancelled.push({ id: res.body.id, quantity: a.quantity });
                }
                return { a, res };
              },
            ),
          ),
        );
        const results = await Promise.all(requests);
        expect(cancelled.length > 0).toBe(cancelling);

        const unexpected = results.filter((r) => r.res.status !== 201 && r.res.status !== 409);
        expect(unexpected.map((r) => [r.res.status, r.res.body])).toEqual([]);
        const refusals = results.filter((r) => r.res.status === 409);
        expect(new Set(refusals.map((r) => r.res.body.error.code))).toEqual(
          new Set([ErrorCode.OutOfStock, ErrorCode.PurchaseLimitExceeded]),
        );
        // Every replay of a key got the order its first request placed. A refusal stores
        // nothing under the key, so a replay waiting for it runs again: only while stock never
        // comes back (no cancellations) must every try of a key have had the same answer.
        for (const a of attempts.filter((x) => x.replays > 0)) {
          const answers = results.filter((r) => r.a === a).map((r) => r.res);
          const created = answers.filter((res) => res.status === 201).map((res) => res.body.id);
          expect(new Set(created).size).toBeLessThanOrEqual(1);
          if (!cancelling && created.length > 0)
            expect(answers.map((res) => [res.status, res.body.id])).toEqual(
              answers.map(() => [201, created[0]]),
            );
        }
        const [{ stock_left }] = await t.dataSource.query(
          `SELECT stock_left FROM campaigns WHERE id = $1`,
          [campaignId],
        );
        const [{ ordered, orders }] = await t.dataSource.query(
          `SELECT COALESCE(SUM(l.quantity) FILTER (WHERE o.state <> 'cancelled'), 0)::int AS ordered,
                  count(DISTINCT l.order_id)::int AS orders
           FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE l.campaign_id = $1`,
          [campaignId],
        );
        expect(stock_left).toBeGreaterThanOrEqual(0);
        expect(ordered).toBe(100 - stock_left);
        const heldWrong = await t.dataSource.query(
          `SELECT q.member_id FROM campaign_member_quantities q
           LEFT JOIN (SELECT o.member_id, SUM(l.quantity) AS held FROM order_lines l JOIN orders o ON o.id = l.order_id
                      WHERE l.campaign_id = $1 AND o.state <> 'cancelled' GROUP BY o.member_id) h USING (member_id)
           WHERE q.campaign_id = $1 AND q.quantity <> COALESCE(h.held, 0)`,
          [campaignId],
        );
        expect(heldWrong).toEqual([]);
        const perMember = new Map<string, { held: number; orders: number }>(
          (
            await t.dataSource.query(
              `SELECT o.member_id, SUM(l.quantity)::int AS held, count(*)::int AS orders
               FROM order_lines l JOIN orders o ON o.id = l.order_id
               WHERE l.campaign_id = $1 AND o.state <> 'cancelled' GROUP BY o.member_id`,
              [campaignId],
            )
          ).map((m: { member_id: string; held: number; orders: number }) => [m.member_id, m]),
        );
        const pastLimitIds = new Set(attempts.filter((a) => pastLimit(a.i)).map((a) => a.buyer.id));
        const overLimit = [...perMember].filter(
          ([id, m]) => m.held > limit || (m.orders > 1 && !pastLimitIds.has(id)),
        );
        expect(overLimit).toEqual([]);
        // No buyer was refused while what they asked for was there for them: a refusal for stock
        // means fewer units were left than asked (cancellations may have given some back since),
        // and one for the limit that the member's own orders reached it.
        const returned = cancelled.reduce((sum, c) => sum + c.quantity, 0);
        const refusedWrongly = refusals.filter(({ a, res }) =>
          res.body.error.code === ErrorCode.OutOfStock
            ? stock_left >= a.quantity + returned
            : (perMember.get(a.buyer.id)?.held ?? 0) + a.quantity <= limit,
        );
        expect(refusedWrongly.map(({ a, res }) => [a.i, a.quantity, res.body.error])).toEqual([]);
        expect(orders).toBe(
          new Set(results.filter((r) => r.res.status === 201).map((r) => r.res.body.id)).size,
        );
      },
    );

    it('moves the stock by exactly the changes an operator makes while 300 buyers order and some cancel, never overselling', async () => {
      const campaignId = await newCampaign({ stock: 50, perMemberLimit: 3 });
      const buyers = (await buyersAtEast(300)).map((b) => b.token);
      // 20 top-ups of 3 and 20 take-outs of 4, each sent three times with its key.
      const changes = Array.from({ length: 40 }, (_, i) => ({
        change: i % 2 === 0 ? 3 : -4,
        key: randomUUID(),
      }));
      const changeStock = (c: (typeof changes)[number]) =>
        t
          .http()
          .post(`/api/v1/admin/campaigns/${campaignId}/stock`)
          .set(as(admin))
          .set('Idempotency-Key', c.key)
          .send({ change: c.change, reason: '到货调整' })
          .then((res) => ({ c, res }));
      const buying = buyers.map((token, i) =>
        order(token, { items: [{ campaignId, quantity: 1 + (i % 3) }] }).then(async (res) => {
          if (i % 5 === 0 && res.status === 201)
            await t.http().post(`/api/v1/orders/${res.body.id}/cancel`).set(as(token)).expect(200);
          return res;
        }),
      );
      const [bought, changed] = await Promise.all([
        Promise.all(buying),
        Promise.all(changes.flatMap((c) => [changeStock(c), changeStock(c), changeStock(c)])),
      ]);

      expect(
        bought.filter((r) => r.status !== 201 && r.body.error?.code !== ErrorCode.OutOfStock),
      ).toEqual([]);
      expect(
        changed
          .filter(({ res }) => res.status !== 200 && res.body.error?.code !== ErrorCode.OutOfStock)
          .map(({ res }) => [res.status, res.body]),
      ).toEqual([]);
      // A key once applied answers every later request with the change it made; one refused
      // applied nothing and may be tried again. The totals below show each applied once.
      for (const c of changes) {
        const done = changed.filter((x) => x.c === c && x.res.status === 200);
        for (const { res } of done) expect(res.body).toEqual(done[0].res.body);
      }
      const applied = changes.filter((c) => changed.some((x) => x.c === c && x.res.status === 200));
      expect(applied.some((c) => c.change > 0)).toBe(true);
      expect(applied.some((c) => c.change < 0)).toBe(true);
      const [{ stock_total, stock_left }] = await t.dataSource.query(
        `SELECT stock_total, stock_left FROM campaigns WHERE id = $1`,
        [campaignId],
      );
      expect(stock_total).toBe(50 + applied.reduce((sum, c) => sum + c.change, 0));
      const [{ ordered }] = await t.dataSource.query(
        `SELECT COALESCE(SUM(l.quantity), 0)::int AS ordered FROM order_lines l JOIN orders o ON o.id = l.order_id
         WHERE l.campaign_id = $1 AND o.state <> 'cancelled'`,
        [campaignId],
      );
      expect(stock_left).toBeGreaterThanOrEqual(0);
      expect(ordered).toBe(stock_total - stock_left);
    });

    // The withdrawal is sent first, among the buyers or after most of them: five rounds, each
    // on a fresh campaign.
    it.each([0, 1, 10, 25, 40])(
      'after %i of 50 buyers: a withdrawal either takes the campaign back before any order or is refused after one',
      async (sentAfter) => {
        const campaignId = await newCampaign({ stock: 100 });
        const buyers = await buyersAtEast(50);
        // A request is sent when it is first awaited: then() sends each in this order.
        const buy = (b: { token: string }) =>
          order(b.token, { items: [{ campaignId, quantity: 1 }] }).then((res) => res);
        const before = buyers.slice(0, sentAfter).map(buy);
        const withdrawing = t
          .http()
          .post(`/api/v1/admin/campaigns/${campaignId}/withdraw`)
          .set(as(admin))
          .then((res) => res);
        const after = buyers.slice(sentAfter).map(buy);
        const [bought, withdrawn] = await Promise.all([
          Promise.all([...before, ...after]),
          withdrawing,
        ]);

        const placed = bought.filter((r) => r.status === 201).length;
        const [{ stock_left, status }] = await t.dataSource.query(
          `SELECT stock_left, status FROM campaigns WHERE id = $1`,
          [campaignId],
        );
        const [{ held }] = await t.dataSource.query(
          `SELECT COALESCE(SUM(l.quantity), 0)::int AS held FROM order_lines l JOIN orders o ON o.id = l.order_id
           WHERE l.campaign_id = $1 AND o.state <> 'cancelled'`,
          [campaignId],
        );
        expect(held).toBe(placed);
        expect(stock_left).toBe(100 - placed);
        if (withdrawn.status === 200) {
          expect(status).toBe('draft');
          expect(placed).toBe(0);
        } else {
          expect(withdrawn.body.error).toMatchObject({
            code: ErrorCode.CampaignOrdered,
            details: { campaignId },
          });
          expect(status).toBe('published');
          expect(placed).toBeGreaterThan(0);
        }
        // An order the withdrawal overtook is refused as not offered (404) or no longer open,
        // before or at its stock update; 50 buyers never sell out 100 units.
        expect(
          bought
            .filter((r) => r.status !== 201)
            .filter((r) => r.status !== 404 && r.body.error?.code !== ErrorCode.CampaignNotOpen)
            .map((r) => [r.status, r.body]),
        ).toEqual([]);
      },
    );
  });
});
