import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode } from '@linli/shared';
import { DataSource, QueryRunner } from 'typeorm';
import { AppException } from '../../common/errors/app-exception';
import { isTransactionConflict } from '../../common/errors/database-errors';
import { Clock } from '../../common/clock';
import { RequestContext } from '../../common/request-context';
import { queryRows } from '../../common/transaction/query-rows';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { AuditService } from '../audit/audit.service';
import { Job, JOBS } from './job';
import { JobRunResult } from './dto/job-run.dto';

/** How often a batch that lost a deadlock or a serialisation conflict is run again. */
const BATCH_RETRIES = 3;
const BATCH_RETRY_BASE_MS = 20;

@Injectable()
export class JobRunner {
  private readonly logger = new Logger(JobRunner.name);
  private readonly jobs: Map<string, Job>;
  private readonly running = new Set<Promise<unknown>>();
  private stopping = false;

  constructor(
    @Inject(JOBS) jobs: Job[],
    private readonly dataSource: DataSource,
    private readonly connection: TransactionalConnection,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {
    this.jobs = new Map(jobs.map((job) => [job.name, job]));
  }

  list(): Job[] {
    return [...this.jobs.values()];
  }

  /** The job of that name; JOB_NOT_FOUND for none. */
  job(name: string): Job {
    const job = this.jobs.get(name);
    if (!job)
      throw new AppException(HttpStatus.NOT_FOUND, ErrorCode.JobNotFound, `No job named ${name}`);
    return job;
  }

  /**
   * Runs a job to completion under its advisory lock. When another instance holds the lock
   * the job is already running: the caller gets JOB_ALREADY_RUNNING.
   */
  async run(name: string, trigger: 'schedule' | 'admin'): Promise<JobRunResult> {
    const job = this.job(name);
    if (this.stopping) throw this.stoppedError(name);
    const run = this.runUnderLock(job, trigger);
    this.running.add(run);
    void run.then(
      () => this.running.delete(run),
      () => this.running.delete(run),
    );
    return run;
  }

  /**
   * An operator runs the job now; the audit log says who, and how the run went: a run that
   * failed too, as the batches before its failure stay done.
   */
  async runForOperator(ctx: RequestContext, name: string): Promise<JobRunResult> {
    this.job(name);
    if (this.stopping) throw this.stoppedError(name);
    let result: JobRunResult;
    try {
      result = await this.run(name, 'admin');
    } catch (error) {
      // Turned away as another run holds the job: nothing ran.
      if (error instanceof AppException && error.code === ErrorCode.JobAlreadyRunning) throw error;
      await this.audit.record(
        ctx,
        'job.run',
        { type: 'job', id: name },
        { failed: (error as Error).message },
      );
      throw error;
    }
    await this.audit.record(
      ctx,
      'job.run',
      { type: 'job', id: name },
      { runId: result.runId, processed: result.processed, batches: result.batches },
    );
    return result;
  }

  /**
   * For a BFF that stops: no job starts any more, and each running job ends after the batch
   * it is in (committed, and counted in its job_runs record), before the database closes.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.running]);
  }

  private stoppedError(name: string): AppException {
    return new AppException(
      HttpStatus.SERVICE_UNAVAILABLE,
      ErrorCode.ServiceUnavailable,
      `${name} stopped: the BFF is shutting down`,
    );
  }

  private async runUnderLock(job: Job, trigger: 'schedule' | 'admin'): Promise<JobRunResult> {
    const name = job.name;
    const lockHolder = this.dataSource.createQueryRunner();
    const lockSession = (await lockHolder.connect()) as { end(): Promise<void> };
    let lockLost = false;
    try {
      const [{ locked }] = await lockHolder.query(
        `SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked`,
        [`linli:job:${name}`],
      );
      if (!locked) {
        throw new AppException(
          HttpStatus.CONFLICT,
          ErrorCode.JobAlreadyRunning,
          `${name} is already running`,
        );
      }
      try {
        return await this.runLocked(job, trigger, async () => {
          lockLost = !(await this.holdsLock(lockHolder));
          if (lockLost) throw new Error(`${name} lost its lock: its database session ended`);
        });
      } finally {
        // A session that ended took its lock with it: there is nothing left to unlock.
        if (!lockLost)
          await lockHolder.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [
            `linli:job:${name}`,
          ]);
      }
    } finally {
      // A session that lost its lock is closed, not handed back to the pool for a request to find dead.
      if (lockLost) await lockSession.end().catch(() => undefined);
      await lockHolder.release();
    }
  }

  /** The lock is the session's for as long as the session lasts. */
  private async holdsLock(lockHolder: QueryRunner): Promise<boolean> {
    try {
      await lockHolder.query(`SELECT 1`);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Runs one batch in its own transaction, then the work it left for after the commit; the
   * run's record counts the batch in the same transaction, so that it shows how far a run has
   * got while it runs. A batch that PostgreSQL aborted as a deadlock victim or a serialisation
   * failure was rolled back whole, so it is run again, after a jittered pause that lets the
   * other transaction finish, a few times before the run fails.
   */
  private async runBatch(job: Job, runId: string): Promise<number> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.connection.withTransaction(
          RequestContext.forSystem(job.name),
          async (ctx) => {
            const count = await job.runBatch(ctx, job.batchSize);
            await this.connection.query(
              ctx,
              `UPDATE job_runs SET processed = processed + $2, batches = batches + 1 WHERE id = $1`,
              [runId, count],
            );
            return count;
          },
        );
      } catch (error) {
        if (attempt >= BATCH_RETRIES || !isTransactionConflict(error)) throw error;
        this.logger.warn({ err: error, job: job.name, attempt: attempt + 1 }, 'batch retried');
        await sleep(Math.ceil(Math.random() * BATCH_RETRY_BASE_MS * 2 ** attempt));
      }
    }
  }

