import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RequestContext } from '../common/request-context';
import { TransactionalConnection } from '../common/transaction/transactional-connection';
import { CutOffService } from '../modules/fulfilment/cut-off.service';
import { DeliveriesService } from '../modules/fulfilment/deliveries.service';
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

/**
 * Once per demo database: alice and bob buy and pay for fresh milk, the group-buy cuts off
 * and its batch is dispatched, all through the same services the API uses. The leader then
 * confirms the delivery in the mini-program and hands the milk over by pickup code.
 */
export async function seedDemoDelivery(app: INestApplication): Promise<void> {
  const dataSource = app.get(DataSource);
  const connection = app.get(TransactionalConnection);
  const inTransaction = <T>(work: (ctx: RequestContext) => Promise<T>) =>
    connection.withTransaction(RequestContext.forSystem('demo-seed'), work);
  const [existing] = await dataSource.query(`SELECT 1 FROM campaigns WHERE id = $1`, [
    DEMO_DELIVERY.campaignId,
  ]);
  if (existing) return;

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

  const orders = app.get(OrdersService);
  const lifecycle = app.get(OrderLifecycleService);
  const buyers = DEMO.shoppers.filter((s) => (d.buyers as readonly string[]).includes(s.name));
  for (const buyer of buyers) {
    const order = await inTransaction((ctx) =>
      orders.create(ctx, buyer.id, { items: [{ campaignId: d.campaignId, quantity: 1 }] }),
    );
    await inTransaction((ctx) =>
      lifecycle.recordPayment(ctx, {
        orderId: order.id,
        transactionId: `demo-${order.id}`,
        amountFen: order.payable,
        paidAt: new Date(),
      }),
    );
  }

  // The cut-off has come: the group-buy forms, and the warehouse sends the batch out.
  await dataSource.query(
    `UPDATE campaigns SET cuts_off_at = now() - interval '1 minute' WHERE id = $1`,
    [d.campaignId],
  );
  await inTransaction((ctx) => app.get(CutOffService).runBatch(ctx, 100));
  const [batch] = await dataSource.query(`SELECT id FROM delivery_batches WHERE campaign_id = $1`, [
    d.campaignId,
  ]);
  await inTransaction((ctx) => app.get(DeliveriesService).dispatch(ctx, batch.id));
}
