import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A tier rules draft remembers the version in force when it was made: one made before another
 * version was published is not published over it, whatever their numbers.
 */
export class TierRulesBasedOn1767600000000 implements MigrationInterface {
  name = 'TierRulesBasedOn1767600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tier_rule_versions ADD COLUMN based_on int`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tier_rule_versions DROP COLUMN based_on`);
  }
}
