#!/usr/bin/env node
// npm run bench:orders — one hot campaign, many concurrent buyers through the HTTP API, against
// the raw guarded stock update at the same concurrency, in the same run. Checks for oversell.
const { randomUUID } = require('node:crypto');
const {
  CONCURRENCY,
  SECONDS,
  createDatabase,
  startBff,
  loadBareHttp,
  cpuMeter,
  sqlPool,
  inTransaction,
  call,
  load,
  apiFloor,
  report,
  runBenchmark,
} = require('./support');
const { rawOperations } = require('./raw-operations');

const BUYERS = Number(process.env.BENCH_BUYERS || 2000);

/**
 * An order's core writes, in raw SQL from this client with no HTTP and no BFF, on the same hot
 * row: claim the idempotency key, take the stock with the guarded update, read the member's
 * units so far for the limit, insert the order and its line. Measured as one transaction of a
 * statement per step, and as one data-modifying statement without the limit read, the shortest
 * time the hot row can be held. Beside the API, they show how much of the gap to the raw update
 * the database work alone accounts for.
 */
async function coreOrderWrites(pool, databaseUrl) {
  await pool.query(`CREATE TABLE bench_keys (member int, key uuid, PRIMARY KEY (member, key))`);
  await pool.query(`CREATE TABLE bench_orders (id uuid PRIMARY KEY, member int NOT NULL,
    total_fen int NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
  await pool.query(`CREATE TABLE bench_order_lines (order_id uuid REFERENCES bench_orders(id),
    stock_id int REFERENCES bench_stock(id), member int NOT NULL, quantity int NOT NULL,
    PRIMARY KEY (order_id, stock_id))`);
  await pool.query(`CREATE INDEX ON bench_order_lines (stock_id, member)`);
  const cpu = cpuMeter({ databaseUrl });
  const stepByStep = await load({
    cpu,
    op: (member) =>
      inTransaction(pool, async (client) => {
        const orderId = randomUUID();
        await client.query(`INSERT INTO bench_keys VALUES ($1, $2)`, [member, randomUUID()]);
        const taken = await client.query(
          `UPDATE bench_stock SET stock = stock - 1 WHERE id = 1 AND stock >= 1 RETURNING stock`,
        );
        if (taken.rowCount !== 1) throw new Error('found no stock');
        await client.query(
          `SELECT COALESCE(SUM(quantity), 0) FROM bench_order_lines WHERE stock_id = 1 AND member = $1`,
          [member],
        );
        await client.query(
          `INSERT INTO bench_orders (id, member, total_fen) VALUES ($1, $2, 990)`,
          [orderId, member],
        );
        await client.query(`INSERT INTO bench_order_lines VALUES ($1, 1, $2, 1)`, [
          orderId,
          member,
        ]);
      }),
  });
  const oneStatement = await load({
    cpu,
    op: async (member) => {
      const result = await pool.query(
        `WITH claimed AS (INSERT INTO bench_keys VALUES ($1, $2) RETURNING member),
         taken AS (UPDATE bench_stock SET stock = stock - 1
           WHERE id = 1 AND stock >= 1 AND EXISTS (SELECT 1 FROM claimed) RETURNING id),
         placed AS (INSERT INTO bench_orders (id, member, total_fen) SELECT $3, $1, 990 FROM taken RETURNING id)
         INSERT INTO bench_order_lines SELECT id, 1, $1, 1 FROM placed`,
        [member, randomUUID(), randomUUID()],
      );
      if (result.rowCount !== 1) throw new Error('found no stock');
    },
  });
  return { stepByStep, oneStatement };
}

async function main() {
  const database = await createDatabase();
  const bff = await startBff(database.url, { DB_POOL_SIZE: String(Math.max(CONCURRENCY, 4)) });
  const pool = sqlPool(database.url);
  try {
    console.log(
      `Orders benchmark: ${CONCURRENCY} concurrent clients, ${SECONDS} s a phase, on 127.0.0.1`,
    );

    // Raw: the guarded decrement alone, on a stock that never runs out during the phase.
    await pool.query(
      `CREATE TABLE bench_stock (id int PRIMARY KEY, stock int NOT NULL CHECK (stock >= 0))`,
    );
    await pool.query(`INSERT INTO bench_stock VALUES (1, 100000000)`);
    const raw = await load({
      cpu: cpuMeter({ databaseUrl: database.url }),
      op: () => rawOperations['take-stock'](pool),
    });
    const bareUpdate = await loadBareHttp('node', 'take-stock', database.url, () => ({}));
    const nestUpdate = await loadBareHttp('nest', 'take-stock', database.url, () => ({}));

    // API: members at one pickup point buying one unit each of one hot campaign.
    const { accessToken } = await call(bff.base, 'POST', '/admin/auth/login', bff.admin);
    const auth = { authorization: `Bearer ${accessToken}` };
    const product = await call(
      bff.base,
      'POST',
      '/admin/products',
      { name: 'bench', skus: [{ name: 'unit', priceFen: 1000 }] },
      auth,
    );
    const now = Date.now();
    const stock = 1_000_000;
    const campaign = await call(
      bff.base,
      'POST',
      '/admin/campaigns',
      {
        skuId: product.skus[0].id,
        title: 'hot campaign',
        groupPriceFen: 990,
        stock,
        perMemberLimit: 1000,
        minBuyers: 1,
        startsAt: new Date(now - 3_600_000).toISOString(),
        cutsOffAt: new Date(now + 86_400_000).toISOString(),
        pickupDate: new Date(now + 3 * 86_400_000).toISOString().slice(0, 10),
      },
      auth,
    );
    await call(bff.base, 'POST', `/admin/campaigns/${campaign.id}/publish`, undefined, auth);
    const community = await call(
      bff.base,
      'POST',
      '/admin/communities',
      { name: 'bench', city: 'bench' },
      auth,
    );
    const { id: pointId } = await call(
      bff.base,
      'POST',
      '/admin/pickup-points',
      {
        communityId: community.id,
        name: 'bench',
        address: 'bench',
        latitude: 30,
        longitude: 120,
        openingHours: 'bench',
      },
      auth,
    );
    // Shoppers can choose only a pickup point that has a leader.
    const leader = await call(bff.base, 'POST', '/auth/wechat-login', { code: 'dev:bench-leader' });
    const application = await call(
      bff.base,
      'POST',
      '/leader/applications',
      { pickupPointId: pointId, realName: 'bench', phone: '13800000000' },
      { authorization: `Bearer ${leader.accessToken}` },
    );
    await call(bff.base, 'POST', `/admin/leader-applications/${application.id}/approve`, {}, auth);
    const tokens = [];
    for (let i = 0; i < Math.min(BUYERS, CONCURRENCY * 8); i++) {
      const login = await call(bff.base, 'POST', '/auth/wechat-login', { code: `dev:buyer-${i}` });
      await call(
        bff.base,
        'PUT',
        '/me/pickup-point',
        { pickupPointId: pointId },
        { authorization: `Bearer ${login.accessToken}` },
      );
      tokens.push(login.accessToken);
    }
    const cpu = cpuMeter({ bffPid: bff.pid, databaseUrl: database.url });
    let next = 0;
    const api = await load({
      cpu,
      op: () =>
        call(
          bff.base,
          'POST',
          '/orders',
          { items: [{ campaignId: campaign.id, quantity: 1 }] },
          {
            authorization: `Bearer ${tokens[next++ % tokens.length]}`,
            'idempotency-key': randomUUID(),
          },
        ),
    });

    const [{ stock_left: stockLeft }] = (
      await pool.query(`SELECT stock_left FROM campaigns WHERE id = $1`, [campaign.id])
    ).rows;
    const [{ ordered }] = (
      await pool.query(
        `SELECT COALESCE(SUM(quantity), 0)::int AS ordered FROM order_lines WHERE campaign_id = $1`,
        [campaign.id],
      )
    ).rows;
    const floor = await apiFloor(bff.base, auth, cpu);
    // Last, so that the rows they write are not vacuumed during the API phases.
    const core = await coreOrderWrites(pool, database.url);
    report('Group-buy orders', raw, [
      ['raw update over bare HTTP', bareUpdate],
      ['raw update in a bare Nest route', nestUpdate],
      ['SQL order, step by step', core.stepByStep],
      ['SQL order, one statement', core.oneStatement],
      ['API place order', api],
      ['API floor (1-query GET)', floor],
    ]);
    console.log(
      `  stock taken ${stock - stockLeft}, units ordered ${ordered}: ${stock - stockLeft === ordered && stockLeft >= 0 ? 'no oversell' : 'OVERSOLD'}`,
    );
    console.log(
      `  target: API at least 40% of raw -> ${((api.perSecond / raw.perSecond) * 100).toFixed(0)}% (the API's own floor, a 1-query GET: ${((floor.perSecond / raw.perSecond) * 100).toFixed(0)}%)`,
    );
  } finally {
    await pool.end();
    await bff.stop();
    await database.drop();
  }
}

runBenchmark(main);
