#!/usr/bin/env node
// npm run bench:orders — one hot campaign, many concurrent buyers through the HTTP API, against
// the raw guarded stock update at the same concurrency, in the same run. Checks for oversell.
const { Pool } = require('pg');
const { randomUUID } = require('node:crypto');
const { createDatabase, startBff, cpuMeter, call, load, apiFloor, report } = require('./support');

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY || 16);
const SECONDS = Number(process.env.BENCH_SECONDS || 5);
const BUYERS = Number(process.env.BENCH_BUYERS || 2000);

async function main() {
  const database = await createDatabase();
  const bff = await startBff(database.url, { DB_POOL_SIZE: String(Math.max(CONCURRENCY, 4)) });
  const pool = new Pool({ connectionString: database.url, max: CONCURRENCY });
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
      concurrency: CONCURRENCY,
      seconds: SECONDS,
      cpu: cpuMeter({ databaseUrl: database.url }),
      op: async () => {
        const result = await pool.query(
          `UPDATE bench_stock SET stock = stock - 1 WHERE id = $1 AND stock >= 1`,
          [1],
        );
        if (result.rowCount !== 1) throw new Error('raw update found no stock');
      },
    });

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
    const [{ id: pointId }] = (
      await pool.query(
        `WITH c AS (INSERT INTO communities (name, city) VALUES ('bench', 'bench') RETURNING id)
         INSERT INTO pickup_points (community_id, name, address, latitude, longitude) SELECT id, 'bench', 'bench', 30, 120 FROM c RETURNING id`,
      )
    ).rows;
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
      concurrency: CONCURRENCY,
      seconds: SECONDS,
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
    const floor = await apiFloor(bff.base, auth, {
      concurrency: CONCURRENCY,
      seconds: SECONDS,
      cpu,
    });
    report('Group-buy orders', raw, [
      ['API place order', api],
      ['API floor (1-query GET)', floor],
    ]);
    console.log(
      `  stock taken ${stock - stockLeft}, units ordered ${ordered}: ${stock - stockLeft === ordered && stockLeft >= 0 ? 'no oversell' : 'OVERSOLD'}`,
    );
    console.log(
      `  target: API at least 40% of raw -> ${((api.perSecond / raw.perSecond) * 100).toFixed(0)}%`,
    );
  } finally {
    await pool.end();
    await bff.stop();
    await database.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
