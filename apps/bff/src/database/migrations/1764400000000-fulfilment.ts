import { MigrationInterface, QueryRunner } from 'typeorm';

const OPEN_ORDER = `state NOT IN ('completed', 'cancelled', 'refunded')`;

export class Fulfilment1764400000000 implements MigrationInterface {
  name = 'Fulfilment1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE leader_applications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        member_id uuid NOT NULL REFERENCES members(id),
        pickup_point_id uuid NOT NULL REFERENCES pickup_points(id),
        real_name text NOT NULL,
        phone text NOT NULL,
        note text NOT NULL DEFAULT '',
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
        decision_note text,
        decided_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE UNIQUE INDEX leader_applications_one_pending ON leader_applications (member_id) WHERE status = 'pending'`,
    );
    await q.query(
      `CREATE INDEX leader_applications_status_idx ON leader_applications (status, created_at)`,
    );

    await q.query(`ALTER TABLE campaigns ADD COLUMN buyers int, ADD COLUMN decided_at timestamptz`);
    await this.orders(q);
    await q.query(`
      CREATE TABLE delivery_batches (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        campaign_id uuid NOT NULL REFERENCES campaigns(id),
        pickup_point_id uuid NOT NULL REFERENCES pickup_points(id),
        state text NOT NULL DEFAULT 'packing' CHECK (state IN ('packing', 'dispatched', 'received')),
        dispatched_at timestamptz,
        received_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (campaign_id, pickup_point_id)
      )`);
    await q.query(
      `CREATE INDEX delivery_batches_point_idx ON delivery_batches (pickup_point_id, state)`,
    );
    await q.query(`
      CREATE TABLE refund_requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id uuid NOT NULL REFERENCES orders(id),
        member_id uuid NOT NULL REFERENCES members(id),
        reason text NOT NULL,
        lines jsonb NOT NULL,
        requested_fen int NOT NULL CHECK (requested_fen >= 0),
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
        decided_by text,
        decision_note text,
        decided_at timestamptz,
        refunded_fen int,
        points_returned int,
        points_clawed_back int,
        shortfall_fen int,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX refund_requests_status_idx ON refund_requests (status, created_at)`,
    );
    await q.query(`CREATE INDEX refund_requests_order_idx ON refund_requests (order_id)`);
    await this.commission(q);
    await q.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        member_id uuid NOT NULL REFERENCES members(id),
        kind text NOT NULL,
        title text NOT NULL,
        body text NOT NULL,
        data jsonb NOT NULL DEFAULT '{}',
        dedupe_key text NOT NULL UNIQUE,
        read_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX notifications_member_idx ON notifications (member_id, created_at DESC, id DESC)`,
    );
  }

  private async orders(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE orders
        ADD COLUMN pickup_code text CHECK (pickup_code ~ '^[0-9]{8}$'),
        ADD COLUMN confirmed_at timestamptz,
        ADD COLUMN ready_at timestamptz,
        ADD COLUMN picked_up_at timestamptz,
        ADD COLUMN after_sales_ends_at timestamptz,
        ADD COLUMN completed_at timestamptz,
        ADD COLUMN refunded_fen int NOT NULL DEFAULT 0 CHECK (refunded_fen >= 0 AND refunded_fen <= payable_fen)`);
    await q.query(
      `UPDATE orders SET pickup_code = lpad(floor(random() * 100000000)::int::text, 8, '0')`,
    );
    await q.query(`ALTER TABLE orders ALTER COLUMN pickup_code SET NOT NULL`);
    // The 8 digits a shopper shows are unique among the open orders of their pickup point.
    await q.query(
      `CREATE UNIQUE INDEX orders_open_pickup_code ON orders (pickup_point_id, pickup_code) WHERE ${OPEN_ORDER}`,
    );
    await q.query(`CREATE INDEX orders_pickup_point_state_idx ON orders (pickup_point_id, state)`);
    await q.query(
      `CREATE INDEX orders_after_sales_idx ON orders (after_sales_ends_at) WHERE state IN ('picked_up', 'partially_refunded')`,
    );
    await q.query(`
      ALTER TABLE order_lines
        ADD COLUMN refunded_quantity int NOT NULL DEFAULT 0 CHECK (refunded_quantity >= 0 AND refunded_quantity <= quantity),
        ADD COLUMN refunded_fen int NOT NULL DEFAULT 0 CHECK (refunded_fen >= 0 AND refunded_fen <= payable_fen)`);
  }

  private async commission(q: QueryRunner): Promise<void> {
    // One entry per paid order line; refunds cancel part of it, never more than it holds.
    await q.query(`
      CREATE TABLE commission_entries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_line_id uuid NOT NULL UNIQUE REFERENCES order_lines(id),
        order_id uuid NOT NULL REFERENCES orders(id),
        pickup_point_id uuid NOT NULL REFERENCES pickup_points(id),
        amount_fen int NOT NULL CHECK (amount_fen >= 0),
        cancelled_fen int NOT NULL DEFAULT 0 CHECK (cancelled_fen >= 0 AND cancelled_fen <= amount_fen),
        state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'frozen', 'available', 'cancelled')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX commission_entries_point_idx ON commission_entries (pickup_point_id, state)`,
    );
    await q.query(`CREATE INDEX commission_entries_order_idx ON commission_entries (order_id)`);
    await q.query(`
      CREATE TABLE commission_withdrawals (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        pickup_point_id uuid NOT NULL REFERENCES pickup_points(id),
        leader_member_id uuid NOT NULL REFERENCES members(id),
        amount_fen int NOT NULL CHECK (amount_fen > 0),
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
        decision_note text,
        decided_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX commission_withdrawals_point_idx ON commission_withdrawals (pickup_point_id, created_at DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notifications`);
    await q.query(`DROP TABLE commission_withdrawals`);
    await q.query(`DROP TABLE commission_entries`);
    await q.query(`DROP TABLE refund_requests`);
    await q.query(`DROP TABLE delivery_batches`);
    await q.query(
      `ALTER TABLE order_lines DROP COLUMN refunded_quantity, DROP COLUMN refunded_fen`,
    );
    await q.query(`
      ALTER TABLE orders DROP COLUMN pickup_code, DROP COLUMN confirmed_at, DROP COLUMN ready_at,
        DROP COLUMN picked_up_at, DROP COLUMN after_sales_ends_at, DROP COLUMN completed_at, DROP COLUMN refunded_fen`);
    await q.query(`ALTER TABLE campaigns DROP COLUMN buyers, DROP COLUMN decided_at`);
    await q.query(`DROP TABLE leader_applications`);
  }
}
