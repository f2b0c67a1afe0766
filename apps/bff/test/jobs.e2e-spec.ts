import { ErrorCode } from '@linli/shared';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { RequestContext } from '../src/common/request-context';
import { TransactionalConnection } from '../src/common/transaction/transactional-connection';
import { PurgeIdempotencyKeysJob } from '../src/modules/jobs/housekeeping.jobs';
import { JobRunner } from '../src/modules/jobs/job-runner.service';
import { lockWaits } from './support/lock-waits';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { loginAdmin, loginMember, startTestApp, TestApp } from './support/test-app';

describe('jobs run under an advisory lock, in batches, from the admin endpoint', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
  });
  afterAll(() => t.close());

  const run = (name: string, token = admin) =>
    t.http().post(`/api/v1/admin/jobs/${name}/run`).auth(token, { type: 'bearer' });

  it('lists the jobs with their schedules', async () => {
    const res = await t
      .http()
      .get('/api/v1/admin/jobs')
      .auth(admin, { type: 'bearer' })
      .expect(200);
    // Nothing has run yet in this database.
    expect(res.body.every((j: { lastRun: unknown }) => j.lastRun === null)).toBe(true);
    expect(res.body.map((j: { name: string }) => j.name)).toEqual([
      'expire-points',
      'notify-expiring-points',
      'reconcile-points',
      'retain-tiers',
      'upgrade-tiers',
      'cancel-unpaid-orders',
      'send-refunds',
      'cut-off-campaigns',
      'complete-orders',
      'settle-commissions',
      'dispatch-notifications',
      'give-birthday-gifts',
      'give-monthly-coupons',
      'refresh-insight',
      'purge-idempotency-keys',
      'purge-refresh-tokens',
      'purge-job-runs',
    ]);
  });

  it('purges old idempotency keys in batches and is idempotent', async () => {
    await t.dataSource.query(
      `INSERT INTO idempotency_keys (scope, key, fingerprint, created_at)
       SELECT 'member:test', 'old-' || g, 'f', now() - interval '3 days' FROM generate_series(1, 12000) g`,
    );
    await t.dataSource.query(
      `INSERT INTO idempotency_keys (scope, key, fingerprint) SELECT 'member:test', 'new-' || g, 'f' FROM generate_series(1, 10) g`,
    );
    const first = await run('purge-idempotency-keys').expect(200);
    expect(first.body).toMatchObject({
      name: 'purge-idempotency-keys',
      status: 'succeeded',
      processed: 12000,
      batches: 3,
    });
    const second = await run('purge-idempotency-keys').expect(200);
    expect(second.body).toMatchObject({ processed: 0, batches: 1 });
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM idempotency_keys WHERE scope = 'member:test'`,
    );
    expect(n).toBe(10);
    const runs = await t.dataSource.query(
      `SELECT status, processed FROM job_runs WHERE job_name = 'purge-idempotency-keys' ORDER BY started_at`,
    );
    expect(runs).toEqual([
      { status: 'succeeded', processed: 12000 },
      { status: 'succeeded', processed: 0 },
    ]);
    // Who ran it, and how it went, is in the audit log.
    const audit = await t.dataSource.query(
      `SELECT actor_kind, details FROM audit_log
       WHERE action = 'job.run' AND target_id = 'purge-idempotency-keys' ORDER BY created_at`,
    );
    expect(audit).toEqual([
      {
        actor_kind: 'admin',
        details: { runId: first.body.runId, processed: 12000, batches: 3 },
      },
      { actor_kind: 'admin', details: { runId: second.body.runId, processed: 0, batches: 1 } },
    ]);
  });

  it('shows each job’s last run, how far a run has got while it runs, and a job’s runs newest first', async () => {
    await t.dataSource.query(
      `INSERT INTO idempotency_keys (scope, key, fingerprint, created_at)
       SELECT 'member:progress', 'old-' || g, 'f', now() - interval '3 days' FROM generate_series(1, 7000) g`,
    );
    const job = t.app.get(PurgeIdempotencyKeysJob);
    const realBatch = job.runBatch.bind(job);
    let secondBatchStarted!: () => void;
    const firstCommitted = new Promise<void>((resolve) => (secondBatchStarted = resolve));
    let letGo!: () => void;
    const released = new Promise<void>((resolve) => (letGo = resolve));
    // The second batch waits until the run has been looked at between the two.
    jest
      .spyOn(job, 'runBatch')
      .mockImplementationOnce(realBatch)
      .mockImplementationOnce(async (ctx, size) => {
        secondBatchStarted();
        await released;
        return realBatch(ctx, size);
      });
    const jobs = async () =>
      (await t.http().get('/api/v1/admin/jobs').auth(admin, { type: 'bearer' }).expect(200))
        .body as { name: string; lastRun: Record<string, unknown> | null }[];
    const lastRunOf = async (name: string) => (await jobs()).find((j) => j.name === name)?.lastRun;
    try {
      const running = run('purge-idempotency-keys').then((res) => res);
      await firstCommitted;
      expect(await lastRunOf('purge-idempotency-keys')).toEqual({
        id: expect.any(String),
        trigger: 'admin',
        status: 'running',
        processed: 5000,
        batches: 1,
        error: null,
        startedAt: expect.any(String),
        finishedAt: null,
      });
      letGo();
      const finished = (await running).body;
      expect(finished).toMatchObject({ processed: 7000, batches: 2 });
      expect(await lastRunOf('purge-idempotency-keys')).toMatchObject({
        id: finished.runId,
        status: 'succeeded',
        processed: 7000,
        batches: 2,
        finishedAt: finished.finishedAt,
      });
    } finally {
      letGo();
      jest.restoreAllMocks();
    }
    expect(await lastRunOf('settle-commissions')).toBeNull();

    // Its runs newest first: this one, then the two of the test before.
    const runs = (query: string) =>
      t
        .http()
        .get(`/api/v1/admin/jobs/purge-idempotency-keys/runs?${query}`)
        .auth(admin, { type: 'bearer' })
        .expect(200);
    const first = (await runs('limit=2')).body;
    expect(first.items.map((r: { processed: number }) => r.processed)).toEqual([7000, 0]);
    const rest = (await runs(`limit=2&cursor=${first.nextCursor}`)).body;
    expect(rest).toMatchObject({
      items: [expect.objectContaining({ processed: 12000 })],
      nextCursor: null,
    });

    const unknown = await t
      .http()
      .get('/api/v1/admin/jobs/no-such-job/runs')
      .auth(admin, { type: 'bearer' })
      .expect(404);
    expect(unknown.body.error.code).toBe(ErrorCode.JobNotFound);
    const shopper = await loginMember(t, 'jobs-runs-shopper');
    await t
      .http()
      .get('/api/v1/admin/jobs/purge-idempotency-keys/runs')
      .auth(shopper.accessToken, { type: 'bearer' })
      .expect(403);
  });

  it('drops refresh tokens that expired, or were used more than a day ago', async () => {
    const { member } = await loginMember(t, 'jobs-refresh-tokens');
    const tokenOf = async (expires: string, used: string | null) =>
      (
        await t.dataSource.query(
          `INSERT INTO refresh_tokens (member_id, expires_at, used_at)
           VALUES ($1, now() + $2::interval, now() - $3::interval) RETURNING id`,
          [member.id, expires, used],
        )
      )[0].id as string;
    const expired = await tokenOf('-1 minute', null);
    const usedLongAgo = await tokenOf('10 days', '25 hours');
    const usedJustNow = await tokenOf('10 days', '1 hour');
    const live = await tokenOf('10 days', null);
    await run('purge-refresh-tokens').expect(200);
    const left = await t.dataSource.query(
      `SELECT id FROM refresh_tokens WHERE id = ANY($1::uuid[])`,
      [[expired, usedLongAgo, usedJustNow, live]],
    );
    expect(left.map((r: { id: string }) => r.id).sort()).toEqual([usedJustNow, live].sort());
  });

  it('drops job runs after 90 days, but never one still running', async () => {
    const runOf = async (status: string, daysAgo: number) =>
      (
        await t.dataSource.query(
          `INSERT INTO job_runs (job_name, trigger, status, started_at, finished_at)
           VALUES ('cut-off-campaigns', 'schedule', $1, now() - make_interval(days => $2),
                   CASE WHEN $1 <> 'running' THEN now() - make_interval(days => $2) END)
           RETURNING id`,
          [status, daysAgo],
        )
      )[0].id as string;
    const old = await runOf('succeeded', 91);
    const stillRunning = await runOf('running', 91);
    const recent = await runOf('failed', 89);
    expect((await run('purge-job-runs').expect(200)).body).toMatchObject({ processed: 1 });
    const left = await t.dataSource.query(`SELECT id FROM job_runs WHERE id = ANY($1::uuid[])`, [
      [old, stillRunning, recent],
    ]);
    expect(left.map((r: { id: string }) => r.id).sort()).toEqual([stillRunning, recent].sort());
  });

  it('refuses to start a job whose lock another instance holds, then runs it once the lock is free', async () => {
    const otherInstance = new Client({ connectionString: t.database.url });
    await otherInstance.connect();
    try {
      await otherInstance.query(
        `SELECT pg_advisory_lock(hashtextextended('linli:job:purge-refresh-tokens', 0))`,
      );
      const audited = async () =>
        (
          await t.dataSource.query(
            `SELECT count(*)::int AS n FROM audit_log
             WHERE action = 'job.run' AND target_id = 'purge-refresh-tokens'`,
          )
        )[0].n;
      const before = await audited();
      const res = await run('purge-refresh-tokens').expect(409);
      expect(res.body.error.code).toBe(ErrorCode.JobAlreadyRunning);
      // Nothing ran: nothing of it in the audit log.
      expect(await audited()).toBe(before);
      await otherInstance.query(
        `SELECT pg_advisory_unlock(hashtextextended('linli:job:purge-refresh-tokens', 0))`,
      );
      await run('purge-refresh-tokens').expect(200);
    } finally {
      await otherInstance.end();
    }
  });

  it('runs a job once when many triggers race', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => run('purge-refresh-tokens')));
    const statuses = results.map((r) => r.status);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    const [{ overlapping }] = await t.dataSource.query(
      `SELECT count(*)::int AS overlapping FROM job_runs a JOIN job_runs b
         ON a.job_name = b.job_name AND a.id < b.id
        AND a.started_at < b.finished_at AND b.started_at < a.finished_at
       WHERE a.job_name = 'purge-refresh-tokens'`,
    );
    expect(overlapping).toBe(0);
  });

  describe('when PostgreSQL aborts a batch as a deadlock victim', () => {
    let job: PurgeIdempotencyKeysJob;
    let realBatch: PurgeIdempotencyKeysJob['runBatch'];
    // Does the batch's work, then loses a deadlock in the same transaction.
    const deadlockedBatch = async (ctx: RequestContext, size: number) => {
      await realBatch(ctx, size);
      await t.app
        .get(TransactionalConnection)
        .query(
          ctx,
          `DO $$ BEGIN RAISE EXCEPTION 'deadlock detected' USING ERRCODE = 'deadlock_detected'; END $$`,
        );
      return 0;
    };
    beforeEach(() => {
      job = t.app.get(PurgeIdempotencyKeysJob);
      realBatch = job.runBatch.bind(job);
    });
    afterEach(() => jest.restoreAllMocks());

    const oldKeys = (prefix: string, n: number) =>
      t.dataSource.query(
        `INSERT INTO idempotency_keys (scope, key, fingerprint, created_at)
         SELECT 'member:deadlock', $1 || g, 'f', now() - interval '3 days' FROM generate_series(1, $2::int) g`,
        [prefix, n],
      );

    it('runs the batch again and counts its work once', async () => {
      await oldKeys('retried-', 30);
      const batch = jest.spyOn(job, 'runBatch').mockImplementationOnce(deadlockedBatch);
      const res = await run('purge-idempotency-keys').expect(200);
      expect(res.body).toMatchObject({ status: 'succeeded', processed: 30, batches: 1 });
      expect(batch).toHaveBeenCalledTimes(2);
      const [{ n }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM idempotency_keys WHERE scope = 'member:deadlock'`,
      );
      expect(n).toBe(0);
    });

    it('fails the run, with nothing changed, when the batch keeps losing', async () => {
      await oldKeys('stuck-', 5);
      const batch = jest.spyOn(job, 'runBatch').mockImplementation(deadlockedBatch);
      await run('purge-idempotency-keys').expect(503);
      expect(batch).toHaveBeenCalledTimes(4);
      const [last] = await t.dataSource.query(
        `SELECT status, processed FROM job_runs WHERE job_name = 'purge-idempotency-keys'
         ORDER BY started_at DESC LIMIT 1`,
      );
      expect(last).toEqual({ status: 'failed', processed: 0 });
      const [{ n }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM idempotency_keys WHERE scope = 'member:deadlock'`,
      );
      expect(n).toBe(5);
    });
  });

  it('records a run that ended with its process (killed, out of memory) as failed when the job next runs', async () => {
    const [{ id: killed }] = await t.dataSource.query(
      `INSERT INTO job_runs (job_name, trigger, status, processed, batches, started_at)
       VALUES ('purge-refresh-tokens', 'schedule', 'running', 1000, 1, now() - interval '1 hour')
       RETURNING id`,
    );
    // While another instance runs the job, its run is left alone.
    const otherInstance = new Client({ connectionString: t.database.url });
    await otherInstance.connect();
    try {
      await otherInstance.query(
        `SELECT pg_advisory_lock(hashtextextended('linli:job:purge-refresh-tokens', 0))`,
      );
      await run('purge-refresh-tokens').expect(409);
      const [meanwhile] = await t.dataSource.query(`SELECT status FROM job_runs WHERE id = $1`, [
        killed,
      ]);
      expect(meanwhile.status).toBe('running');
    } finally {
      await otherInstance.end();
    }

    const next = await run('purge-refresh-tokens').expect(200);
    const [ended] = await t.dataSource.query(
      `SELECT status, processed, batches, error, finished_at FROM job_runs WHERE id = $1`,
      [killed],
    );
    expect(ended).toMatchObject({
      status: 'failed',
      processed: 1000,
      batches: 1,
      error: 'ended without finishing: its process stopped during the run',
    });
    expect(new Date(ended.finished_at).getTime()).toBeLessThanOrEqual(
      new Date(next.body.startedAt).getTime(),
    );
  });

  it('stops a run that lost its lock (its session ended) after the batch in hand', async () => {
    await t.dataSource.query(
      `INSERT INTO idempotency_keys (scope, key, fingerprint, created_at)
       SELECT 'member:lost-lock', 'old-' || g, 'f', now() - interval '3 days' FROM generate_series(1, 12000) g`,
    );
    const job = t.app.get(PurgeIdempotencyKeysJob);
    const realBatch = job.runBatch.bind(job);
    const connection = t.app.get(TransactionalConnection);
    // The session holding the job's lock ends while the first batch runs (an idle-session
    // timeout, a proxy dropping it): another instance may take the lock from then on.
    jest.spyOn(job, 'runBatch').mockImplementationOnce(async (ctx, size) => {
      const done = await realBatch(ctx, size);
      // The session holding this job's lock (its key split in two 32-bit halves, as pg_locks
      // shows it), ended; the batch goes on once that session is gone.
      const [ended] = await connection.query<{ pid: number }>(
        ctx,
        `WITH lock AS (SELECT hashtextextended('linli:job:purge-idempotency-keys', 0) AS key)
         SELECT l.pid, pg_terminate_backend(l.pid) FROM pg_locks l, lock
         WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
           AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
           AND l.classid::text::bigint = (lock.key >> 32) & 4294967295
           AND l.objid::text::bigint = lock.key & 4294967295`,
      );
      for (let check = 0; check < 200; check += 1) {
        const alive = await connection.query(ctx, `SELECT 1 FROM pg_stat_activity WHERE pid = $1`, [
          ended.pid,
        ]);
        if (alive.length === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return done;
    });
    try {
      const res = await run('purge-idempotency-keys');
      expect(res.status).toBe(500);
      const [last] = await t.dataSource.query(
        `SELECT status, processed, batches FROM job_runs WHERE job_name = 'purge-idempotency-keys'
         ORDER BY started_at DESC LIMIT 1`,
      );
      expect(last).toEqual({ status: 'failed', processed: 5000, batches: 1 });
      // The operator's run is in the audit log, failed as it is.
      const [audited] = await t.dataSource.query(
        `SELECT actor_kind, details FROM audit_log
         WHERE action = 'job.run' AND target_id = 'purge-idempotency-keys'
         ORDER BY created_at DESC LIMIT 1`,
      );
      expect(audited).toEqual({
        actor_kind: 'admin',
        details: { failed: expect.any(String) },
      });
      // Nothing stops the next run.
      await run('purge-idempotency-keys').expect(200);
      const [{ n }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM idempotency_keys WHERE scope = 'member:lost-lock'`,
      );
      expect(n).toBe(0);
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('answers an unknown job with JOB_NOT_FOUND and keeps members out', async () => {
    expect((await run('no-such-job').expect(404)).body.error.code).toBe(ErrorCode.JobNotFound);
    const member = await loginMember(t, 'job-curious');
    expect(
      (await run('purge-refresh-tokens', member.accessToken).expect(403)).body.error.code,
    ).toBe(ErrorCode.Forbidden);
    await t.http().post('/api/v1/admin/jobs/purge-refresh-tokens/run').expect(401);
  });
});

