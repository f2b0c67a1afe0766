import type { RequestContext } from '../../common/request-context';

/**
 * A scheduled job. The runner holds a PostgreSQL advisory lock for the whole run, so that
 * one instance runs it at a time, and calls `runBatch` in a fresh transaction (the context's)
 * until a batch processes fewer rows than its size; a batch aborted by a deadlock or a
 * serialisation failure is run again a few times. Batches must be idempotent: a batch that
 * is rolled back or repeated changes nothing twice.
 */
export interface Job {
  readonly name: string;
  /** Cron expression in Asia/Shanghai time. */
  readonly schedule: string;
  readonly batchSize: number;
  runBatch(ctx: RequestContext, batchSize: number): Promise<number>;
}

export const JOBS = Symbol('JOBS');
