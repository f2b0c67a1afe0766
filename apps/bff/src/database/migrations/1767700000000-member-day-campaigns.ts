import { MigrationInterface, QueryRunner } from 'typeorm';

/** 会员日专享: a campaign offered only on the member day of the points policy. */
export class MemberDayCampaigns1767700000000 implements MigrationInterface {
  name = 'MemberDayCampaigns1767700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE campaigns ADD COLUMN member_day_only boolean NOT NULL DEFAULT false`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE campaigns DROP COLUMN member_day_only`);
  }
}
