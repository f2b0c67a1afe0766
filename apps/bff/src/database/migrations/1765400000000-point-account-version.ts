import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A points account's version goes up by one each time a ledger operation locks it. The
 * statement that locks the account also reads the operation's stored result, with the snapshot
 * that statement started with (READ COMMITTED): when it had to wait for the lock, an operation
 * committed meanwhile is missing from that snapshot. Its version then went up by more than one,
 * and the ledger reads the operation again.
 */
export class PointAccountVersion1765400000000 implements MigrationInterface {
  name = 'PointAccountVersion1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE point_accounts ADD COLUMN version bigint NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE point_accounts DROP COLUMN version`);
  }
}
