import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A refund is recorded as requested in the transaction that decides it, and asked of the
 * provider only once that transaction has committed: a rollback can no longer leave money paid
 * back for an order that stays paid, and no provider call holds the order's locks. The refund
 * keeps what the provider needs (the payment's transaction and total); sending_since marks one
 * being asked right now; a request that fails is asked again from next_attempt_at, with the
 * error kept for operators.
 * Refunds recorded before this had all been asked already.
 */
export class RefundOutbox1764700000000 implements MigrationInterface {
  name = 'RefundOutbox1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE refunds DROP CONSTRAINT refunds_status_check`);
    await q.query(`
      ALTER TABLE refunds
        ADD CONSTRAINT refunds_status_check CHECK (status IN
          ('requested', 'processing', 'succeeded', 'abnormal', 'closed', 'settled_by_operator')),
        ADD COLUMN transaction_id text,
        ADD COLUMN total_fen int CHECK (total_fen > 0),
        ADD COLUMN attempts int NOT NULL DEFAULT 0,
        ADD COLUMN next_attempt_at timestamptz,
        ADD COLUMN sending_since timestamptz,
        ADD COLUMN last_error text,
        ADD CONSTRAINT refunds_requested_sendable CHECK (status <> 'requested'
          OR (transaction_id IS NOT NULL AND total_fen IS NOT NULL AND next_attempt_at IS NOT NULL))`);
    await q.query(`ALTER TABLE refunds ALTER COLUMN status SET DEFAULT 'requested'`);
    await q.query(
      `CREATE INDEX refunds_requested_idx ON refunds (next_attempt_at) WHERE status = 'requested'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX refunds_requested_idx`);
    await q.query(`ALTER TABLE refunds ALTER COLUMN status SET DEFAULT 'processing'`);
    await q.query(
      `ALTER TABLE refunds DROP CONSTRAINT refunds_requested_sendable, DROP COLUMN last_error,
         DROP COLUMN sending_since, DROP COLUMN next_attempt_at, DROP COLUMN attempts, DROP COLUMN total_fen,
         DROP COLUMN transaction_id, DROP CONSTRAINT refunds_status_check`,
    );
    await q.query(`ALTER TABLE refunds ADD CONSTRAINT refunds_status_check CHECK (status IN
      ('processing', 'succeeded', 'abnormal', 'closed', 'settled_by_operator'))`);
  }
}
