import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The operator's member list runs newest first, over everyone or over one pickup point's
 * members: each page reads its rows in order from an index instead of sorting every member.
 */
export class MemberSearchIndexes1765800000000 implements MigrationInterface {
  name = 'MemberSearchIndexes1765800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX members_newest_idx ON members (created_at DESC, id DESC)`);
    await q.query(
      `CREATE INDEX members_pickup_point_idx ON members (pickup_point_id, created_at DESC, id DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX members_pickup_point_idx`);
    await q.query(`DROP INDEX members_newest_idx`);
  }
}
