import { DataSource } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';

/**
 * A data source of at most `max` connections of its own to `dataSource`'s database, without
 * the timeouts requests have (the server's statement timeout and the client's wait for an
 * answer): for work that may take longer than any request may, such as migrations over a
 * large table or the day's purchase summaries. Not yet initialised; destroy it when done.
 */
export function untimedDataSource(dataSource: DataSource, max: number): DataSource {
  const options = dataSource.options as PostgresConnectionOptions;
  return new DataSource({
    ...options,
    extra: { ...options.extra, max, statement_timeout: undefined, query_timeout: undefined },
  });
}
