import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Members' birthdays, with the Shanghai day each was set (a birthday changes at most once a
 * year), and the birthday gifts given, one a member and year. The index finds the members whose
 * birthday falls on given days of the year.
 */
export class Birthdays1766300000000 implements MigrationInterface {
  name = 'Birthdays1766300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE members
        ADD COLUMN birthday date,
        ADD COLUMN birthday_set_on date,
        ADD CONSTRAINT members_birthday_set_check CHECK ((birthday IS NULL) = (birthday_set_on IS NULL))`);
    await q.query(`
      CREATE INDEX members_birthday_idx
        ON members ((extract(month FROM birthday)), (extract(day FROM birthday)))
        WHERE birthday IS NOT NULL`);
    await q.query(`
      CREATE TABLE birthday_gifts (
        member_id uuid NOT NULL REFERENCES members(id),
        year int NOT NULL,
        tier text NOT NULL,
        points int NOT NULL CHECK (points >= 0),
        given_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (member_id, year)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE birthday_gifts`);
    await q.query(`DROP INDEX members_birthday_idx`);
    await q.query(`
      ALTER TABLE members DROP CONSTRAINT members_birthday_set_check,
        DROP COLUMN birthday, DROP COLUMN birthday_set_on`);
  }
}
