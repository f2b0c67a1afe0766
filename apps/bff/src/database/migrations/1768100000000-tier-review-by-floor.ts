import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whether a member's next tier review was put off until the end of the manual floor that alone
 * kept the tier: changing the floor then brings the review to the new end when that is sooner,
 * however often the floor has changed since.
 */
export class TierReviewByFloor1768100000000 implements MigrationInterface {
  name = 'TierReviewByFloor1768100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE members ADD COLUMN tier_review_by_floor boolean NOT NULL DEFAULT false`,
    );
    await q.query(
      `UPDATE members SET tier_review_by_floor = true WHERE tier_review_at = manual_tier_until`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE members DROP COLUMN tier_review_by_floor`);
  }
}
