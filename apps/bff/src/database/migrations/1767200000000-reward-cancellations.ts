import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A goods redemption can be cancelled before it is handed over: by the member while the goods
 * are on their way, by an operator until they are collected (goods lost, say). Its points go back
 * (how many is kept), its units go back to the reward, and its pickup code is free again: only a
 * redemption on its way or waiting at the point holds a code.
 */
export class RewardCancellations1767200000000 implements MigrationInterface {
  name = 'RewardCancellations1767200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE redemptions
        DROP CONSTRAINT redemptions_pickup_state_check,
        ADD CONSTRAINT redemptions_pickup_state_check
          CHECK (pickup_state IN ('awaiting_delivery', 'ready_for_pickup', 'picked_up', 'cancelled')),
        ADD COLUMN cancelled_at timestamptz,
        ADD COLUMN points_returned int CHECK (points_returned >= 0 AND points_returned <= points),
        ADD CONSTRAINT redemptions_cancelled_whole CHECK (
          (pickup_state = 'cancelled') = (cancelled_at IS NOT NULL)
          AND (cancelled_at IS NULL) = (points_returned IS NULL))`);
    await q.query(`DROP INDEX redemptions_open_pickup_code`);
    await q.query(
      `CREATE UNIQUE INDEX redemptions_open_pickup_code ON redemptions (pickup_point_id, pickup_code)
       WHERE pickup_state IN ('awaiting_delivery', 'ready_for_pickup')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM redemptions WHERE pickup_state = 'cancelled'`);
    await q.query(`DROP INDEX redemptions_open_pickup_code`);
    await q.query(
      `CREATE UNIQUE INDEX redemptions_open_pickup_code ON redemptions (pickup_point_id, pickup_code)
       WHERE pickup_state <> 'picked_up'`,
    );
    await q.query(`
      ALTER TABLE redemptions
        DROP CONSTRAINT redemptions_cancelled_whole,
        DROP COLUMN cancelled_at, DROP COLUMN points_returned,
        DROP CONSTRAINT redemptions_pickup_state_check,
        ADD CONSTRAINT redemptions_pickup_state_check
          CHECK (pickup_state IN ('awaiting_delivery', 'ready_for_pickup', 'picked_up'))`);
  }
}
