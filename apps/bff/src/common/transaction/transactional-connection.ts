import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { RequestContext } from '../request-context';
import { queryRows } from './query-rows';

/**
 * The way services reach the database: queries bound to the request's
 * transaction when it has one, so that one request commits or rolls back as a whole.
 */
/**
 * A named lock ($1) held until the transaction ends, for connections of their own that take it
 * without a request's context.
 */
export const TRANSACTION_LOCK = `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`;
const SHARED_TRANSACTION_LOCK = `SELECT pg_advisory_xact_lock_shared(hashtextextended($1, 0))`;

@Injectable()
export class TransactionalConnection {
  constructor(readonly dataSource: DataSource) {}

  manager(ctx: RequestContext): EntityManager {
    return ctx.manager ?? this.dataSource.manager;
  }

  query<T = Record<string, unknown>>(
    ctx: RequestContext,
    sql: string,
    parameters?: unknown[],
  ): Promise<T[]> {
    return queryRows<T>(this.manager(ctx), sql, parameters);
  }

  /**
   * Takes a named lock, held until the context's transaction ends: work under one name runs one
   * at a time, or, taken `shared`, beside other shared holders but never beside an exclusive one.
   */
  async lockForTransaction(
    ctx: RequestContext,
    name: string,
    mode: 'exclusive' | 'shared' = 'exclusive',
  ): Promise<void> {
    await this.query(ctx, mode === 'shared' ? SHARED_TRANSACTION_LOCK : TRANSACTION_LOCK, [name]);
  }

  /**
   * Runs work in the context's transaction, opening one when there is none yet; the
   * transaction that opens it runs the context's before-commit work last, and its
   * after-commit work once it has committed.
   */
  async withTransaction<T>(
    ctx: RequestContext,
    work: (ctx: RequestContext) => Promise<T>,
  ): Promise<T> {
    if (ctx.manager?.queryRunner?.isTransactionActive) return work(ctx);
    let result: T;
    try {
      result = await this.dataSource.transaction(async (manager) => {
        ctx.manager = manager;
        try {
          const done = await work(ctx);
          for (const closing of ctx.takeWork('beforeCommit')) await closing();
          return done;
        } finally {
          ctx.manager = null;
        }
      });
    } catch (error) {
      ctx.takeWork('beforeCommit');
      ctx.takeWork('afterCommit');
      throw error;
    }
    for (const committed of ctx.takeWork('afterCommit')) await committed();
    return result;
  }
}
