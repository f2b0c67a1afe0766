import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A refund the provider took, whose outcome has not been notified, is asked about less and less
 * often (look_ups so far, since look_ups_since), and after days without an outcome no longer:
 * it is stalled, for an operator to take up. Refunds processing before this are counted as
 * taken when they were recorded, and get the first look-up they were still waiting for.
 */
export class RefundLookUps1765300000000 implements MigrationInterface {
  name = 'RefundLookUps1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE refunds DROP CONSTRAINT refunds_status_check`);
    await q.query(`
      ALTER TABLE refunds
        ADD CONSTRAINT refunds_status_check CHECK (status IN ('requested', 'processing', 'stalled',
          'succeeded', 'abnormal', 'closed', 'settled_by_operator')),
        ADD COLUMN look_ups int NOT NULL DEFAULT 0,
        ADD COLUMN look_ups_since timestamptz`);
    await q.query(`
      UPDATE refunds SET look_ups_since = created_at,
        next_attempt_at = coalesce(next_attempt_at, created_at)
      WHERE status = 'processing'`);
    await q.query(`
      ALTER TABLE refunds ADD CONSTRAINT refunds_processing_looked_up CHECK (status <> 'processing'
        OR (next_attempt_at IS NOT NULL AND look_ups_since IS NOT NULL))`);
    await q.query(
      `CREATE INDEX refunds_processing_idx ON refunds (next_attempt_at) WHERE status = 'processing'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX refunds_processing_idx`);
    await q.query(`ALTER TABLE refunds DROP CONSTRAINT refunds_processing_looked_up`);
    // Asked about again at once, then every 10 minutes as before.
    await q.query(
      `UPDATE refunds SET status = 'processing', next_attempt_at = now() WHERE status = 'stalled'`,
    );
    await q.query(
      `ALTER TABLE refunds DROP COLUMN look_ups_since, DROP COLUMN look_ups,
         DROP CONSTRAINT refunds_status_check`,
    );
    await q.query(`ALTER TABLE refunds ADD CONSTRAINT refunds_status_check CHECK (status IN
      ('requested', 'processing', 'succeeded', 'abnormal', 'closed', 'settled_by_operator'))`);
  }
}
