#!/usr/bin/env node
// npm run bench:recommendations — GET /me/recommendations at one pickup point holding about a
// million order lines (BENCH_ORDER_LINES), asked one at a time, against GET /campaigns for the
// same member as the baseline (the list whose rows and views it reuses); and its signals
// statement alone, with what EXPLAIN ANALYZE says of it: time, buffers, indexes.
const path = require('node:path');
const { Pool } = require('pg');
const { ROOT, createDatabase, startBff, call, timed, runBenchmark } = require('./support');

const LINES = Number(process.env.BENCH_ORDER_LINES || 1_000_000);
const NEIGHBOURS = 20_000;
const PRODUCTS = 1_000;
// Every seventh product is on sale now; each product's group-buys follow one another, 10 days each.
const LIVE_EVERY = 7;
const CALLS = 20;
const POINT = '00000000-0000-4000-8000-00000000000a';

/**
 * A pickup point whose neighbours (a few buying often, most now and then) placed LINES / 3
 * orders of three lines over the last 60 days, from group-buys that were on sale when they
 * ordered, some products far more popular than others; `regular` among them, `newcomer` with no
 * order yet.
 */
async function generateOrders(pool, regular, newcomer) {
  const orders = Math.round(LINES / 3);
  await pool.query(`
    INSERT INTO communities (id, name, city) VALUES ('00000000-0000-4000-8000-000000000001', '阳光花园', '杭州');
    INSERT INTO pickup_points (id, community_id, name, address, latitude, longitude)
    VALUES ('${POINT}', '00000000-0000-4000-8000-000000000001', '东门自提点', '文三路', 30.27, 120.12);`);
  await pool.query(
    `INSERT INTO members (openid, nickname, invite_code, pickup_point_id)
     SELECT 'bench_' || g, 'n' || g, 'B' || g, $2 FROM generate_series(1, $1) g`,
    [NEIGHBOURS - 1, POINT],
  );
  await pool.query(`UPDATE members SET pickup_point_id = $2 WHERE id = ANY($1::uuid[])`, [
    [regular, newcomer],
    POINT,
  ]);
  // Neighbours numbered by how often they buy, the first most often: the regular is 5,000th,
  // one of those who buy now and then (some 17 orders).
  await pool.query(
    `CREATE TABLE bench_members AS
     SELECT CASE WHEN n >= 5000 THEN n + 1 ELSE n END AS n, id
     FROM (SELECT row_number() OVER (ORDER BY openid) AS n, id FROM members
           WHERE pickup_point_id = $2 AND id <> ALL($3::uuid[])) bench
     UNION ALL SELECT 5000, $1::uuid`,
    [regular, POINT, [regular, newcomer]],
  );
  await pool.query(`
    INSERT INTO products (name) SELECT 'p' || g FROM generate_series(1, ${PRODUCTS}) g;
    INSERT INTO skus (product_id, name, price_fen, position) SELECT id, '一份', 990, 1 FROM products;
    CREATE TABLE bench_skus AS
    SELECT substr(p.name, 2)::int AS n, s.id FROM products p JOIN skus s ON s.product_id = p.id;`);
  await pool.query(`
    INSERT INTO campaigns (sku_id, title, group_price_fen, stock_total, stock_left, per_member_limit,
      min_buyers, starts_at, cuts_off_at, pickup_date, status)
    SELECT s.id, 'c' || s.n || '-' || k, 900, 1000000, 900000, 5, 1, starts, starts + interval '10 days',
           (now() + interval '20 days')::date, CASE WHEN starts + interval '10 days' > now() THEN 'published' ELSE 'closed' END
    FROM bench_skus s, generate_series(0, 7) k,
         LATERAL (SELECT now() - interval '70 days' + (k * 10 - s.n % 10) * interval '1 day' AS starts) t
    WHERE starts < now() AND (s.n % ${LIVE_EVERY} = 0 OR starts + interval '10 days' <= now())`);
  await pool.query(`
    CREATE TABLE bench_campaigns AS
    SELECT s.n, c.id, c.starts_at, c.cuts_off_at FROM campaigns c JOIN bench_skus s ON s.id = c.sku_id;
    CREATE INDEX ON bench_campaigns (n, starts_at);
    CREATE TABLE bench_orders AS
    SELECT gen_random_uuid() AS id, x.g, m.id AS member_id, now() - x.t * interval '60 days' AS created_at,
           CASE WHEN r < 0.80 THEN 'completed' WHEN r < 0.86 THEN 'picked_up' WHEN r < 0.92 THEN 'paid'
                WHEN r < 0.95 THEN 'confirmed' WHEN r < 0.98 THEN 'cancelled' ELSE 'pending_payment' END AS state
    FROM (SELECT g, random() AS r, random() AS t, 1 + floor(${NEIGHBOURS - 1} * power(random(), 1.5))::int AS mn
          FROM generate_series(1, ${orders}) g) x JOIN bench_members m ON m.n = x.mn;
    INSERT INTO orders (id, member_id, pickup_point_id, state, subtotal_fen, tier_discount_fen,
      coupon_discount_fen, points_used, points_discount_fen, payable_fen, points_to_earn, expires_at,
      paid_at, created_at, pickup_code)
    SELECT id, member_id, '${POINT}', state, 2700, 0, 0, 0, 0, 2700, 27, created_at + interval '15 minutes',
           CASE WHEN state <> 'pending_payment' THEN created_at END, created_at, lpad(g::text, 8, '0')
    FROM bench_orders;`);
  // A product not on sale when the order was placed gives way to the next one that was.
  await pool.query(`
    INSERT INTO order_lines (order_id, campaign_id, quantity, unit_price_fen, list_fen, tier_discount_fen,
      coupon_discount_fen, points_discount_fen, payable_fen)
    SELECT DISTINCT ON (l.order_id, c.id) l.order_id, c.id, 1, 900, 900, 0, 0, 0, 900
    FROM (SELECT o.id AS order_id, o.created_at, 1 + floor(${PRODUCTS} * power(random(), 2.5))::int AS n
          FROM bench_orders o, generate_series(1, 3) j) l
    JOIN LATERAL (
      SELECT c.id FROM bench_campaigns c
      WHERE c.n IN (l.n, least(${LIVE_EVERY} * ceil(l.n / ${LIVE_EVERY}.0)::int, ${PRODUCTS - (PRODUCTS % LIVE_EVERY)}))
        AND c.starts_at <= l.created_at AND c.cuts_off_at > l.created_at
      ORDER BY c.n <> l.n LIMIT 1) c ON true`);
  await pool.query(`
    INSERT INTO campaign_buyers (campaign_id, member_id, paid_orders)
    SELECT l.campaign_id, o.member_id, COUNT(*) FROM order_lines l JOIN orders o ON o.id = l.order_id
    WHERE o.paid_at IS NOT NULL AND o.state NOT IN ('cancelled', 'refunded') GROUP BY 1, 2;
    INSERT INTO campaign_member_quantities (campaign_id, member_id, quantity)
    SELECT l.campaign_id, o.member_id, SUM(l.quantity) FROM order_lines l JOIN orders o ON o.id = l.order_id
    WHERE o.state <> 'cancelled' GROUP BY 1, 2;
    DROP TABLE bench_members, bench_skus, bench_campaigns, bench_orders;`);
  await pool.query('VACUUM ANALYZE');
}

