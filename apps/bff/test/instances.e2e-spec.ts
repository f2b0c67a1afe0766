import { randomUUID } from 'node:crypto';
import { ErrorCode } from '@linli/shared';
import { as, fulfilmentWorld } from './support/fulfilment-fixtures';
import { startTestApp, TestApp } from './support/test-app';

/**
 * The rules of money, points and stock hold across instances: nothing they rely on lives in one
 * process's memory. Requests go to two BFF instances on one database, as behind a load balancer.
 */
describe('two BFF instances on one database', () => {
  let first: TestApp;
  let second: TestApp;
  let w: Awaited<ReturnType<typeof fulfilmentWorld>>;
  /** Every other request to the other instance. */
  const instance = (i: number) => (i % 2 === 0 ? first : second);

  beforeAll(async () => {
    first = await startTestApp({ DB_POOL_SIZE: '20' });
    second = await startTestApp({ DB_POOL_SIZE: '20' }, { database: first.database });
    w = await fulfilmentWorld(first);
    // Shoppers choose among points that have a leader.
    await w.leaderOf('instances-leader', w.points.east);
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('lets exactly the affordable ones of 200 concurrent debits sent to both succeed', async () => {
    const member = await w.shopperAt('instances-spender');
    const adjust = (app: TestApp, points: number) =>
      app
        .http()
        .post(`/api/v1/admin/members/${member.id}/points-adjustments`)
        .set(as(w.admin))
        .set('Idempotency-Key', randomUUID())
        .send({ points, reason: '多实例' });
    await adjust(first, 1_000).expect(201);
    const debits = await Promise.all(
      Array.from({ length: 200 }, (_, i) => adjust(instance(i), -7)),
    );
    const answers = debits.map((r) => (r.status === 201 ? 'debited' : r.body.error?.code));
    expect(answers.filter((a) => a === 'debited')).toHaveLength(142);
    expect(answers.filter((a) => a !== 'debited')).toEqual(
      Array.from({ length: 58 }, () => ErrorCode.PointsInsufficient),
    );
    expect((await w.get(member.token, '/me/points')).available).toBe(6);
    expect((await w.get(w.admin, '/admin/points/reconciliation')).mismatches).toEqual([]);
  });

  it('places one order for an Idempotency-Key sent to both at once, and answers every try with it', async () => {
    const shopper = await w.shopperAt('instances-buyer');
    const campaignId = await w.campaign(w.skus.apples, { stock: 10 });
    const key = randomUUID();
    const tries = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        instance(i)
          .http()
          .post('/api/v1/orders')
          .set(as(shopper.token))
          .set('Idempotency-Key', key)
          .send({ items: [{ campaignId, quantity: 2 }] }),
      ),
    );
    const [placed] = tries;
    expect(tries.map((r) => [r.status, r.body.id])).toEqual(tries.map(() => [201, placed.body.id]));
    const [{ orders }] = await first.dataSource.query(
      `SELECT count(*)::int AS orders FROM orders WHERE member_id = $1`,
      [shopper.id],
    );
    expect(orders).toBe(1);
    const [{ stock_left }] = await first.dataSource.query(
      `SELECT stock_left FROM campaigns WHERE id = $1`,
      [campaignId],
    );
    expect(stock_left).toBe(8);
  });
});
