#!/usr/bin/env node
// npm run bench:tiers — tier simulation and the retain-tiers job over generated members (1M
// by default), each as a ratio to one plain SQL pass over the same members and growth.
const { Pool } = require('pg');
const { createDatabase, startBff, call, timed, reportTimes, runBenchmark } = require('./support');

const MEMBERS = Number(process.env.BENCH_MEMBERS || 1_000_000);

async function main() {
  const database = await createDatabase();
  // Long statements are the point here: the BFF's default statement timeout is for requests.
  const bff = await startBff(database.url, { DB_STATEMENT_TIMEOUT_MS: '600000' });
  const pool = new Pool({ connectionString: database.url, max: 2 });
  try {
    console.log(`Tiers benchmark: ${MEMBERS.toLocaleString('en')} generated members on 127.0.0.1`);
    const generate = await timed(async () => {
      await pool.query(
        `INSERT INTO members (openid, nickname, invite_code, tier, tier_reached_at, tier_review_at)
         SELECT 'bench_' || g, 'bench', 'B' || g,
                (ARRAY['regular', 'silver', 'gold', 'diamond'])[1 + g % 4],
                now() - interval '13 months',
                CASE WHEN g % 4 = 0 THEN NULL ELSE now() - interval '1 month' END
         FROM generate_series(1, $1) g`,
        [MEMBERS],
      );
      await pool.query(
        `INSERT INTO growth_events (member_id, amount, kind, source_type, source_id, occurred_at)
         SELECT id, 1 + (abs(hashtext(id::text)) % 7000), 'grant', 'bench', id::text,
                now() - (abs(hashtext(openid)) % 330) * interval '1 day'
         FROM members`,
      );
      await pool.query('ANALYZE');
    });
    console.log(`  generated members and growth in ${(generate.ms / 1000).toFixed(1)} s`);

    const plainPass = () =>
      pool.query(
        `SELECT m.tier, count(*), sum(g.growth) FROM members m
         LEFT JOIN (SELECT member_id, SUM(amount) AS growth FROM growth_events
                    WHERE occurred_at > now() - interval '12 months' GROUP BY member_id) g ON g.member_id = m.id
         GROUP BY m.tier`,
      );
    await plainPass();
    const baseline = await timed(plainPass);

    const { accessToken } = await call(bff.base, 'POST', '/admin/auth/login', bff.admin);
    const auth = { authorization: `Bearer ${accessToken}` };
    const draft = await call(bff.base, 'POST', '/admin/tier-rules', {}, auth);
    const tiers = draft.tiers.map((t) => (t.code === 'silver' ? { ...t, threshold: 400 } : t));
    await call(bff.base, 'PUT', `/admin/tier-rules/${draft.version}`, { tiers }, auth);
    const simulation = await timed(() =>
      call(bff.base, 'POST', `/admin/tier-rules/${draft.version}/simulate`, undefined, auth),
    );

    const retention = await timed(() =>
      call(bff.base, 'POST', '/admin/jobs/retain-tiers/run', undefined, auth),
    );

    reportTimes('plain SQL pass (baseline)', baseline.ms, [
      ['simulate a draft (HTTP)', simulation.ms],
      ['retain-tiers job (HTTP)', retention.ms],
    ]);
    console.log(
      `  simulation: ${simulation.result.members} members, ${simulation.result.moving} would move`,
    );
    console.log(
      `  retain-tiers: ${retention.result.processed} members reviewed in ${retention.result.batches} batches`,
    );
  } finally {
    await pool.end();
    await bff.stop();
    await database.drop();
  }
}

runBenchmark(main);
