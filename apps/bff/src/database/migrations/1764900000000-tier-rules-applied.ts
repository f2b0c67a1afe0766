import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The published tier-rule versions whose upgrades have been given to every member they raise:
 * lower thresholds move members up when they are published, not at their next growth. Versions
 * published before this table existed are applied by the first run of the job.
 */
export class TierRulesApplied1764900000000 implements MigrationInterface {
  name = 'TierRulesApplied1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE tier_rules_applied (
      version int PRIMARY KEY REFERENCES tier_rule_versions (version),
      applied_at timestamptz NOT NULL DEFAULT now())`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE tier_rules_applied`);
  }
}
