import { ErrorCode } from '@linli/shared';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { RequestContext } from '../src/common/request-context';
import { TransactionalConnection } from '../src/common/transaction/transactional-connection';
import { lockWaits } from './support/lock-waits';
import { loginAdmin, loginMember, startTestApp, TestApp } from './support/test-app';

describe('points reconciliation, slice by slice (job reconcile-points)', () => {
  let t: TestApp;
  let admin: string;
  let neighbours: { accessToken: string; member: { id: string } }[];

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
    // 1,230 accounts opened with nothing in them yet, and three neighbours who earn and spend.
    await t.dataSource.query(
      `WITH m AS (
         INSERT INTO members (openid, nickname, invite_code)
         SELECT 'reconcile-' || g, '邻居' || g, 'RC' || g FROM generate_series(1, 1230) g RETURNING id)
       INSERT INTO point_accounts (member_id) SELECT id FROM m`,
    );
    neighbours = [];
    for (const name of ['reconcile-a', 'reconcile-b', 'reconcile-c']) {
      const neighbour = await loginMember(t, name);
      await adjust(neighbour.member.id, 100).expect(201);
      await adjust(neighbour.member.id, -30).expect(201);
      neighbours.push(neighbour);
    }
  });
  afterAll(() => t.close());

  const adjust = (memberId: string, points: number) =>
    t
      .http()
      .post(`/api/v1/admin/members/${memberId}/points-adjustments`)
      .auth(admin, { type: 'bearer' })
      .set('Idempotency-Key', randomUUID())
      .send({ points, reason: '对账' });
  const runJob = async () =>
    (
      await t
        .http()
        .post('/api/v1/admin/jobs/reconcile-points/run')
        .auth(admin, { type: 'bearer' })
        .expect(200)
    ).body as { processed: number; batches: number };
  const latest = (token = admin) =>
    t.http().get('/api/v1/admin/points/reconciliations/latest').auth(token, { type: 'bearer' });
  const accountCount = async () =>
    (
      (await t.dataSource.query(`SELECT count(*)::int AS n FROM point_accounts`)) as {
        n: number;
      }[]
    )[0].n;
  /** Takes a point from one of the member's lots behind the journal's back; answers how to put it back. */
  const tamper = async (memberId: string) => {
    const [[lot]] = await t.dataSource.query(
      `UPDATE point_lots SET remaining = remaining - 1
       WHERE id = (SELECT id FROM point_lots WHERE member_id = $1 AND remaining > 0 LIMIT 1)
       RETURNING id`,
      [memberId],
    );
    return () =>
      t.dataSource.query(`UPDATE point_lots SET remaining = remaining + 1 WHERE id = $1`, [lot.id]);
  };
  const allocationsDisagree = (memberId: string) => ({
    memberId,
    problems: expect.arrayContaining([expect.stringMatching(/allocations sum to/)]),
  });

  it('has nothing to show before the first run, and shows nothing to shoppers', async () => {
    expect((await latest().expect(404)).body.error.code).toBe(ErrorCode.NotFound);
    await latest(neighbours[0].accessToken).expect(403);
  });

  it('checks every account 200 at a time, naming the one whose lots disagree, as the one-request check does', async () => {
    const [, tampered] = neighbours;
    const putBack = await tamper(tampered.member.id);
    const accounts = await accountCount();
    expect(accounts).toBeGreaterThan(1_230);

    expect(await runJob()).toMatchObject({
      name: 'reconcile-points',
      processed: accounts,
      batches: Math.floor(accounts / 200) + 1,
    });
    const report = (await latest().expect(200)).body;
    expect(report).toEqual({
      id: expect.any(String),
      startedAt: expect.any(String),
      finishedAt: expect.any(String),
      accountsChecked: accounts,
      accounts,
      mismatchedAccounts: 1,
      mismatches: [allocationsDisagree(tampered.member.id)],
    });
    const live = await t
      .http()
      .get('/api/v1/admin/points/reconciliation')
      .auth(admin, { type: 'bearer' })
      .expect(200);
    expect(live.body.mismatches).toEqual(report.mismatches);

    // Put right, the next run starts afresh and, with neighbours earning and spending all the
    // while, finds nothing: each slice reads one snapshot, where an operation is whole or absent.
    await putBack();
    const [run] = await Promise.all([
      runJob(),
      ...Array.from({ length: 60 }, (_, i) =>
        adjust(neighbours[i % 3].member.id, i % 2 === 0 ? 7 : -3).expect(201),
      ),
    ]);
    expect(run.processed).toBe(accounts);
    const next = (await latest().expect(200)).body;
    expect(next.id).not.toBe(report.id);
    expect(next).toMatchObject({
      accountsChecked: accounts,
      mismatchedAccounts: 0,
      mismatches: [],
    });
  });

  it('goes on from where a stopped run got to, showing how far it got meanwhile', async () => {
    const [first, middle, last] = [...neighbours].sort((a, b) =>
      a.member.id < b.member.id ? -1 : 1,
    );
    // A run stopped once it had checked the accounts up to the middle neighbour's.
    const [{ n: checkedBefore }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM point_accounts WHERE member_id <= $1`,
      [middle.member.id],
    );
    const [{ id: stopped }] = await t.dataSource.query(
      `INSERT INTO points_reconciliations (started_at, checked_through, accounts_checked)
       VALUES (now() - interval '1 hour', $1, $2) RETURNING id`,
      [middle.member.id, checkedBefore],
    );
    const accounts = await accountCount();
    expect((await latest().expect(200)).body).toMatchObject({
      id: stopped,
      finishedAt: null,
      accountsChecked: checkedBefore,
      accounts,
    });
    const putBack = [await tamper(first.member.id), await tamper(last.member.id)];
    try {
      expect((await runJob()).processed).toBe(accounts - checkedBefore);
      // The first neighbour's account was checked before the stop; only the last one's is new.
      expect((await latest().expect(200)).body).toMatchObject({
        id: stopped,
        finishedAt: expect.any(String),
        accountsChecked: accounts,
        mismatchedAccounts: 1,
        mismatches: [allocationsDisagree(last.member.id)],
      });
    } finally {
      for (const undo of putBack) await undo();
    }
  });

  it('counts every account that does not add up, and keeps what is wrong with the first 1,000', async () => {
    // 1,001 accounts with a lot no journal entry made.
    await t.dataSource.query(
      `INSERT INTO point_lots (member_id, source_type, source_id, amount, remaining, state, available_from, expires_at)
       SELECT member_id, 'stray', 'stray', 5, 5, 'available', now(), now() + interval '1 year'
       FROM point_accounts ORDER BY member_id DESC LIMIT 1001`,
    );
    try {
      expect((await runJob()).processed).toBe(await accountCount());
      const report = (await latest().expect(200)).body;
      expect(report.mismatchedAccounts).toBe(1001);
      expect(report.mismatches).toHaveLength(1000);
      expect(new Set(report.mismatches.map((m: { memberId: string }) => m.memberId)).size).toBe(
        1000,
      );
    } finally {
      await t.dataSource.query(`DELETE FROM point_lots WHERE source_type = 'stray'`);
    }
  });
});

describe('points reconciliation: a slice slower than requests may be', () => {
  let t: TestApp;

  beforeAll(async () => {
    // Requests' statements may take 1 s, and the client waits 2 s for an answer.
    t = await startTestApp({ DB_STATEMENT_TIMEOUT_MS: '1000' });
    const neighbour = await loginMember(t, 'reconcile-slow');
    await t.dataSource.query(`INSERT INTO point_accounts (member_id) VALUES ($1)`, [
      neighbour.member.id,
    ]);
  });
  afterAll(() => t.close());

  it("lets a long statement take its time, and the statements after it the requests' timeout again", async () => {
    const connection = t.app.get(TransactionalConnection);
    const after = await connection.withTransaction(
      RequestContext.forSystem('test'),
      async (ctx) => {
        await connection.longQuery(ctx, `SELECT pg_sleep(2.5)`, [], 5_000);
        return connection.query(ctx, `SELECT current_setting('statement_timeout') AS timeout`);
      },
    );
    expect(after).toEqual([{ timeout: '1s' }]);
  });

  it('waits for a slice that takes longer than a request may, and finishes the run', async () => {
    const admin = await loginAdmin(t);
    // The ledger is slow to read: another session holds its allocations for 4 s.
    const holder = new Client({ connectionString: t.database.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE point_allocations IN ACCESS EXCLUSIVE MODE');
      const running = t
        .http()
        .post('/api/v1/admin/jobs/reconcile-points/run')
        .auth(admin, { type: 'bearer' })
        .then((res) => res);
      await lockWaits(t.dataSource, 1, 'point_allocations');
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      await holder.query('COMMIT');
      const run = await running;
      expect([run.status, run.body.status]).toEqual([200, 'succeeded']);
    } finally {
      await holder.end();
    }
    const report = await t
      .http()
      .get('/api/v1/admin/points/reconciliations/latest')
      .auth(admin, { type: 'bearer' })
      .expect(200);
    expect(report.body).toMatchObject({ finishedAt: expect.any(String), mismatchedAccounts: 0 });
    // No connection was handed back to the pool with its transaction still open.
    const leftOpen = await t.dataSource.query(
      `SELECT pid FROM pg_stat_activity
       WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
    );
    expect(leftOpen).toEqual([]);
  });
});
