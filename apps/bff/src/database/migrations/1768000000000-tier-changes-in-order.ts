import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A member's tier changes are dated when each is written, not when its transaction began: two
 * changes in one transaction (a batch completing two orders of the member) come in order.
 */
export class TierChangesInOrder1768000000000 implements MigrationInterface {
  name = 'TierChangesInOrder1768000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tier_changes ALTER COLUMN created_at SET DEFAULT clock_timestamp()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tier_changes ALTER COLUMN created_at SET DEFAULT now()`);
  }
}
