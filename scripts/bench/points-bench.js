#!/usr/bin/env node
// npm run bench:points — the points ledger through the HTTP API against the raw SQL of an
// earn (one journal insert + one lot update) at the same concurrency, in the same run.
const { Pool } = require('pg');
const { randomUUID } = require('node:crypto');
const { createDatabase, startBff, cpuMeter, call, load, apiFloor, report } = require('./support');

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY || 16);
const SECONDS = Number(process.env.BENCH_SECONDS || 5);

async function rawEarn(databaseUrl, cpu) {
  const pool = new Pool({ connectionString: databaseUrl, max: CONCURRENCY });
  await pool.query(
    `CREATE TABLE bench_lots (member int PRIMARY KEY, remaining int NOT NULL CHECK (remaining >= 0))`,
  );
  await pool.query(`CREATE TABLE bench_journal (id uuid PRIMARY KEY, member int NOT NULL, amount int NOT NULL,
    operation_key text NOT NULL UNIQUE, created_at timestamptz NOT NULL DEFAULT now())`);
  await pool.query(`INSERT INTO bench_lots SELECT g, 0 FROM generate_series(0, $1) g`, [
    CONCURRENCY,
  ]);
  const result = await load({
    concurrency: CONCURRENCY,
    seconds: SECONDS,
    cpu,
    op: async (worker) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(
          `INSERT INTO bench_journal (id, member, amount, operation_key) VALUES ($1, $2, 1, $3)`,
          [randomUUID(), worker, randomUUID()],
        );
        await client.query(`UPDATE bench_lots SET remaining = remaining + 1 WHERE member = $1`, [
          worker,
        ]);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    },
  });
  await pool.end();
  return result;
}

async function main() {
  const database = await createDatabase();
  const bff = await startBff(database.url, { DB_POOL_SIZE: String(Math.max(CONCURRENCY, 4)) });
  try {
    console.log(
      `Points benchmark: ${CONCURRENCY} concurrent clients, ${SECONDS} s a phase, on 127.0.0.1`,
    );
    const raw = await rawEarn(database.url, cpuMeter({ databaseUrl: database.url }));
    const cpu = cpuMeter({ bffPid: bff.pid, databaseUrl: database.url });

    const { accessToken } = await call(bff.base, 'POST', '/admin/auth/login', bff.admin);
    const auth = { authorization: `Bearer ${accessToken}` };
    const members = [];
    for (let i = 0; i < CONCURRENCY; i++) {
      members.push(
        (await call(bff.base, 'POST', '/auth/wechat-login', { code: `dev:bench-${i}` })).member.id,
      );
    }
    const adjust = (worker, points) =>
      call(
        bff.base,
        'POST',
        `/admin/members/${members[worker]}/points-adjustments`,
        { points, reason: 'benchmark' },
        {
          ...auth,
          'idempotency-key': randomUUID(),
        },
      );
    const earn = await load({
      concurrency: CONCURRENCY,
      seconds: SECONDS,
      cpu,
      op: (worker) => adjust(worker, 5),
    });
    const spend = await load({
      concurrency: CONCURRENCY,
      seconds: SECONDS,
      cpu,
      op: (worker) => adjust(worker, -1),
    });

    const floor = await apiFloor(bff.base, auth, {
      concurrency: CONCURRENCY,
      seconds: SECONDS,
      cpu,
    });

    const reconciliation = await call(
      bff.base,
      'GET',
      '/admin/points/reconciliation',
      undefined,
      auth,
    );
    report('Points ledger', raw, [
      ['API earn (credit)', earn],
      ['API spend (debit)', spend],
      ['API floor (1-query GET)', floor],
    ]);
    console.log(
      `  reconciliation: ${reconciliation.accounts} accounts, ${reconciliation.mismatches.length} mismatches`,
    );
    console.log(
      `  target: API at least 50% of raw -> earn ${((earn.perSecond / raw.perSecond) * 100).toFixed(0)}%, spend ${((spend.perSecond / raw.perSecond) * 100).toFixed(0)}%`,
    );
  } finally {
    await bff.stop();
    await database.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
