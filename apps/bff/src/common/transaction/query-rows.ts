import type { EntityManager } from 'typeorm';

/**
 * Rows of a raw query. TypeORM answers UPDATE and DELETE with `[rows, rowCount]` but other
 * statements with the rows alone; this gives the rows either way.
 */
export async function queryRows<T = Record<string, unknown>>(
  manager: EntityManager,
  sql: string,
  parameters?: unknown[],
): Promise<T[]> {
  const result = await manager.query(sql, parameters);
  const isCommandResult =
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number';
  return isCommandResult ? result[0] : result;
}
