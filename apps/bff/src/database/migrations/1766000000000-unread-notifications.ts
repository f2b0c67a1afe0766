import { MigrationInterface, QueryRunner } from 'typeorm';

/** A member's unread notices, counted for the badge on 我的 without reading the read ones. */
export class UnreadNotifications1766000000000 implements MigrationInterface {
  name = 'UnreadNotifications1766000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX notifications_unread_idx ON notifications (member_id) WHERE read_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX notifications_unread_idx`);
  }
}
