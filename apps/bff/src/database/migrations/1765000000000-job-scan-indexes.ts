import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the minute jobs look for, indexed by itself: paid orders awaiting their cut-off's
 * decision, and commission frozen until its order's after-sales window ends. Each is a few rows
 * among all orders and entries ever made; without these the jobs read both tables whole.
 */
export class JobScanIndexes1765000000000 implements MigrationInterface {
  name = 'JobScanIndexes1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX orders_paid_idx ON orders (paid_at) WHERE state = 'paid'`);
    await q.query(
      `CREATE INDEX commission_entries_frozen_idx ON commission_entries (order_id) WHERE state = 'frozen'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX commission_entries_frozen_idx`);
    await q.query(`DROP INDEX orders_paid_idx`);
  }
}
