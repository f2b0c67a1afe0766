import { MigrationInterface, QueryRunner } from 'typeorm';

/** Insight reads the journal's expiries apart from the rest (dated by their lots), by this index. */
export class ExpiryEntriesIndex1767800000000 implements MigrationInterface {
  name = 'ExpiryEntriesIndex1767800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX point_entries_expiries_idx ON point_entries (created_at) WHERE type = 'expire'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX point_entries_expiries_idx`);
  }
}
