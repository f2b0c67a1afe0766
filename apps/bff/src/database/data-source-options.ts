import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { types } from 'pg';
import { MIGRATIONS } from './migrations';
import { PreparingClient } from './preparing-client';

export type DatabaseSettings = Pick<
  AppConfig,
  'DB_POOL_SIZE' | 'DB_CONNECT_TIMEOUT_MS' | 'DB_STATEMENT_TIMEOUT_MS'
> & { url: string };

// A DATE column is a business day: keep it as its 'YYYY-MM-DD' text instead of a local-midnight Date.
types.setTypeParser(types.builtins.DATE, (value) => value);

/** Schema comes from migrations only; a dead database fails fast instead of hanging requests. */
export function dataSourceOptions(settings: DatabaseSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    // Every query is SQL through TransactionalConnection: there are no entity classes.
    entities: [],
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    extra: {
      max: settings.DB_POOL_SIZE,
      connectionTimeoutMillis: settings.DB_CONNECT_TIMEOUT_MS,
      statement_timeout: settings.DB_STATEMENT_TIMEOUT_MS,
      query_timeout: settings.DB_STATEMENT_TIMEOUT_MS + 1000,
      application_name: 'linli-bff',
      Client: PreparingClient,
    },
  };
}
