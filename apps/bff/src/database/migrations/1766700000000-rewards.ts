import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The rewards mall (积分商城): coupons for points, with stock, a per-member limit and a lowest
 * tier; and the redemptions, each paid for by one points debit and taking its units of stock
 * in the same transaction.
 */
export class Rewards1766700000000 implements MigrationInterface {
  name = 'Rewards1766700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rewards (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        coupon_id uuid NOT NULL REFERENCES coupons(id),
        points_cost int NOT NULL CHECK (points_cost > 0),
        stock_total int NOT NULL CHECK (stock_total > 0),
        stock_left int NOT NULL CHECK (stock_left >= 0 AND stock_left <= stock_total),
        per_member_limit int NOT NULL CHECK (per_member_limit > 0),
        min_tier text NOT NULL DEFAULT 'regular',
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE redemptions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        reward_id uuid NOT NULL REFERENCES rewards(id),
        member_id uuid NOT NULL REFERENCES members(id),
        quantity int NOT NULL CHECK (quantity > 0),
        points int NOT NULL CHECK (points > 0),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX redemptions_member_idx ON redemptions (member_id, reward_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE redemptions`);
    await q.query(`DROP TABLE rewards`);
  }
}
