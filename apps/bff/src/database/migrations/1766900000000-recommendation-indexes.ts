import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Recommendations read a pickup point's latest orders, newest first, with who placed them and
 * in what state: from this index alone, without sorting the point's orders or visiting them.
 */
export class RecommendationIndexes1766900000000 implements MigrationInterface {
  name = 'RecommendationIndexes1766900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX orders_pickup_point_recent_idx ON orders (pickup_point_id, created_at)
       INCLUDE (id, member_id, state)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX orders_pickup_point_recent_idx`);
  }
}
