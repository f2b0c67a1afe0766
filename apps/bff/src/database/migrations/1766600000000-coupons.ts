import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Coupons (DESIGN.md section 8): an operator's coupon (fen off, or a percentage off, above a
 * minimum spend, for some group-buys or all, valid for a time) and the copies issued to
 * members, each used by at most one order. Issuing is exactly-once per member and key.
 */
export class Coupons1766600000000 implements MigrationInterface {
  name = 'Coupons1766600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE coupons (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('fixed', 'percent')),
        amount_fen int NOT NULL CHECK (amount_fen >= 0),
        percent_off_bps int NOT NULL CHECK (percent_off_bps BETWEEN 0 AND 9000),
        min_spend_fen int NOT NULL CHECK (min_spend_fen >= 0),
        campaign_ids uuid[],
        valid_from timestamptz NOT NULL,
        valid_until timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (valid_until > valid_from),
        CHECK ((kind = 'fixed' AND amount_fen > 0 AND percent_off_bps = 0)
            OR (kind = 'percent' AND percent_off_bps > 0 AND amount_fen = 0))
      )`);
    await q.query(`
      CREATE TABLE member_coupons (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        coupon_id uuid NOT NULL REFERENCES coupons(id),
        member_id uuid NOT NULL REFERENCES members(id),
        issue_key text NOT NULL,
        order_id uuid REFERENCES orders(id),
        issued_at timestamptz NOT NULL DEFAULT now(),
        used_at timestamptz,
        UNIQUE (member_id, issue_key),
        CHECK ((order_id IS NULL) = (used_at IS NULL))
      )`);
    await q.query(
      `CREATE INDEX member_coupons_member_idx ON member_coupons (member_id, issued_at DESC)`,
    );
    await q.query(
      `CREATE UNIQUE INDEX member_coupons_order_idx ON member_coupons (order_id) WHERE order_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE member_coupons`);
    await q.query(`DROP TABLE coupons`);
  }
}
