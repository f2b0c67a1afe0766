import { MigrationInterface, QueryRunner } from 'typeorm';

/** Where each SKU stands among its product's, as the operator listed them: lists keep that order. */
export class SkuPositions1765900000000 implements MigrationInterface {
  name = 'SkuPositions1765900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE skus ADD COLUMN position int NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE skus DROP COLUMN position`);
  }
}
