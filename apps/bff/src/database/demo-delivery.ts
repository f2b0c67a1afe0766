import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor, RequestContext } from '../common/request-context';
import { TransactionalConnection } from '../common/transaction/transactional-connection';
import { CutOffService } from '../modules/fulfilment/cut-off.service';
import { DeliveriesService } from '../modules/fulfilment/deliveries.service';
import { PickupsService } from '../modules/fulfilment/pickups.service';
import { ReviewsService } from '../modules/engagement/reviews.service';
import { OrderLifecycleService } from '../modules/group-buy/order-lifecycle.service';
import { OrdersService } from '../modules/group-buy/orders.service';
import { DEMO, DEMO_MEDIA } from './demo-seed';

/** A group-buy that has already cut off and is on its way to 阳光花园东门自提点. */
export const DEMO_DELIVERY = {
  productId: '0b6f3c1e-0000-4000-8000-000000000304',
  skuId: '0b6f3c1e-0000-4000-8000-000000000314',
  campaignId: '0b6f3c1e-0000-4000-8000-000000000324',
  name: '鲜牛奶',
  sku: '1L',
  listFen: 1_590,
  groupFen: 1_190,
  buyers: ['alice', 'bob'],
} as const;

/** An earlier 赣南脐橙 group-buy at 阳光花园东门自提点 that alice and bob picked up and reviewed. */
export const DEMO_REVIEWED = {
  campaignId: '0b6f3c1e-0000-4000-8000-000000000325',
  title: '赣南脐橙 5斤装 尝鲜团',
  reviews: [
    { buyer: 'alice', rating: 5, text: '很甜，水分足，孩子一天吃三个' },
    { buyer: 'bob', rating: 4, text: '个头匀称，有两个稍微软一点，总体不错' },
  ],
} as const;

/**
 * Once per demo database, through the same services the API uses: alice and bob bought the
 * oranges' 尝鲜团, picked them up and reviewed them, so the oranges on sale show 邻居评价; then
 * they buy and pay for fresh milk, the group-buy cuts off and its batch is dispatched. The
 * leader confirms that delivery in the mini-program and hands the milk over by pickup code.
 */
