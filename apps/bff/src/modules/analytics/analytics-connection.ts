import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { dataSourceOptions } from '../../database/data-source-options';

/** A report's way to the database: read-only statements inside its snapshot. */
export type ReportQuery = <T = Record<string, unknown>>(
  sql: string,
  parameters?: unknown[],
) => Promise<T[]>;

/**
 * The analytics connection: its own small pool (on a replica when ANALYTICS_DATABASE_URL names
 * one) with a longer statement timeout, so heavy reports never queue shoppers' requests behind
 * them. Each report reads one snapshot, read-only.
 */
@Injectable()
export class AnalyticsConnection implements OnModuleDestroy {
  private readonly dataSource: DataSource;
  private ready: Promise<DataSource> | null = null;
  /** Reports running, at most the pool's size: the others wait their turn here. */
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly config: AppConfig) {
    const options = dataSourceOptions({
      url: config.ANALYTICS_DATABASE_URL ?? (config.DATABASE_URL as string),
      DB_POOL_SIZE: config.ANALYTICS_POOL_SIZE,
      DB_CONNECT_TIMEOUT_MS: config.DB_CONNECT_TIMEOUT_MS,
      DB_STATEMENT_TIMEOUT_MS: config.ANALYTICS_STATEMENT_TIMEOUT_MS,
    });
    this.dataSource = new DataSource({
      ...options,
      extra: { ...(options.extra as object), application_name: 'linli-analytics' },
    } as typeof options);
  }

  /**
   * Runs `report` in a read-only snapshot of its own, once a connection is free: a report waits
   * while the pool runs others, as long as they may run, where the pool would give up on it
   * after the few seconds a dead database is given.
   */
  async read<T>(report: (query: ReportQuery) => Promise<T>): Promise<T> {
    await this.turn();
    try {
      return await this.run(report);
    } finally {
      this.running -= 1;
      this.waiting.shift()?.();
    }
  }

  private async turn(): Promise<void> {
    while (this.running >= this.config.ANALYTICS_POOL_SIZE)
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running += 1;
  }

  private async run<T>(report: (query: ReportQuery) => Promise<T>): Promise<T> {
    const dataSource = await this.initialized();
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('START TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
      // Reports group and sort hundreds of thousands of rows: in memory rather than spilled to
      // disk, and without JIT compiling, which costs more than it saves on a statement run once.
      await runner.query(`SET LOCAL work_mem = '64MB'`);
      await runner.query('SET LOCAL jit = off');
      const result = await report((sql, parameters) => runner.query(sql, parameters));
      await runner.query('COMMIT');
      return result;
    } catch (error) {
      await runner.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  async onModuleDestroy(): Promise<void> {
    if (this.ready) await (await this.ready.catch(() => null))?.destroy();
  }

  private initialized(): Promise<DataSource> {
    this.ready ??= this.dataSource.initialize().catch((error) => {
      this.ready = null;
      throw error;
    });
    return this.ready;
  }
}
