import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 邀请有礼: when an invitee's first order is picked up, both sides are rewarded, once an
 * invitee; the inviter at most `referral_monthly_cap` times a Shanghai month (the invitee
 * always). A reward past the cap is kept with 0 points for the inviter.
 */
export class ReferralRewards1766400000000 implements MigrationInterface {
  name = 'ReferralRewards1766400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE points_policy
        ADD COLUMN referral_inviter_points int NOT NULL DEFAULT 100 CHECK (referral_inviter_points >= 0),
        ADD COLUMN referral_invitee_points int NOT NULL DEFAULT 50 CHECK (referral_invitee_points >= 0),
        ADD COLUMN referral_monthly_cap int NOT NULL DEFAULT 10 CHECK (referral_monthly_cap >= 0)`);
    await q.query(`
      CREATE TABLE referral_rewards (
        invitee_id uuid PRIMARY KEY REFERENCES members(id),
        inviter_id uuid NOT NULL REFERENCES members(id),
        order_id uuid NOT NULL REFERENCES orders(id),
        month text NOT NULL CHECK (month ~ '^\\d{4}-\\d{2}$'),
        inviter_points int NOT NULL CHECK (inviter_points >= 0),
        invitee_points int NOT NULL CHECK (invitee_points >= 0),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX referral_rewards_inviter_idx ON referral_rewards (inviter_id, month)`,
    );
    await q.query(
      `CREATE INDEX members_invited_by_idx ON members (invited_by_member_id) WHERE invited_by_member_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX members_invited_by_idx`);
    await q.query(`DROP TABLE referral_rewards`);
    await q.query(`
      ALTER TABLE points_policy DROP COLUMN referral_inviter_points,
        DROP COLUMN referral_invitee_points, DROP COLUMN referral_monthly_cap`);
  }
}
