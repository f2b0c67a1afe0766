import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A member-exclusive campaign (会员专享) is offered only to members whose tier, under the tier
 * rules in force, has the exclusive-campaigns benefit: publishing rules that give or take that
 * benefit opens or closes these campaigns to a tier, without touching the campaigns.
 */
export class ExclusiveCampaigns1765600000000 implements MigrationInterface {
  name = 'ExclusiveCampaigns1765600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE campaigns ADD COLUMN exclusive boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE campaigns DROP COLUMN exclusive`);
  }
}
