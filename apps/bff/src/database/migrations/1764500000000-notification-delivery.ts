import { MigrationInterface, QueryRunner } from 'typeorm';

/** Each notice is also pushed to the member's phone (WeChat subscribe message), with retries. */
export class NotificationDelivery1764500000000 implements MigrationInterface {
  name = 'NotificationDelivery1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE notifications
        ADD COLUMN delivery text NOT NULL DEFAULT 'pending'
          CHECK (delivery IN ('pending', 'sent', 'skipped', 'failed')),
        ADD COLUMN delivery_attempts int NOT NULL DEFAULT 0 CHECK (delivery_attempts >= 0),
        ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now(),
        ADD COLUMN delivery_error text,
        ADD COLUMN delivered_at timestamptz`);
    await q.query(
      `CREATE INDEX notifications_due_idx ON notifications (next_attempt_at) WHERE delivery = 'pending'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX notifications_due_idx`);
    await q.query(`
      ALTER TABLE notifications
        DROP COLUMN delivered_at, DROP COLUMN delivery_error, DROP COLUMN next_attempt_at,
        DROP COLUMN delivery_attempts, DROP COLUMN delivery`);
  }
}
