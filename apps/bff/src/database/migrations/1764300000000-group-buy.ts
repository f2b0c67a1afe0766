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
    await this.orders(q);
  }

  private async orders(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE orders (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        member_id uuid NOT NULL REFERENCES members(id),
        pickup_point_id uuid NOT NULL REFERENCES pickup_points(id),
        state text NOT NULL CHECK (state IN ('pending_payment', 'paid', 'confirmed', 'delivering', 'ready_for_pickup',
          'picked_up', 'completed', 'cancelled', 'refunded', 'partially_refunded')),
        subtotal_fen int NOT NULL CHECK (subtotal_fen > 0),
        tier_discount_fen int NOT NULL CHECK (tier_discount_fen >= 0),
        coupon_discount_fen int NOT NULL CHECK (coupon_discount_fen >= 0),
        points_used int NOT NULL CHECK (points_used >= 0),
        points_discount_fen int NOT NULL CHECK (points_discount_fen >= 0),
        payable_fen int NOT NULL CHECK (payable_fen > 0),
        points_to_earn int NOT NULL CHECK (points_to_earn >= 0),
        expires_at timestamptz NOT NULL,
        paid_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (payable_fen = subtotal_fen - tier_discount_fen - coupon_discount_fen - points_discount_fen)
      )`);
    await q.query(`CREATE INDEX orders_member_idx ON orders (member_id, created_at DESC, id DESC)`);
    await q.query(
      `CREATE INDEX orders_unpaid_idx ON orders (expires_at) WHERE state = 'pending_payment'`,
    );
    await q.query(`
      CREATE TABLE order_lines (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id uuid NOT NULL REFERENCES orders(id),
        campaign_id uuid NOT NULL REFERENCES campaigns(id),
        quantity int NOT NULL CHECK (quantity > 0),
        unit_price_fen int NOT NULL,
        list_fen int NOT NULL,
        tier_discount_fen int NOT NULL,
        coupon_discount_fen int NOT NULL,
        points_discount_fen int NOT NULL,
        payable_fen int NOT NULL CHECK (payable_fen >= 0),
        UNIQUE (order_id, campaign_id)
      )`);
    await q.query(`CREATE INDEX order_lines_campaign_idx ON order_lines (campaign_id)`);
    // One payment per order, one per provider transaction: notifications are idempotent.
    await q.query(`
      CREATE TABLE payments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id uuid NOT NULL UNIQUE REFERENCES orders(id),
        provider text NOT NULL,
        transaction_id text NOT NULL,
        amount_fen int NOT NULL CHECK (amount_fen > 0),
        paid_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (provider, transaction_id)
      )`);
    await q.query(`
      CREATE TABLE refunds (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id uuid NOT NULL REFERENCES orders(id),
        reason text NOT NULL,
        amount_fen int NOT NULL CHECK (amount_fen > 0),
        provider_refund_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (order_id, reason)
      )`);
    // How many units of a campaign each member holds in open orders: the per-member limit
    // is a guarded update of this row, never a count read before an insert.
    await q.query(`
      CREATE TABLE campaign_member_quantities (
        campaign_id uuid NOT NULL REFERENCES campaigns(id),
        member_id uuid NOT NULL REFERENCES members(id),
        quantity int NOT NULL CHECK (quantity >= 0),
        PRIMARY KEY (campaign_id, member_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE refunds`);
    await q.query(`DROP TABLE payments`);
    await q.query(`DROP TABLE campaign_member_quantities`);
    await q.query(`DROP TABLE order_lines`);
    await q.query(`DROP TABLE orders`);
    await q.query(`DROP TABLE campaigns`);
    await q.query(`DROP TABLE skus`);
    await q.query(`DROP TABLE products`);
  }
}