/** Median and 95th percentile of CALLS calls one after another, after three to warm up. */
async function oneAtATime(fn) {
  for (let i = 0; i < 3; i++) await fn();
  const ms = [];
  for (let i = 0; i < CALLS; i++) ms.push((await timed(fn)).ms);
  ms.sort((a, b) => a - b);
  return { p50: ms[Math.floor(ms.length / 2)], p95: ms[Math.floor(ms.length * 0.95)] };
}

/** The signals statement for the member, as the BFF sends it, with EXPLAIN ANALYZE's figures. */
async function explainSignals(pool, memberId) {
  const { RECOMMENDATION_SIGNALS, signalParameters } = require(
    path.join(ROOT, 'dist/bff/apps/bff/src/modules/recommendations/recommendations.service'),
  );
  const { rows: candidates } = await pool.query(
    `SELECT c.id, s.product_id FROM campaigns c JOIN skus s ON s.id = c.sku_id
     WHERE c.status = 'published' AND c.starts_at <= now() AND c.cuts_off_at > now()
     ORDER BY c.cuts_off_at, c.id LIMIT 200`,
  );
  const parameters = signalParameters(memberId, POINT, new Date(), candidates);
  for (let i = 0; i < 3; i++) await pool.query(RECOMMENDATION_SIGNALS, parameters);
  const { rows } = await pool.query(
    `EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) ${RECOMMENDATION_SIGNALS}`,
    parameters,
  );
  const plan = rows.map((r) => r['QUERY PLAN']);
  const figure = (pattern) => plan.find((line) => pattern.test(line))?.trim();
  const scans = [
    ...new Set(
      plan
        .map((l) => /(Seq Scan on \w+|Index(?: Only)? Scan(?: Backward)? using \w+)/.exec(l)?.[1])
        .filter(Boolean),
    ),
  ];
  return {
    candidates: candidates.length,
    execution: figure(/^Execution Time/),
    planning: figure(/^Planning Time/),
    buffers: plan.find((line) => /Buffers:/.test(line))?.trim(),
    scans,
  };
}

