import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tiers' monthly coupons: the coupon operators set for a month, of which each member gets as
 * many copies as their tier's monthlyCoupons. Copies are keyed per member, month and copy
 * number in member_coupons, so that each is given once. Members are gone through by tier.
 */
export class TierMonthlyCoupons1767000000000 implements MigrationInterface {
  name = 'TierMonthlyCoupons1767000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tier_monthly_coupons (
        month text PRIMARY KEY CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        coupon_id uuid NOT NULL REFERENCES coupons(id),
        set_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX members_tier_idx ON members (tier, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX members_tier_idx`);
    await q.query(`DROP TABLE tier_monthly_coupons`);
  }
}
