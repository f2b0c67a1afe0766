import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The orders a leader lists at their point (by state, oldest first), the delivery batches of a
 * point or in one state (newest first) and the operator's queue of withdrawals (by status,
 * oldest first) are read a page at a time after a (created_at, id) position: indexed in that
 * order, a page reads its own rows, not every row of the point or state to sort them. The
 * indexes these replace were their leading columns.
 */
export class ListPageIndexes1765100000000 implements MigrationInterface {
  name = 'ListPageIndexes1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX orders_pickup_point_state_idx`);
    await q.query(
      `CREATE INDEX orders_pickup_point_state_idx ON orders (pickup_point_id, state, created_at, id)`,
    );
    await q.query(`DROP INDEX delivery_batches_point_idx`);
    await q.query(
      `CREATE INDEX delivery_batches_point_idx ON delivery_batches (pickup_point_id, created_at DESC, id DESC)`,
    );
    await q.query(
      `CREATE INDEX delivery_batches_state_idx ON delivery_batches (state, created_at DESC, id DESC)`,
    );
    await q.query(
      `CREATE INDEX commission_withdrawals_status_idx ON commission_withdrawals (status, created_at, id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX commission_withdrawals_status_idx`);
    await q.query(`DROP INDEX delivery_batches_state_idx`);
    await q.query(`DROP INDEX delivery_batches_point_idx`);
    await q.query(
      `CREATE INDEX delivery_batches_point_idx ON delivery_batches (pickup_point_id, state)`,
    );
    await q.query(`DROP INDEX orders_pickup_point_state_idx`);
    await q.query(`CREATE INDEX orders_pickup_point_state_idx ON orders (pickup_point_id, state)`);
  }
}
