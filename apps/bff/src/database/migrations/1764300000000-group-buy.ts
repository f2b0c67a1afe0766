import { MigrationInterface, QueryRunner } from 'typeorm';

export class GroupBuy1764300000000 implements MigrationInterface {
  name = 'GroupBuy1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE products (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        images jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE skus (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        product_id uuid NOT NULL REFERENCES products(id),
        name text NOT NULL,
        price_fen int NOT NULL CHECK (price_fen > 0),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX skus_product_idx ON skus (product_id)`);
    await q.query(`
      CREATE TABLE campaigns (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        sku_id uuid NOT NULL REFERENCES skus(id),
        title text NOT NULL,
        group_price_fen int NOT NULL CHECK (group_price_fen > 0),
        tier_prices jsonb NOT NULL DEFAULT '{}',
        stock_total int NOT NULL CHECK (stock_total > 0),
        stock_left int NOT NULL CHECK (stock_left >= 0 AND stock_left <= stock_total),
        per_member_limit int NOT NULL CHECK (per_member_limit > 0),
        min_buyers int NOT NULL DEFAULT 1 CHECK (min_buyers > 0),
        starts_at timestamptz NOT NULL,
        cuts_off_at timestamptz NOT NULL,
        pickup_date date NOT NULL,
        pickup_point_ids uuid[],
        tiers text[],
        tier_discount_applies boolean NOT NULL DEFAULT true,
        commission_bps int NOT NULL DEFAULT 1000 CHECK (commission_bps BETWEEN 0 AND 5000),
        status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'cut_off', 'delivering', 'closed', 'failed')),
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (starts_at < cuts_off_at)
      )`);
    await q.query(
      `CREATE INDEX campaigns_open_idx ON campaigns (cuts_off_at) WHERE status = 'published'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE campaigns`);
    await q.query(`DROP TABLE skus`);
    await q.query(`DROP TABLE products`);
  }
}