export async function seedDemoDelivery(app: INestApplication): Promise<void> {
  const dataSource = app.get(DataSource);
  const connection = app.get(TransactionalConnection);
  const inTransaction = <T>(work: (ctx: RequestContext) => Promise<T>, actor?: Actor) => {
    const ctx = RequestContext.forSystem('demo-seed');
    ctx.actor = actor ?? null;
    return connection.withTransaction(ctx, work);
  };
  const shopperId = (name: string) => {
    const shopper = DEMO.shoppers.find((s) => s.name === name);
    if (!shopper) throw new Error(`${name} is not a demo shopper`);
    return shopper.id;
  };
  const pointId = DEMO.pickupPoints[0].id;

  /** Each buyer orders one and pays; the orders' ids. */
  const buyAndPay = async (campaignId: string, buyers: readonly string[]) => {
    const orderIds: string[] = [];
    for (const buyer of buyers) {
      const order = await inTransaction((ctx) =>
        app
          .get(OrdersService)
          .create(ctx, shopperId(buyer), { items: [{ campaignId, quantity: 1 }] }),
      );
      await inTransaction((ctx) =>
        app.get(OrderLifecycleService).recordPayment(ctx, {
          orderId: order.id,
          transactionId: `demo-${order.id}`,
          amountFen: order.payable,
          paidAt: new Date(),
        }),
      );
      orderIds.push(order.id);
    }
    return orderIds;
  };
  /** The cut-off has come: the group-buy forms, and the warehouse sends the batch out. */
  const cutOffAndDispatch = async (campaignId: string) => {
    await dataSource.query(
      `UPDATE campaigns SET cuts_off_at = now() - interval '1 minute' WHERE id = $1`,
      [campaignId],
    );
    await inTransaction((ctx) => app.get(CutOffService).runBatch(ctx, 100));
    const [batch] = await dataSource.query(
      `SELECT id FROM delivery_batches WHERE campaign_id = $1`,
      [campaignId],
    );
    await inTransaction((ctx) => app.get(DeliveriesService).dispatch(ctx, batch.id));
    return batch.id as string;
  };

  // Each story is written in several transactions, once: one begun but not finished (the first
  // start interrupted) cannot be taken up again, and would leave the demo half there unsaid.
  const [story] = await dataSource.query(
    `SELECT
       EXISTS (SELECT 1 FROM campaigns WHERE id = $1) AS reviewed,
       (SELECT count(*)::int FROM reviews rv JOIN order_lines l ON l.id = rv.order_line_id
        WHERE l.campaign_id = $1) AS reviews,
       EXISTS (SELECT 1 FROM campaigns WHERE id = $2) AS delivered,
       EXISTS (SELECT 1 FROM delivery_batches WHERE campaign_id = $2 AND dispatched_at IS NOT NULL)
         AS dispatched`,
    [DEMO_REVIEWED.campaignId, DEMO_DELIVERY.campaignId],
  );
  if (
    (story.reviewed && story.reviews < DEMO_REVIEWED.reviews.length) ||
    (story.delivered && !story.dispatched)
  )
    throw new Error(
      'The demo data was left half-written by an interrupted first start: delete the demo database (EMBEDDED_PG_DIR, .data/postgres by default) and start again',
    );
  if (!story.reviewed) {
    const r = DEMO_REVIEWED;
    const oranges = DEMO.products[0];
    await dataSource.query(
      `INSERT INTO campaigns (id, sku_id, title, group_price_fen, stock_total, stock_left, per_member_limit,
         min_buyers, starts_at, cuts_off_at, pickup_date, status)
       VALUES ($1, $2, $3, $4, 30, 30, 5, 2, now() - interval '1 day', now() + interval '1 hour',
         (now() AT TIME ZONE 'Asia/Shanghai')::date, 'published')`,
      [r.campaignId, oranges.skuId, r.title, oranges.groupFen],
    );
    const orderIds = await buyAndPay(
      r.campaignId,
      r.reviews.map((review) => review.buyer),
    );
    const batchId = await cutOffAndDispatch(r.campaignId);
    await inTransaction((ctx) => app.get(DeliveriesService).receive(ctx, pointId, batchId));
    for (const [i, review] of r.reviews.entries()) {
      const [order] = await dataSource.query(
        `SELECT o.pickup_code, l.id AS line_id FROM orders o JOIN order_lines l ON l.order_id = o.id
         WHERE o.id = $1`,
        [orderIds[i]],
      );
      await inTransaction(
        (ctx) => app.get(PickupsService).verify(ctx, pointId, { code: order.pickup_code }),
        { kind: 'member', id: DEMO.leader.id, roles: ['shopper', 'leader'] },
      );
      await inTransaction((ctx) =>
        app.get(ReviewsService).review(ctx, shopperId(review.buyer), orderIds[i], {
          orderLineId: order.line_id,
          rating: review.rating,
          text: review.text,
        }),
      );
    }
  }

  if (story.delivered) return;

  const d = DEMO_DELIVERY;
  await dataSource.transaction(async (manager) => {
    const q = (sql: string, params: unknown[]) => manager.query(sql, params);
    await q(
      `INSERT INTO products (id, name, description, images) VALUES ($1, $2, '牧场直送，当天灌装', $3)`,
      [d.productId, d.name, JSON.stringify([`${DEMO_MEDIA}milk.svg`])],
    );
    await q(`INSERT INTO skus (id, product_id, name, price_fen) VALUES ($1, $2, $3, $4)`, [
      d.skuId,
      d.productId,
      d.sku,
      d.listFen,
    ]);
    await q(
      `INSERT INTO campaigns (id, sku_id, title, group_price_fen, stock_total, stock_left, per_member_limit,
         min_buyers, starts_at, cuts_off_at, pickup_date, status)
       VALUES ($1, $2, $3, $4, 50, 50, 5, 2, now() - interval '1 day', now() + interval '1 hour',
         (now() AT TIME ZONE 'Asia/Shanghai')::date, 'published')`,
      [d.campaignId, d.skuId, `${d.name} ${d.sku} 团购`, d.groupFen],
    );
  });

  await buyAndPay(d.campaignId, d.buyers);
  await cutOffAndDispatch(d.campaignId);
}
