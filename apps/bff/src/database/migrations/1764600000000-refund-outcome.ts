import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A refund asked of the provider is not yet money back: WeChat Pay settles it later and says
 * so in a notification, and an abnormal one (the shopper's card closed) needs an operator, who
 * pays it out another way and records that (settled_by_operator).
 * Refunds recorded before this were all taken as done.
 */
export class RefundOutcome1764600000000 implements MigrationInterface {
  name = 'RefundOutcome1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE refunds
        ADD COLUMN status text NOT NULL DEFAULT 'succeeded'
          CHECK (status IN ('processing', 'succeeded', 'abnormal', 'closed', 'settled_by_operator')),
        ADD COLUMN settled_at timestamptz,
        ADD COLUMN received_account text,
        ADD COLUMN operator_note text`);
    await q.query(`UPDATE refunds SET settled_at = created_at`);
    await q.query(`ALTER TABLE refunds ALTER COLUMN status SET DEFAULT 'processing'`);
    await q.query(`CREATE INDEX refunds_status_idx ON refunds (status, created_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX refunds_status_idx`);
    await q.query(
      `ALTER TABLE refunds DROP COLUMN operator_note, DROP COLUMN received_account, DROP COLUMN settled_at,
         DROP COLUMN status`,
    );
  }
}
