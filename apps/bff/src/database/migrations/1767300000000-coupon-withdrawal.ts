import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An operator can withdraw a coupon: from then on no copy is given, and its validity ends at
 * once, so copies not yet used expire. A coupon withdrawn before it began is valid for no time
 * at all: its end may now equal its start.
 */
export class CouponWithdrawal1767300000000 implements MigrationInterface {
  name = 'CouponWithdrawal1767300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE coupons
        ADD COLUMN withdrawn_at timestamptz,
        DROP CONSTRAINT coupons_check,
        ADD CONSTRAINT coupons_validity CHECK (valid_until > valid_from OR withdrawn_at IS NOT NULL),
        ADD CONSTRAINT coupons_withdrawn_validity CHECK (valid_until >= valid_from)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE coupons SET valid_until = valid_from + interval '1 millisecond'
      WHERE valid_until = valid_from`);
    await q.query(`
      ALTER TABLE coupons
        DROP CONSTRAINT coupons_withdrawn_validity,
        DROP CONSTRAINT coupons_validity,
        DROP COLUMN withdrawn_at,
        ADD CONSTRAINT coupons_check CHECK (valid_until > valid_from)`);
  }
}
