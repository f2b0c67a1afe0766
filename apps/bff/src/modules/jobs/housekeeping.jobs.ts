import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import type { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import type { Job } from './job';

const IDEMPOTENCY_KEY_RETENTION_HOURS = 48;
const JOB_RUN_RETENTION_DAYS = 90;

/**
 * A housekeeping job: each batch deletes up to its size of the rows of `table` that `stale`
 * selects ($1 is now, $2 the retention), by its `key` columns, passing over rows another
 * transaction holds.
 */
@Injectable()
abstract class PurgeJob implements Job {
  abstract readonly name: string;
  abstract readonly schedule: string;
  readonly batchSize = 5000;
  protected abstract readonly table: string;
  protected abstract readonly key: string;
  protected abstract readonly stale: string;
  protected abstract readonly retention: number;

  constructor(
    private readonly connection: TransactionalConnection,
    private readonly clock: Clock,
  ) {}

  async runBatch(ctx: RequestContext, batchSize: number): Promise<number> {
    const deleted = await this.connection.query(
      ctx,
      `DELETE FROM ${this.table} WHERE (${this.key}) IN (
         SELECT ${this.key} FROM ${this.table} WHERE (${this.stale})
         LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING 1`,
      [this.clock.now(), this.retention, batchSize],
    );
    return deleted.length;
  }
}

/** Stored idempotent responses are kept long enough for any client retry, then dropped. */
@Injectable()
export class PurgeIdempotencyKeysJob extends PurgeJob {
  readonly name = 'purge-idempotency-keys';
  readonly schedule = '17 3 * * *';
  protected readonly table = 'idempotency_keys';
  protected readonly key = 'scope, key';
  protected readonly stale = `created_at < $1::timestamptz - make_interval(hours => $2)`;
  protected readonly retention = IDEMPOTENCY_KEY_RETENTION_HOURS;
}

/** Used and expired refresh tokens can never log anyone in again. */
@Injectable()
export class PurgeRefreshTokensJob extends PurgeJob {
  readonly name = 'purge-refresh-tokens';
  readonly schedule = '37 3 * * *';
  protected readonly table = 'refresh_tokens';
  protected readonly key = 'id';
  // A used token is kept a day; a replay after that is known by the session the token names.
  protected readonly stale = `expires_at < $1 OR used_at < $1::timestamptz - make_interval(days => $2)`;
  protected readonly retention = 1;
}

/**
 * The jobs' own records after 90 days: a job run every minute leaves 1,440 a day. Runs still
 * going are kept, however old.
 */
@Injectable()
export class PurgeJobRunsJob extends PurgeJob {
  readonly name = 'purge-job-runs';
  readonly schedule = '47 3 * * *';
  protected readonly table = 'job_runs';
  protected readonly key = 'id';
  protected readonly stale = `status <> 'running' AND started_at < $1::timestamptz - make_interval(days => $2)`;
  protected readonly retention = JOB_RUN_RETENTION_DAYS;
}
