import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Goods in the rewards mall: a reward gives either a coupon or goods, which the member collects
 * at their pickup point as they would an order. A goods redemption carries the pickup point it
 * was made for, an 8-digit pickup code (one open redemption of a point per code), and how far
 * the goods have got: on their way, arrived, handed over.
 */
export class RewardGoods1767100000000 implements MigrationInterface {
  name = 'RewardGoods1767100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE rewards
        ADD COLUMN kind text NOT NULL DEFAULT 'coupon' CHECK (kind IN ('coupon', 'goods')),
        ADD COLUMN image text,
        ALTER COLUMN coupon_id DROP NOT NULL,
        ADD CONSTRAINT rewards_gives_one CHECK ((kind = 'coupon') = (coupon_id IS NOT NULL))`);
    await q.query(`
      ALTER TABLE redemptions
        ADD COLUMN pickup_point_id uuid REFERENCES pickup_points(id),
        ADD COLUMN pickup_state text
          CHECK (pickup_state IN ('awaiting_delivery', 'ready_for_pickup', 'picked_up')),
        ADD COLUMN pickup_code text CHECK (pickup_code ~ '^[0-9]{8}$'),
        ADD COLUMN ready_at timestamptz,
        ADD COLUMN picked_up_at timestamptz,
        ADD CONSTRAINT redemptions_collected_whole CHECK (
          (pickup_point_id IS NULL) = (pickup_state IS NULL)
          AND (pickup_point_id IS NULL) = (pickup_code IS NULL))`);
    await q.query(
      `CREATE UNIQUE INDEX redemptions_open_pickup_code ON redemptions (pickup_point_id, pickup_code)
       WHERE pickup_state <> 'picked_up'`,
    );
    await q.query(
      `CREATE INDEX redemptions_pickups_idx ON redemptions (pickup_point_id, pickup_state, created_at, id)
       WHERE pickup_point_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM redemptions WHERE pickup_point_id IS NOT NULL`);
    await q.query(`DELETE FROM rewards WHERE kind = 'goods'`);
    await q.query(`
      ALTER TABLE redemptions DROP CONSTRAINT redemptions_collected_whole,
        DROP COLUMN pickup_point_id, DROP COLUMN pickup_state, DROP COLUMN pickup_code,
        DROP COLUMN ready_at, DROP COLUMN picked_up_at`);
    await q.query(`
      ALTER TABLE rewards DROP CONSTRAINT rewards_gives_one, DROP COLUMN kind, DROP COLUMN image,
        ALTER COLUMN coupon_id SET NOT NULL`);
  }
}
