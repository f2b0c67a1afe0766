#!/usr/bin/env node
// npm run bench:reconciliation — the points reconciliation over a generated ledger (50,000
// members with 10 credits and 10 debits each by default): the one-request check and the
// nightly reconcile-points job, each as a ratio to one plain SQL pass over the same tables.
const { Pool } = require('pg');
const { createDatabase, startBff, call, timed, reportTimes, runBenchmark } = require('./support');

const MEMBERS = Number(process.env.BENCH_MEMBERS || 50_000);
const OPERATIONS = 10;
// What the BFF allows a request's statement by default (DB_STATEMENT_TIMEOUT_MS).
const REQUEST_STATEMENT_TIMEOUT_MS = 15_000;

/** Every member earns OPERATIONS lots of 100 and spends 40 of each: a valid ledger. */
async function generateLedger(pool) {
  await pool.query(
    `INSERT INTO members (openid, nickname, invite_code)
     SELECT 'bench_' || g, 'bench', 'B' || g FROM generate_series(1, $1) g`,
    [MEMBERS],
  );
  await pool.query(`INSERT INTO point_accounts (member_id) SELECT id FROM members`);
  await pool.query(
    `CREATE TABLE bench_lots AS
     SELECT gen_random_uuid() AS id, gen_random_uuid() AS earn_id, gen_random_uuid() AS spend_id, a.member_id, k
     FROM point_accounts a, generate_series(1, $1) k`,
    [OPERATIONS],
  );
  await pool.query(
    `INSERT INTO point_lots (id, member_id, source_type, source_id, amount, remaining, state, available_from, expires_at)
     SELECT id, member_id, 'bench', k::text, 100, 60, 'available', now(), now() + interval '1 year' FROM bench_lots`,
  );
  await pool.query(
    `INSERT INTO point_entries (id, member_id, type, amount, operation_key, source_type, source_id)
     SELECT earn_id, member_id, 'earn', 100, 'earn:' || k, 'bench', k::text FROM bench_lots
     UNION ALL
     SELECT spend_id, member_id, 'spend', -40, 'spend:' || k, 'bench', 's' || k FROM bench_lots`,
  );
  await pool.query(
    `INSERT INTO point_allocations (entry_id, lot_id, amount)
     SELECT earn_id, id, 100 FROM bench_lots UNION ALL SELECT spend_id, id, -40 FROM bench_lots`,
  );
  await pool.query(`DROP TABLE bench_lots`);
  await pool.query('VACUUM ANALYZE');
}

async function main() {
  const database = await createDatabase();
  // Long statements are measured here rather than cut off: the one-request check is timed
  // whole, and compared with the statement timeout requests have by default afterwards.
  const bff = await startBff(database.url, { DB_STATEMENT_TIMEOUT_MS: '600000' });
  const pool = new Pool({ connectionString: database.url, max: 2 });
  try {
    console.log(
      `Reconciliation benchmark: ${MEMBERS.toLocaleString('en')} members with ${OPERATIONS} credits and ${OPERATIONS} debits each, on 127.0.0.1`,
    );
    const generate = await timed(() => generateLedger(pool));
    console.log(`  generated the ledger in ${(generate.ms / 1000).toFixed(1)} s`);
    // One account that does not add up, which both checks must name.
    await pool.query(
      `UPDATE point_lots SET remaining = remaining - 1 WHERE id = (SELECT id FROM point_lots LIMIT 1)`,
    );

    const plainPass = () =>
      pool.query(
        `SELECT (SELECT sum(amount) FROM point_allocations), (SELECT sum(remaining) FROM point_lots),
                (SELECT sum(amount) FROM point_entries)`,
      );
    await plainPass();
    const baseline = await timed(plainPass);

    const { accessToken } = await call(bff.base, 'POST', '/admin/auth/login', bff.admin);
    const auth = { authorization: `Bearer ${accessToken}` };
    const oneRequest = await timed(() =>
      call(bff.base, 'GET', '/admin/points/reconciliation', undefined, auth),
    );
    const job = await timed(() =>
      call(bff.base, 'POST', '/admin/jobs/reconcile-points/run', undefined, auth),
    );
    const latest = await call(
      bff.base,
      'GET',
      '/admin/points/reconciliations/latest',
      undefined,
      auth,
    );

    reportTimes('plain SQL pass (baseline)', baseline.ms, [
      ['one-request check (HTTP)', oneRequest.ms],
      ['reconcile-points job (HTTP)', job.ms],
      ['  one batch of the job, on average', job.ms / job.result.batches],
    ]);
    console.log(
      `  one-request check: ${oneRequest.result.accounts} accounts, ${oneRequest.result.mismatches.length} mismatched; ${
        oneRequest.ms < REQUEST_STATEMENT_TIMEOUT_MS ? 'within' : 'beyond'
      } the ${REQUEST_STATEMENT_TIMEOUT_MS / 1000} s a request's statement may take by default`,
    );
    console.log(
      `  reconcile-points: ${latest.accountsChecked} of ${latest.accounts} accounts in ${job.result.batches} batches, ${latest.mismatchedAccounts} mismatched`,
    );
  } finally {
    await pool.end();
    await bff.stop();
    await database.drop();
  }
}

runBenchmark(main);
