import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A member's spendable lots (available, with points left) in the order a debit draws from them,
 * earliest expiry first. A long-standing member holds hundreds of lots, most of them used up
 * (a debit draws the earliest first) or still far from their turn: with this index a debit
 * reads only the few lots it draws from, and the balance sums the points left from the index
 * alone, where both read every available lot of the member.
 */
export class SpendableLotsIndex1765500000000 implements MigrationInterface {
  name = 'SpendableLotsIndex1765500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX point_lots_spendable_idx ON point_lots (member_id, expires_at, id)
       INCLUDE (remaining) WHERE state = 'available' AND remaining > 0`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX point_lots_spendable_idx`);
  }
}
