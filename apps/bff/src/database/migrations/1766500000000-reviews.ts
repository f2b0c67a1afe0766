import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reviews of what was picked up, one an order line, each earning the points and growth of the
 * points policy once.
 */
export class Reviews1766500000000 implements MigrationInterface {
  name = 'Reviews1766500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE points_policy
        ADD COLUMN review_points int NOT NULL DEFAULT 10 CHECK (review_points >= 0),
        ADD COLUMN review_growth int NOT NULL DEFAULT 2 CHECK (review_growth >= 0)`);
    await q.query(`
      CREATE TABLE reviews (
        order_line_id uuid PRIMARY KEY REFERENCES order_lines(id),
        order_id uuid NOT NULL REFERENCES orders(id),
        member_id uuid NOT NULL REFERENCES members(id),
        rating int NOT NULL CHECK (rating BETWEEN 1 AND 5),
        text text NOT NULL,
        points int NOT NULL CHECK (points >= 0),
        growth int NOT NULL CHECK (growth >= 0),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX reviews_order_idx ON reviews (order_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE reviews`);
    await q.query(`ALTER TABLE points_policy DROP COLUMN review_points, DROP COLUMN review_growth`);
  }
}