// Each test stops its own BFF.
describe('when the BFF stops while a job runs or is starting', () => {
  let database: TestDatabase;
  let t: TestApp;
  let other: Client;
  beforeEach(async () => {
    database = await createTestDatabase();
    t = await startTestApp({}, { database });
    other = new Client({ connectionString: database.url });
    await other.connect();
  });
  afterEach(async () => {
    await other.end();
    await database.drop();
  });
  /** A scheduled run of the purge: how it ended, finished or with why not. */
  const runPurge = () =>
    t.app
      .get(JobRunner)
      .run('purge-idempotency-keys', 'schedule')
      .then(
        () => 'finished',
        (error: Error) => error.message,
      );

  it('lets the running batch commit, starts no other, and records how far the run got', async () => {
    await t.dataSource.query(
      `INSERT INTO idempotency_keys (scope, key, fingerprint, created_at)
       SELECT 'member:stopping', 'old-' || g, 'f', now() - interval '3 days' FROM generate_series(1, 12000) g`,
    );
    const job = t.app.get(PurgeIdempotencyKeysJob);
    const realBatch = job.runBatch.bind(job);
    const connection = t.app.get(TransactionalConnection);
    let entered!: () => void;
    const batchEntered = new Promise<void>((resolve) => (entered = resolve));
    // The first batch does its work, then waits on a lock another session holds.
    await other.query(`SELECT pg_advisory_lock(424242)`);
    jest.spyOn(job, 'runBatch').mockImplementationOnce(async (ctx, size) => {
      const done = await realBatch(ctx, size);
      entered();
      await connection.query(ctx, `SELECT pg_advisory_xact_lock(424242)`);
      return done;
    });
    const running = runPurge();
    await batchEntered;

    // SIGTERM: the app closes while the batch waits; the batch is let go a moment later.
    const closing = t.app.close();
    await Promise.race([closing, sleep(1000)]);
    await other.query(`SELECT pg_advisory_unlock(424242)`);
    await closing;
    await running;

    const runs = await other.query(
      `SELECT status, processed, batches, finished_at IS NOT NULL AS finished FROM job_runs
       WHERE job_name = 'purge-idempotency-keys'`,
    );
    expect(runs.rows).toEqual([
      expect.objectContaining({ status: 'failed', processed: 5000, batches: 1, finished: true }),
    ]);
    const left = await other.query(
      `SELECT count(*)::int AS n FROM idempotency_keys WHERE scope = 'member:stopping'`,
    );
    expect(left.rows[0].n).toBe(7000);
    // The job's lock went with the BFF: another instance can run it.
    const lock = await other.query(
      `SELECT pg_try_advisory_lock(hashtextextended('linli:job:purge-idempotency-keys', 0)) AS locked`,
    );
    expect(lock.rows[0].locked).toBe(true);
  });

  it('runs no batch of a run that gets under way once stopping has begun', async () => {
    await t.dataSource.query(
      `INSERT INTO idempotency_keys (scope, key, fingerprint, created_at)
       SELECT 'member:starting', 'old-' || g, 'f', now() - interval '3 days' FROM generate_series(1, 12000) g`,
    );
    // The run has its lock and waits to record its start while the BFF begins to stop.
    await other.query('BEGIN');
    await other.query('LOCK TABLE job_runs IN EXCLUSIVE MODE');
    const running = runPurge();
    await lockWaits(t.dataSource, 1, 'job_runs');
    // The table is let go once the BFF has begun to stop.
    const runner = t.app.get(JobRunner);
    const stop = runner.stop.bind(runner);
    const stopping = new Promise<void>((resolve) =>
      jest.spyOn(runner, 'stop').mockImplementation(() => {
        const stopped = stop();
        resolve();
        return stopped;
      }),
    );
    const closing = t.app.close();
    await stopping;
    await other.query('COMMIT');
    await closing;
    expect(await running).toMatch(/stop/i);
    const left = await other.query(
      `SELECT count(*)::int AS n FROM idempotency_keys WHERE scope = 'member:starting'`,
    );
    expect(left.rows[0].n).toBe(12000);
  });
});
