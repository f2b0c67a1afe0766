import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Recommendations read a pickup point's latest purchases, newest first, with who made them:
 * from this index alone, without sorting the point's orders or visiting them. Partial, so that
 * placing an order, which is not a purchase until paid, does not write to it.
 */
export class RecommendationIndexes1766900000000 implements MigrationInterface {
  name = 'RecommendationIndexes1766900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX orders_point_purchases_idx ON orders (pickup_point_id, paid_at)
       INCLUDE (id, member_id)
       WHERE paid_at IS NOT NULL AND state NOT IN ('cancelled', 'refunded')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX orders_point_purchases_idx`);
  }
}
