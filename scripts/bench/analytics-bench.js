#!/usr/bin/env node
// npm run bench:analytics — the insight reports over generated history (1,000,000 orders of
// 200,000 members at 200 pickup points over two years, with a points lot per order, by default):
// each report through the HTTP API as a ratio to one plain SQL pass over the orders.
const { Pool } = require('pg');
const { createDatabase, startBff, call, timed, reportTimes, runBenchmark } = require('./support');

const ORDERS = Number(process.env.BENCH_ORDERS || 1_000_000);
const MEMBERS = Number(process.env.BENCH_MEMBERS || 200_000);
const POINTS = 200;
const DAYS = 730;

/** Members join over two years; some buy far more often than others; a few orders are refunded. */
async function generateHistory(pool) {
  await pool.query(`INSERT INTO communities (name, city) VALUES ('bench', 'bench')`);
  await pool.query(
    `INSERT INTO pickup_points (community_id, name, address, latitude, longitude)
     SELECT c.id, 'point ' || g, 'bench', 30, 120 FROM communities c, generate_series(1, $1) g`,
    [POINTS],
  );
  await pool.query(
    `INSERT INTO members (openid, nickname, invite_code, created_at)
     SELECT 'bench_' || g, 'bench ' || g, 'B' || g, now() - random() * $2 * interval '1 day'
     FROM generate_series(1, $1) g`,
    [MEMBERS, DAYS],
  );
  await pool.query(`INSERT INTO point_accounts (member_id) SELECT id FROM members`);
  await pool.query(
    `CREATE TABLE bench_members AS SELECT row_number() OVER () AS n, id, created_at FROM members`,
  );
  await pool.query(
    `CREATE TABLE bench_points AS SELECT row_number() OVER () AS n, id FROM pickup_points`,
  );
  await pool.query(
    `INSERT INTO orders (member_id, pickup_point_id, state, subtotal_fen, tier_discount_fen,
       coupon_discount_fen, points_used, points_discount_fen, payable_fen, points_to_earn,
       expires_at, paid_at, created_at, pickup_code, refunded_fen, ready_at, picked_up_at)
     SELECT m.id, p.id, CASE WHEN g % 50 = 0 THEN 'refunded' ELSE 'completed' END, fen, 0, 0, 0, 0,
       fen, 0, paid, paid, paid, lpad((g % 100000000)::text, 8, '0'),
       CASE WHEN g % 50 = 0 THEN fen ELSE 0 END, paid + interval '1 day',
       paid + interval '1 day' + random() * interval '30 hours'
     FROM (
       SELECT g, 1 + floor($2 * power(random(), 2))::int AS member_n, 1 + g % $3 AS point_n,
         500 + floor(random() * 10000)::int AS fen, random() AS at
       FROM generate_series(1, $1) g) o
     JOIN bench_members m ON m.n = o.member_n
     JOIN bench_points p ON p.n = o.point_n,
     LATERAL (SELECT m.created_at + o.at * (now() - m.created_at) AS paid) t`,
    [ORDERS, MEMBERS, POINTS],
  );
  await pool.query(
    `INSERT INTO point_lots (member_id, source_type, source_id, amount, remaining, state, available_from, expires_at, created_at)
     SELECT member_id, 'order', id::text, 50, 30, 'available', paid_at, paid_at + interval '1 year', paid_at
     FROM orders`,
  );
  await pool.query(
    `INSERT INTO point_entries (member_id, type, amount, operation_key, source_type, source_id, created_at)
     SELECT member_id, 'earn', 50, 'earn:' || id, 'order', id::text, paid_at FROM orders
     UNION ALL
     SELECT member_id, 'spend', -20, 'spend:' || id, 'order', id::text, paid_at FROM orders`,
  );
  await pool.query(`DROP TABLE bench_members, bench_points`);
  await pool.query('VACUUM ANALYZE');
}

async function main() {
  const database = await createDatabase();
  const bff = await startBff(database.url);
  const pool = new Pool({ connectionString: database.url, max: 2 });
  try {
    console.log(
      `Analytics benchmark: ${ORDERS.toLocaleString('en')} orders of ${MEMBERS.toLocaleString('en')} members at ${POINTS} pickup points over ${DAYS} days, on 127.0.0.1`,
    );
    const generate = await timed(() => generateHistory(pool));
    console.log(`  generated the history in ${(generate.ms / 1000).toFixed(1)} s`);

    const plainPass = () => pool.query(`SELECT count(*), sum(payable_fen) FROM orders`);
    await plainPass();
    const baseline = await timed(plainPass);

    const { accessToken } = await call(bff.base, 'POST', '/admin/auth/login', bff.admin);
    const auth = { authorization: `Bearer ${accessToken}` };
    const report = (route) =>
      timed(() => call(bff.base, 'GET', `/admin/analytics/${route}`, undefined, auth));
    // 365 days before today in Shanghai: a period of 366 days, the longest allowed.
    const yearAgo = new Date(Date.now() + 8 * 3_600_000 - 365 * 86_400_000)
      .toISOString()
      .slice(0, 10);
    const phases = [
      ['overview, last 30 days', 'overview'],
      ['overview, a year', `overview?from=${yearAgo}`],
      ['rfm', 'rfm'],
      ['rfm, a segment listed', 'rfm?segment=cannot_lose'],
      ['cohorts, 12 months', 'cohorts'],
      ['leaders, last 30 days', 'leaders'],
      ['points-liability', 'points-liability'],
      ['churn, fitting the model', 'churn'],
      ['churn, model fitted today', 'churn'],
      ['churn, a stage listed', 'churn?stage=at_risk'],
    ];
    const rows = [];
    let churn;
    for (const [name, route] of phases) {
      const { ms, result } = await report(route);
      rows.push([name, ms]);
      if (route === 'churn') churn = result;
    }
    reportTimes('plain SQL pass over orders (baseline)', baseline.ms, rows);
    if (churn?.model)
      console.log(
        `  churn model: ${churn.model.customers.toLocaleString('en')} buyers, BG/NBD ${JSON.stringify(churn.model.bgnbd)}`,
      );
  } finally {
    await pool.end();
    await bff.stop();
    await database.drop();
  }
}

if (require.main === module) runBenchmark(main);
module.exports = { generateHistory };
