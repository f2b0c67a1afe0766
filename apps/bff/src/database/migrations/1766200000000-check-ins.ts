import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Daily check-in (签到): one row a member and Shanghai business day, with the streak it made
 * and what it earned; and what a check-in earns, in the points policy: base points, growth,
 * and the streak bonus table (extra points on given days of a streak, repeating after the last).
 */
export class CheckIns1766200000000 implements MigrationInterface {
  name = 'CheckIns1766200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE points_policy
        ADD COLUMN check_in_points int NOT NULL DEFAULT 5 CHECK (check_in_points >= 0),
        ADD COLUMN check_in_growth int NOT NULL DEFAULT 1 CHECK (check_in_growth >= 0),
        ADD COLUMN check_in_streak_bonuses jsonb NOT NULL
          DEFAULT '[{"day": 3, "points": 10}, {"day": 7, "points": 30}]'
          CHECK (jsonb_typeof(check_in_streak_bonuses) = 'array')`);
    await q.query(`
      CREATE TABLE check_ins (
        member_id uuid NOT NULL REFERENCES members(id),
        day date NOT NULL,
        streak int NOT NULL CHECK (streak >= 1),
        points int NOT NULL CHECK (points >= 0),
        growth int NOT NULL CHECK (growth >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (member_id, day)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE check_ins`);
    await q.query(`
      ALTER TABLE points_policy DROP COLUMN check_in_points, DROP COLUMN check_in_growth,
        DROP COLUMN check_in_streak_bonuses`);
  }
}
