import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An invitee who gives back everything they picked up gives back the referral reward too, on
 * both sides: the reward is kept, marked reversed, and no longer counts against the inviter's
 * monthly cap or in what inviting has earned them.
 */
export class ReferralReversals1767500000000 implements MigrationInterface {
  name = 'ReferralReversals1767500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE referral_rewards ADD COLUMN reversed_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE referral_rewards DROP COLUMN reversed_at`);
  }
}
