import { RequestContext } from './request-context';
import { TransactionalConnection } from './transaction/transactional-connection';

/** Of `ids`, those that no row of `table` has: what a request named that does not exist. */
export async function unknownIds(
  connection: TransactionalConnection,
  ctx: RequestContext,
  table: 'campaigns' | 'pickup_points',
  ids: readonly string[],
): Promise<string[]> {
  const known = await connection.query<{ id: string }>(
    ctx,
    `SELECT id FROM ${table} WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  return ids.filter((id) => !known.some((row) => row.id === id));
}
