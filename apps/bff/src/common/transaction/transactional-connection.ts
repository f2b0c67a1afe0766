import { Injectable } from '@nestjs/common';
import type { Client, QueryConfig, QueryResultRow } from 'pg';
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
   * A statement of the context's transaction that may take up to `timeoutMs`, longer than
   * requests' statements may: the server's statement timeout is raised for it alone, and the
   * client waits as long for its answer (it gives up on a statement after the requests' timeout
   * otherwise, whatever the server allows). The transaction's later statements have the
   * requests' timeouts again.
   */
  async longQuery<T = Record<string, unknown>>(
    ctx: RequestContext,
    sql: string,
    parameters: unknown[],
    timeoutMs: number,
  ): Promise<T[]> {
    const runner = ctx.manager?.queryRunner;
    if (!runner?.isTransactionActive) throw new Error('A long statement must run in a transaction');
    const [{ previous }] = await this.query<{ previous: string }>(
      ctx,
      `SELECT current_setting('statement_timeout') AS previous, set_config('statement_timeout', $1, true)`,
      [`${timeoutMs}ms`],
    );
    // The transaction's own connection: a runner already connected answers with it.
    const client = (await runner.connect()) as Client;
    const result = await client.query<QueryResultRow>({
      text: sql,
      values: parameters,
      query_timeout: timeoutMs + 1_000,
    } as QueryConfig);
    await this.query(ctx, `SELECT set_config('statement_timeout', $1, true)`, [previous]);
    return result.rows as T[];
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
