import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Insight reports read purchases, readiness, points movements and tier changes by time, from
 * indexes on time, so that a month's figures read that month only; the orders' indexes are
 * partial, written once an order is paid or ready rather than when it is placed.
 * Buyers' purchase days are summed up, and the churn model fitted, at most once a day and kept.
 */
export class Insight1766800000000 implements MigrationInterface {
  name = 'Insight1766800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX orders_purchases_idx ON orders (paid_at)
         INCLUDE (member_id, pickup_point_id, payable_fen, refunded_fen)
         WHERE paid_at IS NOT NULL AND state NOT IN ('cancelled', 'refunded')`,
    );
    await q.query(
      `CREATE INDEX orders_ready_idx ON orders (ready_at) INCLUDE (pickup_point_id, picked_up_at)
         WHERE ready_at IS NOT NULL`,
    );
    // The journal is appended to in time order: a block-range index finds a period's entries
    // for next to nothing on each entry written, where a B-tree would cost every earn and spend.
    await q.query(
      `CREATE INDEX point_entries_created_brin ON point_entries USING brin (created_at)`,
    );
    await q.query(`CREATE INDEX tier_changes_created_idx ON tier_changes (created_at)`);
    // Each buyer's purchase days summed up as of a day, once a day: RFM and churn read these
    // rows, one a buyer, instead of every order.
    await q.query(`
      CREATE TABLE purchase_summary_runs (
        as_of date PRIMARY KEY,
        built_at timestamptz NOT NULL,
        buyers int NOT NULL
      )`);
    await q.query(`
      CREATE TABLE purchase_summaries (
        as_of date NOT NULL REFERENCES purchase_summary_runs(as_of) ON DELETE CASCADE,
        member_id uuid NOT NULL,
        first_day date NOT NULL,
        last_day date NOT NULL,
        previous_day date,
        days int NOT NULL CHECK (days > 0),
        total_fen bigint NOT NULL,
        repeat_fen bigint NOT NULL,
        PRIMARY KEY (as_of, member_id)
      )`);
    await q.query(`
      CREATE TABLE churn_models (
        as_of date PRIMARY KEY,
        fitted_at timestamptz NOT NULL DEFAULT now(),
        customers int NOT NULL CHECK (customers > 0),
        bgnbd jsonb NOT NULL,
        gamma_gamma jsonb
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE churn_models`);
    await q.query(`DROP TABLE purchase_summaries`);
    await q.query(`DROP TABLE purchase_summary_runs`);
    for (const index of [
      'tier_changes_created_idx',
      'point_entries_created_brin',
      'orders_ready_idx',
      'orders_purchases_idx',
    ])
      await q.query(`DROP INDEX ${index}`);
  }
}
