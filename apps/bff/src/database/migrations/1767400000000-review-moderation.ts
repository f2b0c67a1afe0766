import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Neighbours read what others said of a product before buying it again: each review carries its
 * product, and the visible reviews of a product are read newest first from one index. An
 * operator can hide a review (with the reason) and show it again.
 */
export class ReviewModeration1767400000000 implements MigrationInterface {
  name = 'ReviewModeration1767400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE reviews
        ADD COLUMN product_id uuid REFERENCES products(id),
        ADD COLUMN hidden_at timestamptz,
        ADD COLUMN hidden_reason text,
        ADD CONSTRAINT reviews_hidden_whole CHECK ((hidden_at IS NULL) = (hidden_reason IS NULL))`);
    await q.query(`
      UPDATE reviews r SET product_id = s.product_id
      FROM order_lines l JOIN campaigns c ON c.id = l.campaign_id JOIN skus s ON s.id = c.sku_id
      WHERE l.id = r.order_line_id`);
    await q.query(`ALTER TABLE reviews ALTER COLUMN product_id SET NOT NULL`);
    await q.query(
      `CREATE INDEX reviews_product_visible_idx ON reviews (product_id, created_at DESC, order_line_id DESC)
       WHERE hidden_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX reviews_product_visible_idx`);
    await q.query(`
      ALTER TABLE reviews DROP CONSTRAINT reviews_hidden_whole,
        DROP COLUMN product_id, DROP COLUMN hidden_at, DROP COLUMN hidden_reason`);
  }
}