  /**
   * Runs the batches one after the other. Each batch starts only while the run still holds the
   * job's lock (`stillLocked` throws when not): once it is gone, another instance may be running
   * the job.
   */
  private async runLocked(
    job: Job,
    trigger: 'schedule' | 'admin',
    stillLocked: () => Promise<void>,
  ): Promise<JobRunResult> {
    const startedAt = this.clock.now();
    // The job's lock is this run's, so a run of the job still marked running ended with its
    // process (killed, out of memory) without recording it: it is recorded as failed here.
    const [{ id }] = await this.dataSource.query(
      `WITH abandoned AS (
         UPDATE job_runs SET status = 'failed', error = $4, finished_at = $3
         WHERE job_name = $1 AND status = 'running')
       INSERT INTO job_runs (job_name, trigger, status, started_at) VALUES ($1, $2, 'running', $3) RETURNING id`,
      [job.name, trigger, startedAt, 'ended without finishing: its process stopped during the run'],
    );
    let processed = 0;
    let batches = 0;
    try {
      for (;;) {
        // Before every batch, the first too: a run that got its lock as the BFF began to stop
        // starts none.
        if (this.stopping) throw this.stoppedError(job.name);
        if (batches > 0) await stillLocked();
        const count = await this.runBatch(job, id);
        processed += count;
        batches += 1;
        if (count < job.batchSize) break;
      }
    } catch (error) {
      await this.dataSource.query(
        `UPDATE job_runs SET status = 'failed', processed = $2, batches = $3, error = $4, finished_at = now() WHERE id = $1`,
        [id, processed, batches, (error as Error).message],
      );
      this.logger.error({ err: error, job: job.name, processed }, 'job failed');
      throw error;
    }
    const [finished] = await queryRows<{ finished_at: Date }>(
      this.dataSource.manager,
      `UPDATE job_runs SET status = 'succeeded', processed = $2, batches = $3, finished_at = $4
       WHERE id = $1 RETURNING finished_at`,
      [id, processed, batches, this.clock.now()],
    );
    this.logger.log({ job: job.name, trigger, processed, batches }, 'job finished');
    return {
      runId: id,
      name: job.name,
      status: 'succeeded',
      processed,
      batches,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date(finished.finished_at).toISOString(),
    };
  }
}
