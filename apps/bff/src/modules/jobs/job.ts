import type { EntityManager } from 'typeorm';

/**
 * A scheduled job. The runner holds a PostgreSQL advisory lock for the whole run, so that
 * one instance runs it at a time, and calls `runBatch` in a fresh transaction until a batch
 * processes fewer rows than its size. Batches must be idempotent: a batch that is rolled
 * back or repeated changes nothing twice.
 */
export interface Job {
  readonly name: string;
  /** Cron expression in Asia/Shanghai time. */
  readonly schedule: string;
  readonly batchSize: number;
  runBatch(manager: EntityManager, now: Date, batchSize: number): Promise<number>;
}

export const JOBS = Symbol('JOBS');
