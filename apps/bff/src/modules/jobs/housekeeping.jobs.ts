import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import type { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import type { Job } from './job';

const IDEMPOTENCY_KEY_RETENTION_HOURS = 48;

/** Stored idempotent responses are kept long enough for any client retry, then dropped. */
@Injectable()
export class PurgeIdempotencyKeysJob implements Job {
  readonly name = 'purge-idempotency-keys';
  readonly schedule = '17 3 * * *';
  readonly batchSize = 5000;

  constructor(
    private readonly connection: TransactionalConnection,
    private readonly clock: Clock,
  ) {}

  async runBatch(ctx: RequestContext, batchSize: number): Promise<number> {
    const deleted = await this.connection.query(
      ctx,
      `DELETE FROM idempotency_keys WHERE (scope, key) IN (
         SELECT scope, key FROM idempotency_keys
         WHERE created_at < $1::timestamptz - make_interval(hours => $2)
         LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING key`,
      [this.clock.now(), IDEMPOTENCY_KEY_RETENTION_HOURS, batchSize],
    );
    return deleted.length;
  }
}

/** Used and expired refresh tokens can never log anyone in again. */
@Injectable()
export class PurgeRefreshTokensJob implements Job {
  readonly name = 'purge-refresh-tokens';
  readonly schedule = '37 3 * * *';
  readonly batchSize = 5000;

  constructor(
    private readonly connection: TransactionalConnection,
    private readonly clock: Clock,
  ) {}

  async runBatch(ctx: RequestContext, batchSize: number): Promise<number> {
    const deleted = await this.connection.query(
      ctx,
      `DELETE FROM refresh_tokens WHERE id IN (
         SELECT id FROM refresh_tokens
         WHERE expires_at < $1 OR used_at < $1::timestamptz - interval '1 day'
         LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id`,
      [this.clock.now(), batchSize],
    );
    return deleted.length;
  }
}

const JOB_RUN_RETENTION_DAYS = 90;

/**
 * The jobs' own records after 90 days: a job run every minute leaves 1,440 a day. Runs still
 * going are kept, however old.
 */
@Injectable()
export class PurgeJobRunsJob implements Job {
  readonly name = 'purge-job-runs';
  readonly schedule = '47 3 * * *';
  readonly batchSize = 5000;

  constructor(
    private readonly connection: TransactionalConnection,
    private readonly clock: Clock,
  ) {}

  async runBatch(ctx: RequestContext, batchSize: number): Promise<number> {
    const deleted = await this.connection.query(
      ctx,
      `DELETE FROM job_runs WHERE id IN (
         SELECT id FROM job_runs
         WHERE status <> 'running' AND started_at < $1::timestamptz - make_interval(days => $2)
         LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING id`,
      [this.clock.now(), JOB_RUN_RETENTION_DAYS, batchSize],
    );
    return deleted.length;
  }
}
