#!/usr/bin/env node
// npm run bench:points — the points ledger through the HTTP API against the raw SQL of an
// earn (one journal insert + one lot update) at the same concurrency, in the same run.
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

async function rawEarn(databaseUrl, cpu) {
  const pool = sqlPool(databaseUrl);
  await pool.query(
    `CREATE TABLE bench_lots (member int PRIMARY KEY, remaining int NOT NULL CHECK (remaining >= 0))`,
  );
  await pool.query(`CREATE TABLE bench_journal (id uuid PRIMARY KEY, member int NOT NULL, amount int NOT NULL,
    operation_key text NOT NULL UNIQUE, created_at timestamptz NOT NULL DEFAULT now())`);
  await pool.query(`INSERT INTO bench_lots SELECT g, 0 FROM generate_series(0, $1) g`, [
    CONCURRENCY,
  ]);
  const result = await load({
    cpu,
    op: (worker) => rawOperations.earn(pool, worker),
  });
  await pool.end();
  return result;
}

/**
 * The ledger's own writes for a credit, in raw SQL from this client with no HTTP and no BFF: lock
 * the member's account, record the operation key, insert the lot and the journal entry, in one
 * transaction. Between it and the API is what the request adds: HTTP, authentication, the
 * Idempotency-Key record, the audit entry and the balance in the answer.
 */
async function ledgerCredit(databaseUrl, cpu) {
  const pool = sqlPool(databaseUrl);
  await pool.query(`CREATE TABLE bench_accounts (member int PRIMARY KEY)`);
  await pool.query(`CREATE TABLE bench_operations (member int REFERENCES bench_accounts(member),
    operation_key uuid, PRIMARY KEY (member, operation_key))`);
  await pool.query(`CREATE TABLE bench_credit_lots (id uuid PRIMARY KEY,
    member int NOT NULL REFERENCES bench_accounts(member), amount int NOT NULL CHECK (amount > 0),
    remaining int NOT NULL CHECK (remaining >= 0), expires_at timestamptz NOT NULL)`);
  await pool.query(`CREATE INDEX ON bench_credit_lots (member, expires_at)`);
  await pool.query(`INSERT INTO bench_accounts SELECT generate_series(0, $1)`, [CONCURRENCY]);
  const result = await load({
    cpu,
    op: (worker) =>
      inTransaction(pool, async (client) => {
        const key = randomUUID();
        const lotId = randomUUID();
        await client.query(`SELECT member FROM bench_accounts WHERE member = $1 FOR UPDATE`, [
          worker,
        ]);
        await client.query(`INSERT INTO bench_operations VALUES ($1, $2)`, [worker, key]);
        await client.query(
          `INSERT INTO bench_credit_lots VALUES ($1, $2, 5, 5, now() + interval '1 year')`,
          [lotId, worker],
        );
        await client.query(
          `INSERT INTO bench_journal (id, member, amount, operation_key) VALUES ($1, $2, 5, $3)`,
          [lotId, worker, key],
        );
      }),
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
    const bareEarn = await loadBareHttp('node', 'earn', database.url, (worker) => ({ worker }));
    const nestEarn = await loadBareHttp('nest', 'earn', database.url, (worker) => ({ worker }));
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
      cpu,
      op: (worker) => adjust(worker, 5),
    });
    const spend = await load({
      cpu,
      op: (worker) => adjust(worker, -1),
    });

    const floor = await apiFloor(bff.base, auth, cpu);

    // Last, so that the rows it writes are not vacuumed during the API phases.
    const ledgerOnly = await ledgerCredit(database.url, cpuMeter({ databaseUrl: database.url }));

    const reconciliation = await call(
      bff.base,
      'GET',
      '/admin/points/reconciliation',
      undefined,
      auth,
    );
    report('Points ledger', raw, [
      ['raw earn over bare HTTP', bareEarn],
      ['raw earn in a bare Nest route', nestEarn],
      ['SQL ledger credit', ledgerOnly],
      ['API earn (credit)', earn],
      ['API spend (debit)', spend],
      ['API floor (1-query GET)', floor],
    ]);
    console.log(
      `  reconciliation: ${reconciliation.accounts} accounts, ${reconciliation.mismatches.length} mismatches`,
    );
    console.log(
      `  target: API at least 50% of raw -> earn ${((earn.perSecond / raw.perSecond) * 100).toFixed(0)}%, spend ${((spend.perSecond / raw.perSecond) * 100).toFixed(0)}% (the API's own floor, a 1-query GET: ${((floor.perSecond / raw.perSecond) * 100).toFixed(0)}%)`,
    );
  } finally {
    await bff.stop();
    await database.drop();
  }
}

runBenchmark(main);
