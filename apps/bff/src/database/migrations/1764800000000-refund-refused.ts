import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whether the provider refused a refund the last time it was asked, as opposed to failing to
 * answer: only then has it certainly paid nothing, and may an operator pay it another way.
 */
export class RefundRefused1764800000000 implements MigrationInterface {
  name = 'RefundRefused1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE refunds ADD COLUMN last_refused boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE refunds DROP COLUMN last_refused`);
  }
}