async function main() {
  const database = await createDatabase();
  const bff = await startBff(database.url);
  const pool = new Pool({ connectionString: database.url, max: 2 });
  try {
    const login = (name) => call(bff.base, 'POST', '/auth/wechat-login', { code: `dev:${name}` });
    const regular = await login('bench-regular');
    const newcomer = await login('bench-newcomer');
    console.log(
      `Recommendations benchmark: ${LINES.toLocaleString('en')} order lines at one pickup point (${NEIGHBOURS.toLocaleString('en')} neighbours, ${PRODUCTS} products), on 127.0.0.1`,
    );
    const generated = await timed(() =>
      generateOrders(pool, regular.member.id, newcomer.member.id),
    );
    const [{ lines, orders, live }] = (
      await pool.query(
        `SELECT (SELECT COUNT(*) FROM order_lines)::int AS lines, (SELECT COUNT(*) FROM orders)::int AS orders,
                (SELECT COUNT(*) FROM campaigns WHERE status = 'published')::int AS live`,
      )
    ).rows;
    console.log(
      `  generated ${orders.toLocaleString('en')} orders, ${lines.toLocaleString('en')} lines, ${live} group-buys on sale, in ${(generated.ms / 1000).toFixed(0)} s`,
    );

    console.log(
      `\n  ${'one call at a time, ms'.padEnd(52)}    p50      p95   vs GET /campaigns (p50)`,
    );
    for (const [who, member] of [
      ['regular (about 17 orders)', regular],
      ['newcomer (no order)', newcomer],
    ]) {
      const auth = { authorization: `Bearer ${member.accessToken}` };
      const baseline = await oneAtATime(() =>
        call(bff.base, 'GET', '/campaigns?limit=20', undefined, auth),
      );
      const recommendations = await oneAtATime(() =>
        call(bff.base, 'GET', '/me/recommendations', undefined, auth),
      );
      const row = (name, r) =>
        `  ${name.padEnd(52)} ${r.p50.toFixed(1).padStart(6)} ${r.p95.toFixed(1).padStart(8)}`;
      console.log(`${row(`GET /campaigns, ${who}`, baseline)}`);
      console.log(
        `${row(`GET /me/recommendations, ${who}`, recommendations)} ${`${(recommendations.p50 / baseline.p50).toFixed(1)}x`.padStart(10)}`,
      );
    }

    for (const [who, member] of [
      ['regular', regular],
      ['newcomer', newcomer],
    ]) {
      const explained = await explainSignals(pool, member.member.id);
      console.log(
        `\n  signals statement, ${who}, ${explained.candidates} candidates (EXPLAIN ANALYZE):`,
      );
      console.log(`    ${explained.execution}; ${explained.planning}; ${explained.buffers}`);
      console.log(`    ${explained.scans.join(', ')}`);
    }
  } finally {
    await pool.end();
    await bff.stop();
    await database.drop();
  }
}

runBenchmark(main);
