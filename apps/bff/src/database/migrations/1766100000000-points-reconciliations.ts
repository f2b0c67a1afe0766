import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The nightly check of the points ledger, account slice by account slice in member-id order:
 * how far it got and what it found, so that a run stopped half-way goes on from there and
 * operators can watch one in progress. At most one is open at a time.
 */
export class PointsReconciliations1766100000000 implements MigrationInterface {
  name = 'PointsReconciliations1766100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE points_reconciliations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        checked_through uuid,
        accounts_checked int NOT NULL DEFAULT 0 CHECK (accounts_checked >= 0),
        mismatched_accounts int NOT NULL DEFAULT 0 CHECK (mismatched_accounts >= 0),
        mismatches jsonb NOT NULL DEFAULT '[]'
      )`);
    await q.query(
      `CREATE UNIQUE INDEX points_reconciliations_open_idx ON points_reconciliations ((true)) WHERE finished_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE points_reconciliations`);
  }
}
